"""Action items of a meeting: record and edit them, note progress, and close them.

An action is owned by one person or one organisation. It moves open → in progress → done or
dropped (and back to open, if it was closed too soon); every move and every progress note is an
ActionUpdate. An action can be closed by naming the record that fulfils it (kmrg.events.fulfilment).
All functions take the acting user, check permissions, flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.auth.models import AccountStatus, User
from kmrg.auth.permissions import can_view_profile
from kmrg.events import fulfilment, permissions
from kmrg.events.models import (
    ActionItem,
    ActionStatus,
    ActionUpdate,
    Meeting,
    MeetingVisibility,
)
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import StaleEditError, utcnow
from kmrg.notifications.services import notify, site_path
from kmrg.organisations.models import Organisation

MAX_DESCRIPTION = 2000
MAX_NOTE = 4000
# Which status may follow which; a closed action can be reopened, which forgets its fulfilment.
STATUS_MOVES: dict[ActionStatus, tuple[ActionStatus, ...]] = {
    ActionStatus.OPEN: (ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED),
    ActionStatus.IN_PROGRESS: (ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.DROPPED),
    ActionStatus.DONE: (ActionStatus.OPEN,),
    ActionStatus.DROPPED: (ActionStatus.OPEN,),
}
STALE_ACTION = "Someone changed this action since you opened the page."
# Registered by kmrg.events.init_app.
ACTION_KIND = "meeting_action_assigned"


@dataclass(frozen=True)
class ActionData:
    """What an action form holds: one owner (a person or an organisation) and a due date."""

    description: str
    owner_user_id: int | None = None
    owner_organisation_id: int | None = None
    due_on: date | None = None


def record_action(session: Session, actor: Any, meeting: Meeting, data: ActionData) -> ActionItem:
    """Record an action item the meeting agreed on."""
    if not permissions.can_record_outcomes(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers and participants record actions.")
    action = ActionItem(status=ActionStatus.OPEN, created_by_id=actor.id)
    _apply(session, actor, action, meeting, data)
    # Attached once valid: a refused action must not ride along with the meeting's next flush.
    action.meeting = meeting
    session.add(action)
    session.flush()
    record_event(session, actor, "meeting_action.created", action)
    _tell_owner(session, actor, action)
    return action


def edit_action(
    session: Session, actor: Any, action: ActionItem, data: ActionData, *, expected_version: int
) -> None:
    """Change what an action says, who owns it or when it is due; a stale form is refused."""
    if not permissions.can_edit_action(actor, action):
        raise PermissionDenied("Only the meeting's organisers change an action.")
    if action.version != expected_version:
        raise StaleEditError(STALE_ACTION)
    previous_owner_id = action.owner_user_id
    _apply(session, actor, action, action.meeting, data)
    action.updated_at = utcnow()
    session.flush()
    record_event(session, actor, "meeting_action.updated", action)
    if action.owner_user_id != previous_owner_id:
        _tell_owner(session, actor, action)


def _tell_owner(session: Session, actor: Any, action: ActionItem) -> None:
    # Only a person owner: an organisation's actions are followed through the meeting pages.
    if action.owner_user_id is None:
        return
    owner = session.get(User, action.owner_user_id)
    due = f" (due {action.due_on:%-d %B %Y})" if action.due_on else ""
    notify(
        session,
        [owner],
        ACTION_KIND,
        action,
        f"An action from {action.meeting.title} is yours{due}",
        site_path("events.show_action", action_id=action.id),
        actor=actor,
        can_view=permissions.can_view_action,
        excerpt=action.description,
    )


def note_progress(
    session: Session,
    actor: Any,
    action: ActionItem,
    *,
    note: str,
    status: ActionStatus | None = None,
    expected_version: int,
) -> ActionUpdate:
    """Add a progress note, optionally moving the action to `status`.

    A note alone never conflicts with anyone; a move of status is refused if the action changed
    since the form was opened (two people closing it at once must not both win).
    """
    if not permissions.can_update_action(actor, action):
        raise PermissionDenied("Only the action's owner and the meeting's organisers update it.")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(f"Keep the note under {MAX_NOTE} characters.", "note")
    if status is action.status:
        status = None
    if not note and status is None:
        raise ValidationError("Write what happened, or choose a new status.", "note")
    if status is not None:
        if action.version != expected_version:
            raise StaleEditError(STALE_ACTION)
        if status not in STATUS_MOVES[action.status]:
            raise ValidationError(
                f"An action that is {action.status.label.lower()} cannot become "
                f"{status.label.lower()}.",
                "status",
            )
        _move(action, status)
    update = ActionUpdate(action=action, author_id=actor.id, body=note, status=status)
    session.add(update)
    action.updated_at = utcnow()
    session.flush()
    record_event(
        session, actor, "meeting_action.progress", action, summary=status.value if status else ""
    )
    return update


def close_with_record(
    session: Session,
    actor: Any,
    action: ActionItem,
    record: fulfilment.RecordRef,
    *,
    note: str = "",
    expected_version: int,
) -> fulfilment.FulfillingRecord:
    """Mark the action done, fulfilled by `record`, which must exist and be visible to `actor`."""
    if not permissions.can_update_action(actor, action):
        raise PermissionDenied("Only the action's owner and the meeting's organisers close it.")
    if action.version != expected_version:
        raise StaleEditError(STALE_ACTION)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(f"Keep the note under {MAX_NOTE} characters.", "note")
    found = fulfilment.find_record(session, actor, record)
    if found is None:
        raise ValidationError("That record does not exist, or you may not see it.", "record")
    moved = action.status is not ActionStatus.DONE
    _move(action, ActionStatus.DONE)
    action.fulfilled_by_type, action.fulfilled_by_id = record.type, record.id
    session.add(
        ActionUpdate(
            action=action,
            author_id=actor.id,
            body=note,
            status=ActionStatus.DONE if moved else None,
        )
    )
    action.updated_at = utcnow()
    session.flush()
    record_event(
        session, actor, "meeting_action.fulfilled", action, summary=f"{record.type}:{record.id}"
    )
    return found


def _move(action: ActionItem, status: ActionStatus) -> None:
    action.status = status
    if status.is_closed:
        action.closed_at = utcnow()
    else:
        action.closed_at = None
        # What fulfilled the action no longer does once it is reopened.
        action.fulfilled_by_type, action.fulfilled_by_id = "", None


def _apply(
    session: Session, actor: Any, action: ActionItem, meeting: Meeting, data: ActionData
) -> None:
    description = (data.description or "").strip()
    if not description:
        raise ValidationError("Say what has to be done.", "description")
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(f"Keep the action under {MAX_DESCRIPTION} characters.", "description")
    if (data.owner_user_id is None) == (data.owner_organisation_id is None):
        raise ValidationError(
            "Choose who owns the action: one person or one organisation.", "owner"
        )
    if data.owner_user_id is not None and data.owner_user_id != action.owner_user_id:
        owner = session.get(User, data.owner_user_id)
        # Only people the actor may see are offered (POPIA); a posted id of anyone else is refused.
        if (
            owner is None
            or owner.status is not AccountStatus.ACTIVE
            or not can_view_profile(actor, owner)
        ):
            raise ValidationError("Choose a person from the list.", "owner")
        # Judged as the meeting will be once published: an imported draft's actions are
        # confirmed before its people may see it.
        if meeting.visibility is MeetingVisibility.INVITED and not (
            permissions.is_participant(owner, meeting) or permissions.is_organiser(owner, meeting)
        ):
            raise ValidationError(
                f"{owner.name} may not see this meeting (it is for invited people only): "
                "invite them first, or choose someone on its list.",
                "owner",
            )
    if (
        data.owner_organisation_id is not None
        and data.owner_organisation_id != action.owner_organisation_id
    ):
        organisation = session.get(Organisation, data.owner_organisation_id)
        if organisation is None or organisation.is_retired:
            raise ValidationError("Choose an organisation from the list.", "owner")
    action.description = description
    action.owner_user_id = data.owner_user_id
    action.owner_organisation_id = data.owner_organisation_id
    action.due_on = data.due_on
