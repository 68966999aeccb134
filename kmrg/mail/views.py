"""The outbox page for administrators: what the Hub sent, to whom, and what became of it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from kmrg.extensions import db
from kmrg.inputs import page_number
from kmrg.mail import blueprint, permissions, services
from kmrg.mail.forms import RetryMessageForm
from kmrg.mail.models import MailMessage, MailStatus
from kmrg.mail.queries import mail_messages_query
from kmrg.service_calls import committing

PER_PAGE = 50
RETRY_OUTCOMES = {
    MailStatus.SENT: ("The message was sent.", "success"),
    MailStatus.STORED: ("No mail server is configured: the message was stored again.", "info"),
    MailStatus.QUEUED: ("The mail server failed again; the Hub will keep trying.", "error"),
    MailStatus.FAILED: ("The message could not be sent.", "error"),
}


@blueprint.after_request
def _never_cache(response: Response) -> Response:
    # Bodies hold password-reset links: no browser or proxy may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _require_outbox_reader() -> None:
    if not permissions.can_view_outbox(current_user):
        abort(403)


def _get_message_or_404(message_id: int) -> MailMessage:
    message = db.session.get(MailMessage, message_id)
    if message is None:
        abort(404)
    return message


@blueprint.route("/")
@login_required
def list_messages():
    _require_outbox_reader()
    status = request.args.get("status", "")
    # Only a real status filters; anything else shows every message.
    chosen = MailStatus(status) if status in MailStatus._value2member_map_ else None
    page = db.paginate(
        mail_messages_query(chosen), page=page_number(), per_page=PER_PAGE, error_out=False
    )
    return render_template(
        "mail/admin/list.html", page=page, status=chosen, statuses=list(MailStatus)
    )


@blueprint.route("/<int:message_id>")
@login_required
def show_message(message_id: int):
    _require_outbox_reader()
    message = _get_message_or_404(message_id)
    return render_template("mail/admin/message.html", message=message, form=RetryMessageForm())


@blueprint.route("/<int:message_id>/retry", methods=["POST"])
@login_required
def retry_message(message_id: int):
    _require_outbox_reader()
    message = _get_message_or_404(message_id)
    form = RetryMessageForm()
    if not form.validate_on_submit():
        abort(400)
    with committing() as call:
        services.retry_message(db.session, current_user, message)
    if call.succeeded:
        # The commit has tried it once already (the after-commit delivery): say how it went.
        db.session.refresh(message)
        flash(*RETRY_OUTCOMES[message.status])
    return redirect(url_for("mail.show_message", message_id=message.id))
