"""Reading action items: one meeting's, those carried forward, and every open one a viewer may see.

Open means open or in progress. Overdue means open with a due date before today in South Africa.
Lists of open actions come overdue first, then by due date (the earliest due first, undated
last), which is one order: an overdue action is due before any that is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session, selectinload

from kmrg.auth.models import AccountStatus, ProfileVisibility, User
from kmrg.auth.permissions import can_view_profile
from kmrg.events.models import ActionItem, ActionStatus, ActionUpdate, Meeting, MeetingSeries
from kmrg.events.queries import earlier_meetings_in_series, visible_meetings
from kmrg.localtime import local_today
from kmrg.organisations.models import Organisation

OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


@dataclass(frozen=True)
class ActionFilters:
    """What the open-actions page is narrowed to: an owner, an organisation, a series."""

    owner_id: int | None = None
    organisation_id: int | None = None
    series_id: int | None = None

    @property
    def is_filtered(self) -> bool:
        return any(v is not None for v in (self.owner_id, self.organisation_id, self.series_id))


def is_overdue(action: ActionItem, today: date | None = None) -> bool:
    """Tell whether `action` is still open after its due date (South African dates)."""
    if action.status.is_closed or action.due_on is None:
        return False
    return action.due_on < (today or local_today())


def get_action(session: Session, action_id: int) -> ActionItem | None:
    """Return the action with its meeting (and the meeting's list of people) and its updates."""
    return session.scalars(
        select(ActionItem)
        .options(
            selectinload(ActionItem.meeting).selectinload(Meeting.participants),
            selectinload(ActionItem.meeting).selectinload(Meeting.series),
            selectinload(ActionItem.updates).selectinload(ActionUpdate.author),
            selectinload(ActionItem.owner_user).selectinload(User.organisation),
            selectinload(ActionItem.owner_organisation),
        )
        .where(ActionItem.id == action_id)
    ).first()


def meeting_actions(session: Session, meeting: Meeting) -> list[ActionItem]:
    """Return every action of `meeting`, in the order they were recorded."""
    return list(
        session.scalars(
            _with_owners(select(ActionItem))
            .where(ActionItem.meeting_id == meeting.id)
            .order_by(ActionItem.id)
        )
    )


def carried_forward_actions(session: Session, viewer: Any, meeting: Meeting) -> list[ActionItem]:
    """Return the open actions of the series' earlier meetings `viewer` may see, overdue first."""
    earlier = _ids(earlier_meetings_in_series(session, meeting), Meeting.id)
    statement = _open_actions(viewer).where(ActionItem.meeting_id.in_(earlier))
    return list(session.scalars(statement))


def open_actions(viewer: Any, filters: ActionFilters) -> Select[tuple[ActionItem]]:
    """Return a select of the open actions `viewer` may see, narrowed by `filters`."""
    statement = _open_actions(viewer)
    if filters.owner_id is not None:
        statement = statement.where(ActionItem.owner_user_id == filters.owner_id)
    if filters.organisation_id is not None:
        # The organisation's own actions, and those of its people the viewer may see by name:
        # never a hidden person's, whose organisation the viewer must not learn (POPIA).
        people = (
            select(User.id)
            .where(User.organisation_id == filters.organisation_id, _named_to(viewer))
            .correlate(None)
        )
        statement = statement.where(
            or_(
                ActionItem.owner_organisation_id == filters.organisation_id,
                ActionItem.owner_user_id.in_(people),
            )
        )
    if filters.series_id is not None:
        statement = statement.where(Meeting.series_id == filters.series_id)
    return statement


def owner_choices(session: Session, viewer: Any) -> list[User]:
    """Return the people owning open actions `viewer` may see, who `viewer` may see by name."""
    owners = session.scalars(
        select(User)
        .where(User.id.in_(_ids(_open_actions(viewer), ActionItem.owner_user_id)))
        .order_by(User.name)
    )
    return [owner for owner in owners if can_view_profile(viewer, owner)]


def organisation_choices(session: Session, viewer: Any) -> list[Organisation]:
    """Return the organisations owning open actions `viewer` may see, or whose named people do."""
    visible = _open_actions(viewer)
    named_people = select(User.organisation_id).where(
        User.id.in_(_ids(visible, ActionItem.owner_user_id)), _named_to(viewer)
    )
    return list(
        session.scalars(
            select(Organisation)
            .where(
                or_(
                    Organisation.id.in_(_ids(visible, ActionItem.owner_organisation_id)),
                    Organisation.id.in_(named_people.correlate(None)),
                )
            )
            .order_by(Organisation.name)
        )
    )


def series_choices(session: Session, viewer: Any) -> list[MeetingSeries]:
    """Return the series with meetings `viewer` may see, by title."""
    meetings = _ids(visible_meetings(viewer), Meeting.series_id)
    return list(
        session.scalars(
            select(MeetingSeries)
            .where(MeetingSeries.id.in_(meetings))
            .order_by(MeetingSeries.title)
        )
    )


def reminder_candidates(session: Session, due_before: date) -> list[ActionItem]:
    """Return the open actions of confirmed meetings due on or before `due_before`."""
    return list(
        session.scalars(
            _with_owners(select(ActionItem))
            .join(ActionItem.meeting)
            .where(
                ActionItem.status.in_(OPEN_STATUSES),
                ActionItem.due_on.is_not(None),
                ActionItem.due_on <= due_before,
                Meeting.is_draft == false(),
            )
            .options(selectinload(ActionItem.meeting).selectinload(Meeting.participants))
            .order_by(ActionItem.due_on, ActionItem.id)
        )
    )


def _open_actions(viewer: Any) -> Select[tuple[ActionItem]]:
    """Open actions of confirmed meetings `viewer` may see, overdue first, then by due date."""
    visible = _ids(visible_meetings(viewer), Meeting.id)
    return (
        _with_owners(select(ActionItem))
        .join(ActionItem.meeting)
        .options(selectinload(ActionItem.meeting).selectinload(Meeting.series))
        .where(
            ActionItem.status.in_(OPEN_STATUSES),
            ActionItem.meeting_id.in_(visible),
            # An imported record's actions count once its champion has confirmed the meeting.
            Meeting.is_draft == false(),
        )
        .order_by(
            ActionItem.due_on.is_(None),
            ActionItem.due_on,
            Meeting.starts_at,
            ActionItem.id,
        )
    )


def _ids(statement: Select[Any], column: Any) -> Select[Any]:
    """Return `statement` reduced to one column, for `IN (…)`: standalone, never correlated."""
    return statement.with_only_columns(column).order_by(None).correlate(None)


def _with_owners(statement: Select[tuple[ActionItem]]) -> Select[tuple[ActionItem]]:
    return statement.options(
        selectinload(ActionItem.owner_user).selectinload(User.organisation),
        selectinload(ActionItem.owner_organisation),
    )


def _named_to(viewer: Any) -> ColumnElement[bool]:
    """People whose profile `viewer` may see (kmrg.auth.permissions.can_view_profile, in SQL)."""
    active = bool(
        getattr(viewer, "is_authenticated", False) and getattr(viewer, "is_active", False)
    )
    if active and getattr(viewer, "is_admin", False):
        return true()
    if not active:
        return (User.status == AccountStatus.ACTIVE) & (
            User.profile_visibility == ProfileVisibility.PUBLIC
        )
    return (User.status == AccountStatus.ACTIVE) & or_(
        User.profile_visibility.in_([ProfileVisibility.PUBLIC, ProfileVisibility.MEMBERS]),
        User.id == viewer.id,
    )


def owner_options(session: Session, viewer: Any) -> tuple[list[User], list[Organisation]]:
    """Return who `viewer` may make an action's owner: people they may see by name, by name,
    and every current organisation."""
    people = session.scalars(
        select(User)
        .options(selectinload(User.organisation))
        .where(User.status == AccountStatus.ACTIVE, _named_to(viewer))
        .order_by(User.name)
    )
    organisations = session.scalars(
        select(Organisation).where(Organisation.is_retired == false()).order_by(Organisation.name)
    )
    return list(people), list(organisations)
