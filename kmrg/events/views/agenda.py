"""The agenda on the meeting page: organisers add, edit, reorder and remove sessions."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.auth.people import describe_person
from kmrg.events import agenda, blueprint, queries
from kmrg.events.forms import (
    EMPTY_SPEAKER_ROWS,
    MeetingActionForm,
    SessionForm,
    SessionMoveForm,
)
from kmrg.events.models import AgendaSession, Meeting
from kmrg.events.views.meetings import get_editable_meeting_or_404, meeting_page_context
from kmrg.extensions import db
from kmrg.forms import choices
from kmrg.inputs import MAX_ID, bounded_int
from kmrg.localtime import to_local
from kmrg.service_calls import committing

STALE_SESSION_EDIT = (
    "Someone else saved this session after you opened it, so your changes were NOT saved. "
    "Your text is kept below: check the meeting's page in a new tab, then save again to "
    "replace their version with yours."
)


def _day_label(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@meeting_page_context
def _agenda_context(meeting: Meeting) -> dict[str, Any]:
    days = agenda.meeting_days(meeting)
    numbers = {day: number for number, day in enumerate(days, start=1)}

    def day_number(agenda_session: AgendaSession) -> int | None:
        return numbers.get(to_local(agenda_session.starts_at).date())

    return {
        "agenda_sessions": meeting.sessions,
        "agenda_has_time": agenda.has_clock_time,
        "agenda_day_number": day_number,
        "agenda_days": len(days),
    }


def _get_session_or_404(meeting: Meeting, session_id: int) -> AgendaSession:
    agenda_session = db.session.get(AgendaSession, session_id)
    if agenda_session is None or agenda_session.meeting_id != meeting.id:
        abort(404)
    return agenda_session


def _prepare(form: SessionForm, meeting: Meeting, agenda_session: AgendaSession | None) -> None:
    form.day.choices = choices(
        [("", "No particular day")]
        + [(day.isoformat(), _day_label(day)) for day in agenda.meeting_days(meeting)]
    )
    kept: set[int] = set()
    if agenda_session is not None:
        kept = {s.user_id for s in agenda_session.speakers if s.user_id}
        if agenda_session.facilitator_id:
            kept.add(agenda_session.facilitator_id)
    people = [("", "Nobody from the Hub")]
    for user in queries.list_people_to_choose(db.session, current_user, keep=kept):
        shown = describe_person(current_user, user)
        label = shown.text
        if shown.is_named and shown.organisation is not None:
            label = f"{label} — {shown.organisation.name}"
        people.append((str(user.id), label))
    form.facilitator_id.choices = choices(people)
    for row in form.speakers:
        row.form.user_id.choices = choices(people)


def _fill(form: SessionForm, agenda_session: AgendaSession) -> None:
    form.title.data = agenda_session.title
    if agenda_session.starts_at is not None:
        starts = to_local(agenda_session.starts_at)
        form.day.data = starts.date().isoformat()
        form.starts.data = starts.time() if agenda.has_clock_time(agenda_session) else None
    if agenda_session.ends_at is not None:
        form.ends.data = to_local(agenda_session.ends_at).time()
    form.facilitator_id.data = str(agenda_session.facilitator_id or "")
    form.facilitator_name.data = agenda_session.facilitator_name
    form.notes.data = agenda_session.notes
    while len(form.speakers):
        form.speakers.pop_entry()
    for speaker in agenda_session.speakers:
        form.speakers.append_entry(
            {
                "user_id": str(speaker.user_id or ""),
                "guest_name": speaker.guest_name,
                "guest_organisation": speaker.guest_organisation,
            }
        )
    for _ in range(EMPTY_SPEAKER_ROWS):
        if len(form.speakers) < form.speakers.max_entries:
            form.speakers.append_entry()
    form.fingerprint.data = agenda.session_fingerprint(agenda_session)


def _data_from(form: SessionForm) -> agenda.SessionData:
    day = form.day.data or ""
    return agenda.SessionData(
        title=form.title.data or "",
        day=_parse_day(day),
        starts=form.starts.data,
        ends=form.ends.data,
        facilitator_id=bounded_int(form.facilitator_id.data, 1, MAX_ID),
        facilitator_name=form.facilitator_name.data or "",
        notes=form.notes.data or "",
        speakers=[
            agenda.SpeakerEntry(
                user_id=bounded_int(row.form.user_id.data, 1, MAX_ID),
                guest_name=row.form.guest_name.data or "",
                guest_organisation=row.form.guest_organisation.data or "",
            )
            for row in form.speakers
        ],
    )


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _back_to_agenda(meeting: Meeting):
    return redirect(url_for("events.show_meeting", slug=meeting.slug, _anchor="agenda-heading"))


@blueprint.route("/<slug>/agenda/new", methods=["GET", "POST"])
@login_required
def add_agenda_session(slug: str):
    meeting = get_editable_meeting_or_404(slug)
    form = SessionForm()
    _prepare(form, meeting, None)
    if form.validate_on_submit():
        with committing(form) as call:
            added = agenda.add_session(db.session, current_user, meeting, _data_from(form))
        if call.succeeded:
            flash(f"“{added.title}” is added to the agenda.", "success")
            return _back_to_agenda(meeting)
    return render_template(
        "events/edit_session.html", form=form, meeting=meeting, agenda_session=None
    )


@blueprint.route("/<slug>/agenda/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_agenda_session(slug: str, session_id: int):
    meeting = get_editable_meeting_or_404(slug)
    agenda_session = _get_session_or_404(meeting, session_id)
    form = SessionForm()
    if request.method == "GET":
        _fill(form, agenda_session)
    _prepare(form, meeting, agenda_session)
    if form.validate_on_submit():
        with committing(form, stale_message=STALE_SESSION_EDIT) as call:
            agenda.update_session(
                db.session,
                current_user,
                agenda_session,
                _data_from(form),
                expected_fingerprint=form.fingerprint.data or "",
            )
        if call.succeeded:
            flash(f"“{agenda_session.title}” is saved.", "success")
            return _back_to_agenda(meeting)
        form.fingerprint.data = agenda.session_fingerprint(agenda_session)
    return render_template(
        "events/edit_session.html", form=form, meeting=meeting, agenda_session=agenda_session
    )


@blueprint.route("/<slug>/agenda/<int:session_id>/move", methods=["POST"])
@login_required
def move_agenda_session(slug: str, session_id: int):
    meeting = get_editable_meeting_or_404(slug)
    agenda_session = _get_session_or_404(meeting, session_id)
    form = SessionMoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    with committing():
        agenda.move_session(
            db.session, current_user, agenda_session, -1 if form.direction.data == "up" else 1
        )
    return _back_to_agenda(meeting)


@blueprint.route("/<slug>/agenda/<int:session_id>/delete", methods=["POST"])
@login_required
def delete_agenda_session(slug: str, session_id: int):
    meeting = get_editable_meeting_or_404(slug)
    agenda_session = _get_session_or_404(meeting, session_id)
    if not MeetingActionForm().validate_on_submit():
        abort(400)
    title = agenda_session.title
    with committing() as call:
        agenda.delete_session(db.session, current_user, agenda_session)
    if call.succeeded:
        flash(f"“{title}” is removed from the agenda.", "success")
    return _back_to_agenda(meeting)
