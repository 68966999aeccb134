"""Who may endorse, hide, change and withdraw, and what each viewer sees: tables of
profile kind × profile visibility × viewer role."""

from __future__ import annotations

import pytest

from kmrg.auth.models import AnonymousUser, ProfileVisibility
from kmrg.experts.endorsements import endorse_expert, hide_endorsement, visible_endorsements
from kmrg.experts.models import area_key
from kmrg.experts.permissions import (
    can_change_endorsement,
    can_endorse_expert,
    can_hide_endorsement,
    can_see_hidden_endorsements,
    can_view_expert_profile,
    can_withdraw_endorsement,
)
from tests import factories
from tests.experts.conftest import make_external_profile, make_profile

PUBLIC, MEMBERS, HIDDEN = (
    ProfileVisibility.PUBLIC,
    ProfileVisibility.MEMBERS,
    ProfileVisibility.HIDDEN,
)
SHOWN = "We worked on the same revenue enhancement project for two years."
HIDDEN_WORDS = "He sat in one meeting with her and now writes an endorsement."

# Viewer roles: "owner" is the expert (for an external profile, the champion who keeps it);
# "champion" is a champion who does not keep it; "endorser" wrote the shown endorsement;
# "inactive" is an account still waiting for approval.
ROLES = ("anonymous", "inactive", "member", "endorser", "owner", "champion", "admin")

# role: (public, members, hidden) → may endorse the profile
ENDORSE = {
    "anonymous": (False, False, False),
    "inactive": (False, False, False),
    "member": (True, True, False),
    "endorser": (True, True, False),
    "owner": (False, False, False),
    "champion": (True, True, False),
    "admin": (True, True, True),
}
# role: (public, members, hidden) → may hide or show an endorsement of it
HIDE = {
    "anonymous": (False, False, False),
    "inactive": (False, False, False),
    "member": (False, False, False),
    "endorser": (False, False, False),
    "owner": (True, True, True),
    "champion": (False, False, False),
    "admin": (True, True, True),
}
# role: (public, members, hidden) → may withdraw the endorser's endorsement
WITHDRAW = {role: (role == "endorser",) * 3 for role in ROLES}
# role: (public, members, hidden) → may change the endorser's sentence
CHANGE = {role: (role == "endorser", role == "endorser", False) for role in ROLES}
# role: (public, members, hidden) → the statements shown: None when the profile itself is not
# shown to them; the hidden endorsement only to the expert.
SEES = {
    "anonymous": ([SHOWN], None, None),
    "inactive": ([SHOWN], None, None),
    "member": ([SHOWN], [SHOWN], None),
    "endorser": ([SHOWN], [SHOWN], None),
    "owner": ([SHOWN, HIDDEN_WORDS], [SHOWN, HIDDEN_WORDS], [SHOWN, HIDDEN_WORDS]),
    "champion": ([SHOWN], [SHOWN], None),
    "admin": ([SHOWN], [SHOWN], [SHOWN]),
}
VISIBILITIES = (PUBLIC, MEMBERS, HIDDEN)
CASES = [
    pytest.param(kind, visibility, role, id=f"{kind}-{visibility.value}-{role}")
    for kind in ("member_profile", "external_profile")
    for visibility in VISIBILITIES
    for role in ROLES
]


@pytest.fixture
def world(session, expert, member, champion, outsider_champion, admin, applicant):
    """Both kinds of profile, each with a shown endorsement and one the expert hid."""
    endorser = factories.make_user(session, name="Pieter van Wyk")
    stranger = factories.make_user(session, name="Gugu Stranger")
    member_profile = make_profile(session, expert)
    external_profile = make_external_profile(session, champion)
    people = {
        "anonymous": AnonymousUser(),
        "inactive": applicant,
        "member": member,
        "endorser": endorser,
        "admin": admin,
    }
    kinds = {}
    for kind, profile, owner, other_champion, skill in (
        ("member_profile", member_profile, expert, champion, "Meter auditing"),
        ("external_profile", external_profile, champion, outsider_champion, "Property rates"),
    ):
        key = area_key(None, skill)
        shown = endorse_expert(session, endorser, profile, key, SHOWN)
        hidden = endorse_expert(session, stranger, profile, key, HIDDEN_WORDS)
        hide_endorsement(session, owner, hidden)
        session.commit()
        kinds[kind] = (profile, shown, {**people, "owner": owner, "champion": other_champion})
    return kinds


def setup_case(session, world, kind, visibility, role):
    profile, shown, people = world[kind]
    # Set after endorsing: a profile hidden later keeps what was written while it was open.
    profile.visibility = visibility
    session.commit()
    return profile, shown, people[role], VISIBILITIES.index(visibility)


@pytest.mark.parametrize(("kind", "visibility", "role"), CASES)
def test_who_may_endorse_hide_withdraw_and_change(session, world, kind, visibility, role):
    profile, shown, viewer, column = setup_case(session, world, kind, visibility, role)
    allowed = {
        "endorse": can_endorse_expert(viewer, profile),
        "hide": can_hide_endorsement(viewer, shown),
        "withdraw": can_withdraw_endorsement(viewer, shown),
        "change": can_change_endorsement(viewer, shown),
    }
    assert allowed == {
        "endorse": ENDORSE[role][column],
        "hide": HIDE[role][column],
        "withdraw": WITHDRAW[role][column],
        "change": CHANGE[role][column],
    }


@pytest.mark.parametrize(("kind", "visibility", "role"), CASES)
def test_what_each_viewer_sees_of_the_endorsements(session, world, kind, visibility, role):
    profile, _, viewer, column = setup_case(session, world, kind, visibility, role)
    seen = None
    if can_view_expert_profile(viewer, profile):
        groups = visible_endorsements(session, profile, viewer)
        seen = [e.statement for group in groups for e in group.endorsements]
    assert seen == SEES[role][column]
    assert can_see_hidden_endorsements(viewer, profile) is (role == "owner")
