"""Who may record, update and edit action items: role by meeting status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from kmrg.events import permissions, services
from kmrg.events.models import MeetingStatus
from kmrg.localtime import local_today
from tests.events.actions_support import add_action
from tests.events.conftest import STATUS_PATH, invite

ROLES = ("owner", "org_champion", "organiser", "admin", "participant", "member", "anonymous")
STATUSES = tuple(MeetingStatus)
AFTER = (MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFT)

# What each role may do whatever the meeting's status, apart from recording:
# (update the person's action, update the organisation's action, edit either).
RIGHTS = {
    "owner": (True, False, False),
    "org_champion": (False, True, False),
    "organiser": (True, True, True),
    "admin": (True, True, True),
    "participant": (False, False, False),
    "member": (False, False, False),
    "anonymous": (False, False, False),
}


def may_record(role: str, status: MeetingStatus) -> bool:
    """Organisers record in every state but cancelled; the people on the list once it is held."""
    if status is MeetingStatus.CANCELLED:
        return False
    if role in ("organiser", "admin"):
        return True
    return role in ("owner", "participant") and status in AFTER


@pytest.fixture
def people(session, admin, champion, guest, outsider_champion, member):
    from tests import factories

    participant = factories.make_user(session, name="Pat Participant")
    return {
        "owner": guest,
        "org_champion": outsider_champion,
        "organiser": champion,
        "admin": admin,
        "participant": participant,
        "member": member,
        "anonymous": AnonymousUserMixin(),
    }


@pytest.mark.parametrize("status", STATUSES, ids=[s.value for s in STATUSES])
def test_action_permissions(session, make_meeting, champion, other_organisation, people, status):
    # One meeting per status, every role asked of it: the table is RIGHTS and may_record.
    meeting = make_meeting(day=local_today() - timedelta(days=7))
    invite(session, meeting, people["owner"])
    invite(session, meeting, people["participant"])
    of_person = add_action(session, meeting, "Send the template", owner=people["owner"])
    of_organisation = add_action(
        session, meeting, "Host the next meeting", organisation=other_organisation
    )
    for step in STATUS_PATH[status]:
        services.change_meeting_status(
            session, champion, meeting, step, expected_version=meeting.version
        )
    session.commit()

    for role in ROLES:
        user = people[role]
        assert permissions.can_record_outcomes(user, meeting) is may_record(role, status), role
        rights = (
            permissions.can_update_action(user, of_person),
            permissions.can_update_action(user, of_organisation),
            permissions.can_edit_action(user, of_person)
            and permissions.can_edit_action(user, of_organisation),
        )
        assert rights == RIGHTS[role], role
        assert permissions.can_view_action(user, of_person) is (role != "anonymous"), role
