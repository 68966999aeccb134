"""A meeting's agenda: ordered sessions with their times, facilitator, speakers and notes.

Organisers add, edit, reorder and remove sessions. A session's time is optional (many records
name only the session); a day given without a time is stored as that day's local midnight, which
pages read as "the day, no time". Sessions carry no version column, so an edit carries the
session's fingerprint as the form saw it and is refused if the session changed meanwhile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.auth.models import AccountStatus, User
from kmrg.events import permissions
from kmrg.events.models import AgendaSession, Meeting, SessionSpeaker
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.localtime import from_local, to_local
from kmrg.markdown import render_markdown
from kmrg.models import StaleEditError

MAX_SPEAKERS = 12


@dataclass(frozen=True)
class SpeakerEntry:
    """A speaker: a person in the Hub (`user_id`), or a guest by name and organisation."""

    user_id: int | None = None
    guest_name: str = ""
    guest_organisation: str = ""


@dataclass(frozen=True)
class SessionData:
    """What an agenda session form holds; the day and times are South African."""

    title: str
    day: date | None = None
    starts: time | None = None
    ends: time | None = None
    facilitator_id: int | None = None
    facilitator_name: str = ""
    notes: str = ""
    speakers: list[SpeakerEntry] = field(default_factory=list)


def meeting_days(meeting: Meeting) -> list[date]:
    """Return the South African days the meeting spans, first to last."""
    first, last = to_local(meeting.starts_at).date(), to_local(meeting.ends_at).date()
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


def has_clock_time(agenda_session: AgendaSession) -> bool:
    """Tell whether the session has a time of day, not just a day."""
    if agenda_session.starts_at is None:
        return False
    local = to_local(agenda_session.starts_at)
    return agenda_session.ends_at is not None or local.time() != time(0)


def session_fingerprint(agenda_session: AgendaSession) -> str:
    """Return a short digest of everything a session form edits, to detect a stale form."""
    parts = [
        agenda_session.title,
        str(agenda_session.starts_at),
        str(agenda_session.ends_at),
        str(agenda_session.facilitator_id),
        agenda_session.facilitator_name,
        agenda_session.notes,
        *(f"{s.user_id}|{s.guest_name}|{s.guest_organisation}" for s in agenda_session.speakers),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def add_session(session: Session, actor: Any, meeting: Meeting, data: SessionData) -> AgendaSession:
    """Add a session at the end of the meeting's agenda."""
    _check(actor, meeting)
    last = session.scalar(
        select(func.max(AgendaSession.position)).where(AgendaSession.meeting_id == meeting.id)
    )
    agenda_session = AgendaSession(meeting_id=meeting.id, position=(last or 0) + 1)
    _apply(session, meeting, agenda_session, data)
    session.add(agenda_session)
    session.flush()
    record_event(session, actor, "meeting.session_added", meeting, summary=agenda_session.title)
    return agenda_session


def update_session(
    session: Session,
    actor: Any,
    agenda_session: AgendaSession,
    data: SessionData,
    *,
    expected_fingerprint: str,
) -> None:
    """Save an edit of a session; refused if the session changed since the form was opened."""
    meeting = agenda_session.meeting
    _check(actor, meeting)
    if session_fingerprint(agenda_session) != expected_fingerprint:
        raise StaleEditError("Someone saved this session since you opened the page.")
    _apply(session, meeting, agenda_session, data)
    session.flush()
    record_event(session, actor, "meeting.session_updated", meeting, summary=agenda_session.title)


def move_session(session: Session, actor: Any, agenda_session: AgendaSession, step: int) -> bool:
    """Move a session one place up (`step` -1) or down (+1); return False at either end."""
    meeting = agenda_session.meeting
    _check(actor, meeting)
    ordered = list(meeting.sessions)
    index = ordered.index(agenda_session)
    target = index + (1 if step > 0 else -1)
    if not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    # Renumber all: positions written by older code or imports may repeat.
    for position, each in enumerate(ordered, start=1):
        each.position = position
    session.flush()
    session.expire(meeting, ["sessions"])
    record_event(session, actor, "meeting.session_moved", meeting, summary=agenda_session.title)
    return True


def delete_session(session: Session, actor: Any, agenda_session: AgendaSession) -> None:
    """Remove a session from the agenda (annexures and outcomes of it stay with the meeting)."""
    meeting = agenda_session.meeting
    _check(actor, meeting)
    title = agenda_session.title
    session.delete(agenda_session)
    session.flush()
    session.expire(meeting, ["sessions"])
    record_event(session, actor, "meeting.session_deleted", meeting, summary=title)


def _check(actor: Any, meeting: Meeting) -> None:
    if not permissions.can_edit_meeting(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers change its agenda.")


def _apply(
    session: Session, meeting: Meeting, agenda_session: AgendaSession, data: SessionData
) -> None:
    title = (data.title or "").strip()
    if not title:
        raise ValidationError("Give the session a title.", "title")
    agenda_session.title = title
    agenda_session.starts_at, agenda_session.ends_at = _times(meeting, data)
    agenda_session.facilitator_id = _person_id(session, data.facilitator_id, "facilitator_id")
    agenda_session.facilitator_name = (
        "" if agenda_session.facilitator_id else data.facilitator_name.strip()
    )
    agenda_session.notes = data.notes.strip()
    agenda_session.notes_html = render_markdown(agenda_session.notes)
    speakers = [s for s in data.speakers if s.user_id or s.guest_name.strip()]
    if len(speakers) > MAX_SPEAKERS:
        raise ValidationError(f"A session has at most {MAX_SPEAKERS} speakers.")
    agenda_session.speakers = [
        SessionSpeaker(
            position=position,
            user_id=_person_id(session, entry.user_id, None),
            guest_name="" if entry.user_id else entry.guest_name.strip(),
            guest_organisation="" if entry.user_id else entry.guest_organisation.strip(),
        )
        for position, entry in enumerate(speakers, start=1)
    ]


def _times(meeting: Meeting, data: SessionData) -> tuple[Any, Any]:
    days = meeting_days(meeting)
    if data.ends and not data.starts:
        raise ValidationError("Give the time the session starts too.", "starts")
    if data.day is None and data.starts is None:
        return None, None
    day = data.day or days[0]
    if day not in days:
        raise ValidationError("Choose one of the meeting's days.", "day")
    starts_at = from_local(day, data.starts)
    ends_at = from_local(day, data.ends) if data.ends else None
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError("The session must end after it starts.", "ends")
    return starts_at, ends_at


def _person_id(session: Session, user_id: int | None, field_name: str | None) -> int | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None or user.status is not AccountStatus.ACTIVE:
        raise ValidationError("Choose a person from the list.", field_name)
    return user_id
