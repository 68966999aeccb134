"""Recording series and meetings: create, edit, and move a meeting through its statuses.

Agenda, annexures, attendance, minutes, outcomes and actions have services of their own modules
in this package; all take the acting user, check permissions, flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.events import permissions
from kmrg.events.models import (
    Meeting,
    MeetingSeries,
    MeetingStatus,
    MeetingVisibility,
    MinutesStatus,
)
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.markdown import render_markdown
from kmrg.models import StaleEditError, utcnow
from kmrg.organisations.models import Organisation
from kmrg.slugs import add_with_free_slug
from kmrg.text import slugify

# Words the meetings URLs use after /meetings/, which no meeting may take as its slug.
RESERVED_SLUGS = ("series", "actions", "import", "new")
MAX_MEETING_DAYS = 14

# Which status may follow which; cancelling is possible from any state before minutes exist.
TRANSITIONS: dict[MeetingStatus, tuple[MeetingStatus, ...]] = {
    MeetingStatus.PLANNED: (MeetingStatus.HELD, MeetingStatus.CANCELLED),
    MeetingStatus.HELD: (MeetingStatus.MINUTES_DRAFT, MeetingStatus.PLANNED),
    MeetingStatus.MINUTES_DRAFT: (MeetingStatus.MINUTES_APPROVED, MeetingStatus.HELD),
    MeetingStatus.MINUTES_APPROVED: (),
    MeetingStatus.CANCELLED: (MeetingStatus.PLANNED,),
}


@dataclass(frozen=True)
class SeriesData:
    """What a series form holds."""

    title: str
    description: str = ""
    organisation_id: int | None = None


@dataclass(frozen=True)
class MeetingData:
    """What a meeting form holds; `starts_at` and `ends_at` are UTC."""

    title: str
    starts_at: datetime
    ends_at: datetime
    host_organisation_id: int | None = None
    venue: str = ""
    online_url: str = ""
    aims: str = ""
    visibility: MeetingVisibility = MeetingVisibility.MEMBERS
    notes: str = ""


def create_series(session: Session, actor: Any, data: SeriesData) -> MeetingSeries:
    """Start a series of meetings."""
    if not permissions.can_manage_series(actor):
        raise PermissionDenied("Only administrators start a series of meetings.")
    title = _required(data.title, "title", "Give the series a title.")
    series = MeetingSeries(
        title=title,
        description=data.description.strip(),
        description_html=render_markdown(data.description.strip()),
        organisation_id=_organisation_id(session, data.organisation_id),
        created_by_id=getattr(actor, "id", None),
    )
    add_with_free_slug(session, series, slugify(title) or "series")
    record_event(session, actor, "meeting_series.created", series)
    return series


def update_series(
    session: Session, actor: Any, series: MeetingSeries, data: SeriesData, *, expected_version: int
) -> None:
    """Change a series' title, description or convening organisation."""
    if not permissions.can_manage_series(actor):
        raise PermissionDenied("Only administrators describe a series of meetings.")
    if series.version != expected_version:
        raise StaleEditError("Someone saved this series since you opened the page.")
    series.title = _required(data.title, "title", "Give the series a title.")
    series.description = data.description.strip()
    series.description_html = render_markdown(series.description)
    series.organisation_id = _organisation_id(session, data.organisation_id)
    session.flush()
    record_event(session, actor, "meeting_series.updated", series)


def create_meeting(
    session: Session,
    actor: Any,
    series: MeetingSeries,
    data: MeetingData,
    *,
    is_draft: bool = False,
) -> Meeting:
    """Record a planned meeting of `series` (a draft one when made from an imported record)."""
    if not permissions.can_create_meeting(actor):
        raise PermissionDenied("Only KM champions and administrators record meetings.")
    # By id, not relationship: attaching it to the series' collection before it is added would
    # make the lookups below autoflush a meeting that is not yet in the session.
    meeting = Meeting(
        series_id=series.id,
        status=MeetingStatus.PLANNED,
        is_draft=is_draft,
        created_by_id=getattr(actor, "id", None),
    )
    _apply(session, meeting, data)
    meeting.updated_at = utcnow()
    add_with_free_slug(
        session, meeting, slugify(meeting.title) or "meeting", reserved=RESERVED_SLUGS
    )
    record_event(session, actor, "meeting.created", meeting)
    return meeting


