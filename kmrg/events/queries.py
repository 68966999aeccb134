"""Reading meetings and series: by slug, upcoming and past, and what a viewer may list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session, selectinload

from kmrg.auth.models import AccountStatus, ProfileVisibility, User
from kmrg.events.models import Meeting, MeetingSeries, MeetingStatus, MeetingVisibility, Participant
from kmrg.models import utcnow
from kmrg.organisations.models import Organisation


def get_series_by_slug(session: Session, slug: str) -> MeetingSeries | None:
    """Return the series called `slug`, if any."""
    return session.scalars(select(MeetingSeries).where(MeetingSeries.slug == slug)).first()


def list_series(session: Session) -> list[MeetingSeries]:
    """Return every series, by title."""
    return list(session.scalars(select(MeetingSeries).order_by(MeetingSeries.title)))


def get_meeting_by_slug(session: Session, slug: str) -> Meeting | None:
    """Return the meeting called `slug` with its series, host and list of participants."""
    return session.scalars(
        select(Meeting)
        .options(
            selectinload(Meeting.participants),
            selectinload(Meeting.series),
            selectinload(Meeting.host_organisation),
        )
        .where(Meeting.slug == slug)
    ).first()


def visible_meetings(viewer: Any) -> Select[tuple[Meeting]]:
    """Return a select of the meetings `viewer` may see (see permissions.can_view_meeting).

    Organisers' rights are not expanded here beyond administrators, creators and host
    champions, the same three the permission function names.
    """
    statement = select(Meeting)
    active = bool(
        getattr(viewer, "is_authenticated", False) and getattr(viewer, "is_active", False)
    )
    if active and getattr(viewer, "is_admin", False):
        return statement
    if not active:
        return statement.where(
            Meeting.visibility == MeetingVisibility.PUBLIC, Meeting.is_draft == false()
        )
    organiser = Meeting.created_by_id == viewer.id
    if getattr(viewer, "is_champion", False) and viewer.organisation_id is not None:
        organiser = or_(organiser, Meeting.host_organisation_id == viewer.organisation_id)
    invited = Meeting.id.in_(select(Participant.meeting_id).where(Participant.user_id == viewer.id))
    shown = or_(
        Meeting.visibility.in_([MeetingVisibility.PUBLIC, MeetingVisibility.MEMBERS]),
        invited,
    )
    return statement.where(or_(organiser, (Meeting.is_draft == false()) & shown))


def list_upcoming_meetings(session: Session, viewer: Any) -> list[Meeting]:
    """Return the planned meetings still to come that `viewer` may see, soonest first."""
    statement = (
        visible_meetings(viewer)
        .options(selectinload(Meeting.host_organisation), selectinload(Meeting.series))
        .where(Meeting.status == MeetingStatus.PLANNED, Meeting.ends_at >= utcnow())
        .order_by(Meeting.starts_at)
    )
    return list(session.scalars(statement))


def list_past_meetings(
    session: Session, viewer: Any, *, series: MeetingSeries | None = None
) -> list[Meeting]:
    """Return the meetings that have ended (or were held or cancelled), newest first."""
    statement = (
        visible_meetings(viewer)
        .options(selectinload(Meeting.host_organisation), selectinload(Meeting.series))
        .where(or_(Meeting.status != MeetingStatus.PLANNED, Meeting.ends_at < utcnow()))
        .order_by(Meeting.starts_at.desc())
    )
    if series is not None:
        statement = statement.where(Meeting.series_id == series.id)
    return list(session.scalars(statement))


def list_series_meetings(session: Session, viewer: Any, series: MeetingSeries) -> list[Meeting]:
    """Return the series' meetings `viewer` may see, in date order."""
    statement = (
        visible_meetings(viewer)
        .options(selectinload(Meeting.host_organisation))
        .where(Meeting.series_id == series.id)
        .order_by(Meeting.starts_at)
    )
    return list(session.scalars(statement))


def earlier_meetings_in_series(session: Session, meeting: Meeting) -> Select[tuple[Meeting]]:
    """Return a select of the meetings of `meeting`'s series that started before it."""
    return select(Meeting).where(
        Meeting.series_id == meeting.series_id,
        Meeting.starts_at < meeting.starts_at,
        Meeting.id != meeting.id,
        Meeting.is_draft == false(),
    )


def past_meetings_query(
    viewer: Any, *, series: MeetingSeries | None = None
) -> Select[tuple[Meeting]]:
    """Return a select of the past meetings `viewer` may see, newest first (for paging)."""
    statement = (
        visible_meetings(viewer)
        .options(selectinload(Meeting.host_organisation), selectinload(Meeting.series))
        .where(or_(Meeting.status != MeetingStatus.PLANNED, Meeting.ends_at < utcnow()))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    if series is not None:
        statement = statement.where(Meeting.series_id == series.id)
    return statement


def list_upcoming_series_meetings(
    session: Session, viewer: Any, series: MeetingSeries
) -> list[Meeting]:
    """Return the series' planned meetings still to come that `viewer` may see, soonest first."""
    statement = (
        visible_meetings(viewer)
        .options(selectinload(Meeting.host_organisation))
        .where(
            Meeting.series_id == series.id,
            Meeting.status == MeetingStatus.PLANNED,
            Meeting.ends_at >= utcnow(),
        )
        .order_by(Meeting.starts_at)
    )
    return list(session.scalars(statement))


def organisation_id_choices(session: Session) -> list[tuple[int, str]]:
    """Return (id, "Name (CODE)") of every current organisation, by name, to host or convene."""
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.code)
        .where(Organisation.is_retired.is_(False))
        .order_by(Organisation.name)
    )
    return [(o_id, f"{name} ({code})") for o_id, name, code in rows]


def list_people_to_choose(session: Session, viewer: Any, *, keep: Iterable[int] = ()) -> list[User]:
    """Return the active people `viewer` may see named, by name, to pick as a speaker.

    Administrators see everyone; others see the people whose chosen visibility shows them to
    members, and themselves. `keep` adds people already chosen on the record being edited.
    """
    statement = (
        select(User)
        .options(selectinload(User.organisation))
        .where(User.status == AccountStatus.ACTIVE)
        .order_by(User.name, User.id)
    )
    if not getattr(viewer, "is_admin", False):
        shown = or_(
            User.profile_visibility.in_([ProfileVisibility.PUBLIC, ProfileVisibility.MEMBERS]),
            User.id == getattr(viewer, "id", None),
        )
        kept = list(keep)
        if kept:
            shown = or_(shown, User.id.in_(kept))
        statement = statement.where(shown)
    return list(session.scalars(statement))


def list_hosted_meetings(
    session: Session, viewer: Any, organisation: Organisation, *, limit: int = 50
) -> list[Meeting]:
    """Return the meetings `organisation` hosts that `viewer` may see, newest first."""
    statement = (
        visible_meetings(viewer)
        .options(selectinload(Meeting.series))
        .where(Meeting.host_organisation_id == organisation.id)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))
