"""An action item given to a person notifies them; so does handing it to someone else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kmrg.events import actions
from kmrg.events.models import MeetingStatus
from kmrg.notifications.models import Notification
from tests.events.test_actions_services import data


@pytest.fixture
def held(make_meeting):
    return make_meeting(title="KMRG meeting in East London", status=MeetingStatus.HELD)


def _told(session) -> list[tuple[int, str]]:
    session.rollback()
    rows = session.scalars(select(Notification).order_by(Notification.id))
    return [(row.recipient_id, row.text) for row in rows]


def test_recording_and_reassigning_an_action_tell_its_owner(
    session,
    champion,
    held,
    guest,
    member,
    outbox,
):
    action = actions.record_action(session, champion, held, data(owner_user_id=guest.id))
    session.commit()
    [(recipient, text)] = _told(session)
    assert recipient == guest.id
    assert text.startswith(f"An action from {held.title} is yours (due ")
    assert guest.email in [m["To"] for m in outbox]

    # Editing without a new owner tells nobody again.
    actions.edit_action(
        session,
        champion,
        action,
        data(owner_user_id=guest.id, description="Send the revised tariff model"),
        expected_version=action.version,
    )
    session.commit()
    assert len(_told(session)) == 1


def test_an_organisations_action_and_the_organisers_own_tell_nobody(
    session,
    champion,
    held,
    other_organisation,
):
    actions.record_action(
        session, champion, held, data(owner_organisation_id=other_organisation.id, due_on=None)
    )
    actions.record_action(session, champion, held, data(owner_user_id=champion.id))
    session.commit()
    assert _told(session) == []
