"""Who may do what with a meeting: a table of (meeting state, role) → allowed, per permission.

Status changes, like edits of the details and the agenda, are asked as can_edit_meeting.
"""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from kmrg.auth.models import Role
from kmrg.events import permissions
from kmrg.events.models import MeetingStatus, MeetingVisibility
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.events.conftest import invite

ROLES = (
    "anonymous",
    "applicant",
    "member",
    "invitee",
    "outsider_champion",
    "host_champion",
    "creator",
    "admin",
)
EVERYONE = set(ROLES)
MEMBERS = EVERYONE - {"anonymous", "applicant"}
ORGANISERS = {"host_champion", "creator", "admin"}
NOBODY: set[str] = set()

PERMISSIONS = {
    "view": permissions.can_view_meeting,
    "edit": permissions.can_edit_meeting,
    "annexure": permissions.can_add_annexure,
    "outcomes": permissions.can_record_outcomes,
    "rsvp": permissions.can_rsvp_meeting,
}

# state: (visibility, status, is_draft), then who may do each thing.
TABLE = {
    "public, planned": (
        (MeetingVisibility.PUBLIC, MeetingStatus.PLANNED, False),
        {"view": EVERYONE, "edit": ORGANISERS, "annexure": ORGANISERS, "rsvp": {"invitee"}},
    ),
    "members only, planned": (
        (MeetingVisibility.MEMBERS, MeetingStatus.PLANNED, False),
        {"view": MEMBERS, "edit": ORGANISERS, "annexure": ORGANISERS, "rsvp": {"invitee"}},
    ),
    "invited only, planned": (
        (MeetingVisibility.INVITED, MeetingStatus.PLANNED, False),
        {
            "view": ORGANISERS | {"invitee"},
            "edit": ORGANISERS,
            "annexure": ORGANISERS,
            "rsvp": {"invitee"},
        },
    ),
    "invited only, held": (
        (MeetingVisibility.INVITED, MeetingStatus.HELD, False),
        {
            "view": ORGANISERS | {"invitee"},
            "edit": ORGANISERS,
            "annexure": ORGANISERS | {"invitee"},
            "rsvp": NOBODY,
        },
    ),
    "members only, minutes in draft": (
        (MeetingVisibility.MEMBERS, MeetingStatus.MINUTES_DRAFT, False),
        {"view": MEMBERS, "edit": ORGANISERS, "annexure": ORGANISERS | {"invitee"}, "rsvp": NOBODY},
    ),
    "public, minutes approved": (
        (MeetingVisibility.PUBLIC, MeetingStatus.MINUTES_APPROVED, False),
        {"view": EVERYONE, "edit": ORGANISERS, "annexure": ORGANISERS, "rsvp": NOBODY},
    ),
    "members only, cancelled": (
        (MeetingVisibility.MEMBERS, MeetingStatus.CANCELLED, False),
        {"view": MEMBERS, "edit": ORGANISERS, "annexure": NOBODY, "rsvp": NOBODY},
    ),
    "public, imported draft": (
        (MeetingVisibility.PUBLIC, MeetingStatus.PLANNED, True),
        {"view": ORGANISERS, "edit": ORGANISERS, "annexure": ORGANISERS, "rsvp": NOBODY},
    ),
}


@pytest.fixture
def creator(session):
    """A KM champion of another city who recorded the meeting (so organises it)."""
    cape_town = factories.make_organisation(
        session,
        code="CPT",
        name="City of Cape Town Metropolitan Municipality",
        kind=OrganisationKind.METROPOLITAN,
        province=Province.WC,
    )
    return factories.make_user(
        session, name="Pieter Creator", role=Role.CHAMPION, organisation=cape_town
    )


@pytest.mark.parametrize("state", list(TABLE))
def test_who_may_do_what(
    state,
    session,
    make_meeting,
    creator,
    applicant,
    member,
    guest,
    outsider_champion,
    champion,
    admin,
):
    (visibility, status, is_draft), allowed = TABLE[state]
    # Outcomes and action items follow the same rule as annexures.
    allowed = {**allowed, "outcomes": allowed["annexure"]}
    meeting = make_meeting(actor=creator, visibility=visibility, status=status, is_draft=is_draft)
    invite(session, meeting, guest)
    people = {
        "anonymous": AnonymousUserMixin(),
        "applicant": applicant,
        "member": member,
        "invitee": guest,
        "outsider_champion": outsider_champion,
        "host_champion": champion,
        "creator": creator,
        "admin": admin,
    }
    actual = {
        name: {role for role, user in people.items() if ask(user, meeting)}
        for name, ask in PERMISSIONS.items()
    }
    assert actual == allowed


def test_only_champions_and_admins_record_meetings_and_admins_manage_series(
    member, champion, admin
):
    assert [permissions.can_create_meeting(u) for u in (member, champion, admin)] == [
        False,
        True,
        True,
    ]
    assert [permissions.can_manage_series(u) for u in (member, champion, admin)] == [
        False,
        False,
        True,
    ]
    assert permissions.can_create_meeting(AnonymousUserMixin()) is False