def update_meeting(
    session: Session, actor: Any, meeting: Meeting, data: MeetingData, *, expected_version: int
) -> None:
    """Save an edit of a meeting's details; a stale form is refused, never applied."""
    if not permissions.can_edit_meeting(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers edit it.")
    if meeting.version != expected_version:
        raise StaleEditError("Someone saved this meeting since you opened the page.")
    _apply(session, meeting, data)
    meeting.updated_at = utcnow()
    session.flush()
    record_event(session, actor, "meeting.updated", meeting)


def change_meeting_status(
    session: Session, actor: Any, meeting: Meeting, status: MeetingStatus, *, expected_version: int
) -> None:
    """Move a meeting to `status` if TRANSITIONS allows it from where it stands."""
    if not permissions.can_edit_meeting(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers change its status.")
    if meeting.version != expected_version:
        raise StaleEditError("Someone changed this meeting since you opened the page.")
    if status not in TRANSITIONS[meeting.status]:
        raise ValidationError(
            f"A meeting that is {meeting.status.label.lower()} cannot become "
            f"{status.label.lower()}."
        )
    if status is MeetingStatus.HELD and meeting.starts_at > utcnow():
        raise ValidationError("A meeting can be marked as held once it has started.")
    refusal = minutes_refusal(meeting, status)
    if refusal:
        raise ValidationError(refusal)
    meeting.status = status
    meeting.updated_at = utcnow()
    session.flush()
    record_event(session, actor, "meeting.status_changed", meeting, summary=status.value)


def minutes_refusal(meeting: Meeting, status: MeetingStatus) -> str | None:
    """Say why a meeting whose minutes are started cannot move to `status`, if it cannot.

    Once started, the minutes lead: the meeting's minutes are approved when the minutes are
    (kmrg.events.minutes), and it cannot go back to "held" and leave them behind.
    """
    minutes = meeting.minutes
    if minutes is None:
        return None
    if status is MeetingStatus.MINUTES_APPROVED and minutes.status is not MinutesStatus.APPROVED:
        return "Approve the minutes themselves, on the minutes page: the meeting follows."
    if status is MeetingStatus.HELD:
        return "The minutes of this meeting are started, so it stays in the minutes stage."
    return None


def publish_meeting(
    session: Session, actor: Any, meeting: Meeting, *, expected_version: int
) -> None:
    """Confirm an imported draft meeting, so people it is visible to can see it."""
    if not permissions.can_edit_meeting(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers publish it.")
    if meeting.version != expected_version:
        raise StaleEditError("Someone changed this meeting since you opened the page.")
    if not meeting.is_draft:
        return
    meeting.is_draft = False
    meeting.updated_at = utcnow()
    session.flush()
    record_event(session, actor, "meeting.published", meeting)


def _apply(session: Session, meeting: Meeting, data: MeetingData) -> None:
    meeting.title = _required(data.title, "title", "Give the meeting a title.")
    if data.ends_at < data.starts_at:
        raise ValidationError("The meeting cannot end before it starts.", "ends_on")
    if (data.ends_at - data.starts_at).days >= MAX_MEETING_DAYS:
        raise ValidationError(
            f"A meeting lasts at most {MAX_MEETING_DAYS} days: check the dates.", "ends_on"
        )
    online_url = data.online_url.strip()
    if online_url and not online_url.startswith(("https://", "http://")):
        raise ValidationError("The online link must start with https://.", "online_url")
    meeting.starts_at = data.starts_at
    meeting.ends_at = data.ends_at
    meeting.host_organisation_id = _organisation_id(session, data.host_organisation_id)
    meeting.venue = data.venue.strip()
    meeting.online_url = online_url
    meeting.aims = "\n".join(line.strip() for line in data.aims.splitlines() if line.strip())
    meeting.visibility = data.visibility
    meeting.notes = data.notes.strip()
    meeting.notes_html = render_markdown(meeting.notes)


def _organisation_id(session: Session, organisation_id: int | None) -> int | None:
    if organisation_id is None:
        return None
    if session.get(Organisation, organisation_id) is None:
        raise ValidationError("Choose an organisation from the list.", "organisation_id")
    return organisation_id


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, field)
    return value
