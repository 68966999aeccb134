"""Meeting pages: the list of meetings, one meeting, and what its organisers change on it.

The other parts of a meeting (agenda, annexures, attendance, minutes, actions …) have views of
their own modules on the same blueprint; they find a meeting with `get_meeting_or_404` and add
what their part of the meeting page needs with `meeting_page_context`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.events import blueprint, permissions, queries, services
from kmrg.events.forms import MeetingActionForm, MeetingForm, MeetingStatusForm
from kmrg.events.models import Meeting, MeetingStatus, MeetingVisibility
from kmrg.exceptions import ValidationError
from kmrg.extensions import db
from kmrg.forms import choices, submitted_version
from kmrg.inputs import MAX_ID, bounded_int, page_number
from kmrg.localtime import from_local, to_local
from kmrg.models import utcnow
from kmrg.service_calls import committing

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


STALE_MEETING_EDIT = (
    "Someone else saved this meeting after you opened it, so your changes were NOT saved. "
    "Your text is kept below: check the meeting's page in a new tab, then save again to "
    "replace their version with yours."
)
# What each status button says, by the status it moves the meeting to (and from where).
STATUS_BUTTONS = {
    MeetingStatus.HELD: "Mark as held",
    MeetingStatus.MINUTES_DRAFT: "Minutes are being drafted",
    MeetingStatus.MINUTES_APPROVED: "Minutes are approved",
    MeetingStatus.CANCELLED: "Cancel the meeting",
    MeetingStatus.PLANNED: "Back to planned",
}
STATUS_MESSAGES = {
    MeetingStatus.HELD: "The meeting is marked as held.",
    MeetingStatus.MINUTES_DRAFT: "The meeting's minutes are marked as in draft.",
    MeetingStatus.MINUTES_APPROVED: "The meeting's minutes are marked as approved.",
    MeetingStatus.CANCELLED: "The meeting is cancelled.",
    MeetingStatus.PLANNED: "The meeting is planned again.",
}


def _organisation_choices() -> list:
    return choices(
        [("", "None yet")]
        + [(str(o_id), label) for o_id, label in queries.organisation_id_choices(db.session)]
    )


def _prepare_meeting_form(form: MeetingForm) -> None:
    form.series.choices = choices((s.slug, s.title) for s in queries.list_series(db.session))
    form.organisation_id.choices = _organisation_choices()
    form.visibility.choices = choices((v.value, v.label) for v in MeetingVisibility)


def _meeting_data_from(form: MeetingForm) -> services.MeetingData:
    ends_on = form.ends_on.data or form.starts_on.data
    visibility = form.visibility.data
    return services.MeetingData(
        title=form.title.data or "",
        starts_at=from_local(form.starts_on.data, form.starts_time.data),
        ends_at=from_local(ends_on, form.ends_time.data),
        host_organisation_id=bounded_int(form.organisation_id.data, 1, MAX_ID),
        venue=form.venue.data or "",
        online_url=form.online_url.data or "",
        aims=form.aims.data or "",
        visibility=MeetingVisibility(visibility)
        if visibility in MeetingVisibility._value2member_map_
        else MeetingVisibility.MEMBERS,
        notes=form.notes.data or "",
    )


def _fill_meeting_form(form: MeetingForm, meeting: Meeting) -> None:
    starts, ends = to_local(meeting.starts_at), to_local(meeting.ends_at)
    form.title.data = meeting.title
    form.series.data = meeting.series.slug
    form.organisation_id.data = str(meeting.host_organisation_id or "")
    form.starts_on.data, form.starts_time.data = starts.date(), starts.time()
    form.ends_on.data = ends.date() if ends.date() != starts.date() else None
    form.ends_time.data = ends.time()
    form.venue.data = meeting.venue
    form.online_url.data = meeting.online_url
    form.aims.data = meeting.aims
    form.visibility.data = meeting.visibility.value
    form.notes.data = meeting.notes
    form.version.data = str(meeting.version)


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create_meeting():
    if not permissions.can_create_meeting(current_user):
        abort(403)
    form = MeetingForm()
    _prepare_meeting_form(form)
    if request.method == "GET":
        form.visibility.data = MeetingVisibility.MEMBERS.value
        form.series.data = request.args.get("series", "")
        if current_user.organisation_id:
            form.organisation_id.data = str(current_user.organisation_id)
    if form.validate_on_submit():
        series = queries.get_series_by_slug(db.session, form.series.data or "")
        with committing(form) as call:
            if series is None:
                raise ValidationError("Choose the series from the list.", "series")
            meeting = services.create_meeting(
                db.session, current_user, series, _meeting_data_from(form)
            )
        if call.succeeded:
            flash(f"“{meeting.title}” is recorded.", "success")
            return redirect(url_for("events.show_meeting", slug=meeting.slug))
    return render_template("events/edit_meeting.html", form=form, meeting=None)


@blueprint.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(slug: str):
    meeting = get_editable_meeting_or_404(slug)
    form = MeetingForm()
    _prepare_meeting_form(form)
    # The series is chosen once; the edit shows it but does not change it.
    form.series.validators = []
    form.series.choices = choices([(meeting.series.slug, meeting.series.title)])
    if request.method == "GET":
        _fill_meeting_form(form, meeting)
    if form.validate_on_submit():
        with committing(form, stale_message=STALE_MEETING_EDIT) as call:
            services.update_meeting(
                db.session,
                current_user,
                meeting,
                _meeting_data_from(form),
                expected_version=submitted_version(form),
            )
        if call.succeeded:
            flash(f"“{meeting.title}” is saved.", "success")
            return redirect(url_for("events.show_meeting", slug=meeting.slug))
        # A refused save leaves the form ready to save against the version now stored.
        form.version.data = str(meeting.version)
    return render_template("events/edit_meeting.html", form=form, meeting=meeting)


def status_buttons(meeting: Meeting) -> list[tuple[MeetingStatus, str]]:
    """Return the statuses the meeting may move to now, with their buttons' labels."""
    buttons = []
    for status in services.TRANSITIONS[meeting.status]:
        # A meeting is marked held once it has started; before, the button would only refuse.
        if status is MeetingStatus.HELD and meeting.starts_at > utcnow():
            continue
        # Started minutes lead the meeting's status: their own page approves them.
        if services.minutes_refusal(meeting, status):
            continue
        label = STATUS_BUTTONS[status]
        if status is MeetingStatus.PLANNED and meeting.status is MeetingStatus.CANCELLED:
            label = "Reinstate the meeting"
        elif status is MeetingStatus.HELD and meeting.status is MeetingStatus.MINUTES_DRAFT:
            label = "Back to held (no minutes yet)"
        buttons.append((status, label))
    return buttons


