"""A meeting's minutes: drafted with every save kept, circulated for comment, then approved.

Starting the minutes moves the meeting to "minutes in draft", and approving them to "minutes
approved", through the core status service, so the meeting's TRANSITIONS stay the one rule.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.auth.models import AccountStatus
from kmrg.events import permissions
from kmrg.events.models import (
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesComment,
    MinutesRevision,
    MinutesStatus,
)
from kmrg.events.services import change_meeting_status
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.markdown import render_markdown
from kmrg.models import StaleEditError, utcnow
from kmrg.notifications.emails import send_after_commit

MAX_BODY = 100_000
MAX_COMMENT = 5_000


def start_minutes(
    session: Session, actor: Any, meeting: Meeting, *, expected_version: int | None = None
) -> Minutes:
    """Open an empty draft of the minutes of a held meeting; the meeting's minutes are in draft.

    Raises ValidationError if someone started them meanwhile, StaleEditError if the meeting
    changed since `expected_version` (its status may have moved on).
    """
    if meeting.minutes is not None:
        raise ValidationError("The minutes of this meeting have been started already.")
    if expected_version is not None and meeting.version != expected_version:
        raise StaleEditError("The meeting changed since the page was shown.")
    if not permissions.can_start_minutes(actor, meeting):
        raise PermissionDenied("Organisers start the minutes once the meeting has been held.")
    if meeting.status is MeetingStatus.HELD:
        change_meeting_status(
            session, actor, meeting, MeetingStatus.MINUTES_DRAFT, expected_version=meeting.version
        )
    minutes = Minutes(meeting=meeting, status=MinutesStatus.DRAFT, body="", body_html="")
    session.add(minutes)
    session.flush()
    record_event(session, actor, "minutes.started", meeting)
    return minutes


def save_minutes(
    session: Session, actor: Any, minutes: Minutes, body: str, *, expected_version: int
) -> MinutesRevision | None:
    """Save the minutes' text as a new numbered revision; return it (None if nothing changed).

    A form opened before someone else's save is refused with StaleEditError, never applied.
    """
    _check_still_current(minutes, expected_version)
    if not permissions.can_edit_minutes(actor, minutes):
        raise PermissionDenied("Organisers edit the minutes while they are a draft.")
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > MAX_BODY:
        raise ValidationError(f"Keep the minutes under {MAX_BODY:,} characters.", "body")
    if body == minutes.body:
        return None
    minutes.body = body
    minutes.body_html = render_markdown(body)
    minutes.updated_at = utcnow()
    number = session.scalar(
        select(func.coalesce(func.max(MinutesRevision.number), 0)).where(
            MinutesRevision.minutes_id == minutes.id
        )
    )
    revision = MinutesRevision(
        minutes=minutes, number=number + 1, editor_id=getattr(actor, "id", None), body=body
    )
    session.add(revision)
    session.flush()
    record_event(session, actor, "minutes.saved", minutes.meeting, summary=f"revision {number + 1}")
    return revision


def circulate_minutes(
    session: Session, actor: Any, minutes: Minutes, *, expected_version: int
) -> int:
    """Circulate draft minutes for comment and e-mail the participants; return how many."""
    _check_still_current(minutes, expected_version)
    if not permissions.can_circulate_minutes(actor, minutes):
        raise PermissionDenied("Organisers circulate the minutes while they are a draft.")
    if not minutes.body.strip():
        raise ValidationError("Write the minutes before circulating them.")
    minutes.status = MinutesStatus.CIRCULATED
    minutes.circulated_at = utcnow()
    meeting = minutes.meeting
    told = 0
    for participant in meeting.participants:
        person = participant.user
        if person is None or person.status is not AccountStatus.ACTIVE:
            continue
        if person.id == getattr(actor, "id", None):
            continue
        send_after_commit(
            session,
            person.email,
            f"Minutes for comment: {meeting.title}",
            "minutes_circulated",
            meeting=meeting,
            recipient=person,
        )
        told += 1
    session.flush()
    record_event(session, actor, "minutes.circulated", meeting, summary=f"{told} told")
    return told


def comment_on_minutes(session: Session, actor: Any, minutes: Minutes, body: str) -> MinutesComment:
    """Add a participant's or organiser's comment to circulated minutes."""
    if not permissions.can_comment_on_minutes(actor, minutes):
        raise PermissionDenied("Participants comment while the minutes are circulated.")
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError("Write your comment.", "body")
    if len(body) > MAX_COMMENT:
        raise ValidationError(f"Keep the comment under {MAX_COMMENT:,} characters.", "body")
    comment = MinutesComment(
        minutes=minutes, author_id=actor.id, body=body, body_html=render_markdown(body)
    )
    session.add(comment)
    session.flush()
    return comment


def approve_minutes(
    session: Session, actor: Any, minutes: Minutes, *, expected_version: int
) -> None:
    """Approve circulated minutes: they become read-only and the meeting's minutes approved."""
    _check_still_current(minutes, expected_version)
    if not permissions.can_approve_minutes(actor, minutes):
        raise PermissionDenied("Organisers approve the minutes once they have been circulated.")
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_at = utcnow()
    minutes.approved_by_id = actor.id
    meeting = minutes.meeting
    change_meeting_status(
        session, actor, meeting, MeetingStatus.MINUTES_APPROVED, expected_version=meeting.version
    )
    record_event(session, actor, "minutes.approved", meeting)


def return_minutes_to_draft(
    session: Session, actor: Any, minutes: Minutes, *, expected_version: int
) -> None:
    """Send circulated minutes back to draft, to be edited before they are circulated again."""
    _check_still_current(minutes, expected_version)
    if not permissions.can_approve_minutes(actor, minutes):
        raise PermissionDenied("Organisers send circulated minutes back to draft.")
    minutes.status = MinutesStatus.DRAFT
    minutes.circulated_at = None
    session.flush()
    record_event(session, actor, "minutes.returned_to_draft", minutes.meeting)


def _check_still_current(minutes: Minutes, expected_version: int) -> None:
    # Checked before the permission: a page from before someone else's save or step was meant
    # for a state that has passed, so the person is shown the minutes as they now are.
    if minutes.version != expected_version:
        raise StaleEditError("The minutes changed since the page was shown.")
