"""Action items for the tests of actions: recorded and moved through the real services."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.events import actions
from kmrg.events.models import ActionItem, ActionStatus, Meeting
from kmrg.organisations.models import Organisation


def add_action(
    session: Session,
    meeting: Meeting,
    description: str,
    *,
    owner: User | None = None,
    organisation: Organisation | None = None,
    due: date | None = None,
    status: ActionStatus = ActionStatus.OPEN,
    actor: User | None = None,
) -> ActionItem:
    """Record an action of `meeting` (by its creator, or `actor`), move it to `status`, commit."""
    actor = actor or session.get(User, meeting.created_by_id)
    action = actions.record_action(
        session,
        actor,
        meeting,
        actions.ActionData(
            description=description,
            owner_user_id=owner.id if owner else None,
            owner_organisation_id=organisation.id if organisation else None,
            due_on=due,
        ),
    )
    session.flush()
    if status is not ActionStatus.OPEN:
        actions.note_progress(
            session, actor, action, note="", status=status, expected_version=action.version
        )
    session.commit()
    return action
