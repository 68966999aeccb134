"""Meeting pages: the list of meetings, one meeting, and what its organisers change on it.

The other parts of a meeting (agenda, annexures, attendance, minutes, actions …) have views of
their own modules on the same blueprint; they find a meeting with `get_meeting_or_404` and add
what their part of the meeting page needs with `meeting_page_context`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, render_template
from flask_login import current_user

from kmrg.events import blueprint, permissions, queries
from kmrg.events.forms import MeetingActionForm
from kmrg.events.models import Meeting
from kmrg.extensions import db
from kmrg.inputs import page_number

PER_PAGE = 20
MeetingPageContext = Callable[[Meeting], dict[str, Any]]
# Each part of the meeting page adds the values its partial reads (names prefixed by the part).
_page_contexts: list[MeetingPageContext] = []


def meeting_page_context(function: MeetingPageContext) -> MeetingPageContext:
    """Add `function(meeting)`'s values to the meeting page's template context."""
    _page_contexts.append(function)
    return function


def get_meeting_or_404(slug: str) -> Meeting:
    """Return the meeting called `slug` if the current user may see it, else abort with 404.

    A meeting the viewer may not see is a 404, not a 403, so an invited-only meeting or an
    unconfirmed draft does not reveal that it exists.
    """
    meeting = queries.get_meeting_by_slug(db.session, slug)
    if meeting is None or not permissions.can_view_meeting(current_user, meeting):
        abort(404)
    return meeting


def get_editable_meeting_or_404(slug: str) -> Meeting:
    """Return the meeting if the current user organises it: 404 if unseen, 403 if only seen."""
    meeting = get_meeting_or_404(slug)
    if not permissions.can_edit_meeting(current_user, meeting):
        abort(403)
    return meeting


def action_form_for(meeting: Meeting) -> MeetingActionForm:
    """Return a one-button form carrying the meeting's version as the page shows it."""
    form = MeetingActionForm(formdata=None)
    form.version.data = str(meeting.version)
    return form


@blueprint.route("/<slug>")
def show_meeting(slug: str):
    meeting = get_meeting_or_404(slug)
    context: dict[str, Any] = {}
    for add_context in _page_contexts:
        context.update(add_context(meeting))
    return render_template(
        "events/show.html",
        meeting=meeting,
        action_form=action_form_for(meeting),
        **context,
    )


@blueprint.route("/")
def list_meetings():
    page = db.paginate(
        queries.past_meetings_query(current_user),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "events/index.html",
        upcoming=queries.list_upcoming_meetings(db.session, current_user),
        past=page,
        series_list=queries.list_series(db.session),
    )


@blueprint.route("/series/<slug>")
def show_series(slug: str):
    series = queries.get_series_by_slug(db.session, slug)
    if series is None:
        abort(404)
    page = db.paginate(
        queries.past_meetings_query(current_user, series=series),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "events/series.html",
        series=series,
        upcoming=queries.list_upcoming_series_meetings(db.session, current_user, series),
        past=page,
    )
