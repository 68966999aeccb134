"""How a view runs a service: commit once on success, and turn a refusal into what the user sees.

Every state-changing view ends the same way — the service refused (403), the input was wrong (the
message beside its field, nothing saved), the record changed meanwhile (a message, the typed text
kept), or it worked (commit, then redirect). Writing that once keeps the views thin and alike:

    with committing(form, stale_message=STALE) as call:
        profile = services.create_expert_profile(db.session, current_user, details)
    if call.succeeded:
        flash(...)
        return redirect(...)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import abort, flash
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.extensions import db
from kmrg.forms import apply_validation_error
from kmrg.models import StaleEditError

# What a one-button action says when the record moved on under it (a double click, or two people
# acting at once) and the view has nothing more precise to say.
STALE_ACTION = "This was changed by someone else meanwhile, so nothing was done. Here it is now."


@dataclass
class ServiceCall:
    """What became of one service call: committed (`succeeded`), or refused as out of date."""

    succeeded: bool = False
    stale: bool = False


@contextmanager
def committing(
    form: FlaskForm | None = None, *, stale_message: str | Callable[[], str] = ""
) -> Iterator[ServiceCall]:
    """Run the block's service call and commit it, or roll back and say why on `form`.

    PermissionDenied aborts with 403. A ValidationError lands beside its field on `form`; without
    a form (a one-button action) its message is flashed as an error. A stale edit, refused by the
    service or caught by the version column at commit time, adds `stale_message` to the form's
    errors (with a form but no message, it propagates); without a form it flashes `stale_message`
    (or STALE_ACTION), so the view shows the record as it now is. Either way the call is marked
    `stale`, so the view can point the form at the version now stored. A callable message is
    called after the rollback, when the record reads as it now is.
    """
    call = ServiceCall()
    try:
        yield call
        db.session.commit()
    except PermissionDenied:
        db.session.rollback()
        abort(403)
    except ValidationError as error:
        db.session.rollback()
        if form is None:
            flash(error.message, "error")
        else:
            apply_validation_error(form, error)
    except (StaleEditError, StaleDataError):
        db.session.rollback()
        if form is not None and not stale_message:
            raise
        call.stale = True
        message = stale_message() if callable(stale_message) else stale_message
        if form is not None:
            form.form_errors.append(message)
        else:
            flash(message or STALE_ACTION, "info")
    else:
        call.succeeded = True