@meeting_page_context
def _status_context(meeting: Meeting) -> dict[str, Any]:
    if not permissions.can_edit_meeting(current_user, meeting):
        return {}
    return {"status_buttons": status_buttons(meeting)}


@blueprint.route("/<slug>/status", methods=["POST"])
@login_required
def change_meeting_status(slug: str):
    meeting = get_editable_meeting_or_404(slug)
    form = MeetingStatusForm()
    if not form.validate_on_submit() or form.status.data not in MeetingStatus._value2member_map_:
        abort(400)
    status = MeetingStatus(form.status.data)
    with committing() as call:
        services.change_meeting_status(
            db.session, current_user, meeting, status, expected_version=submitted_version(form)
        )
    if call.succeeded:
        flash(STATUS_MESSAGES[status], "success")
    return redirect(url_for("events.show_meeting", slug=meeting.slug))


@blueprint.route("/<slug>/publish", methods=["POST"])
@login_required
def publish_meeting(slug: str):
    meeting = get_editable_meeting_or_404(slug)
    form = MeetingActionForm()
    if not form.validate_on_submit():
        abort(400)
    was_draft = meeting.is_draft
    with committing() as call:
        services.publish_meeting(
            db.session, current_user, meeting, expected_version=submitted_version(form)
        )
    if call.succeeded:
        if was_draft:
            flash(f"“{meeting.title}” is published: {VISIBLE_TO[meeting.visibility]}", "success")
        else:
            flash("This meeting was already published.", "info")
    return redirect(url_for("events.show_meeting", slug=meeting.slug))


VISIBLE_TO = {
    MeetingVisibility.PUBLIC: "anyone may now see it.",
    MeetingVisibility.MEMBERS: "members of the Hub may now see it.",
    MeetingVisibility.INVITED: "the people on its list may now see it.",
}
