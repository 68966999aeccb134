"""Who sees a profile and each contact field: visibility × viewer role × field."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from kmrg.auth.models import AccountStatus, ProfileVisibility
from kmrg.experts.models import ContactVisibility
from kmrg.experts.permissions import (
    can_confirm_expert_profile,
    can_edit_expert_profile,
    can_see_contact,
    can_view_expert_profile,
)
from tests.experts.conftest import make_profile

ROLES = ["anonymous", "applicant", "member", "outsider_champion", "owner", "admin"]


@pytest.fixture
def viewers(request, expert, applicant, member, outsider_champion, admin):
    return {
        "anonymous": AnonymousUserMixin(),
        "applicant": applicant,
        "member": member,
        "outsider_champion": outsider_champion,
        "owner": expert,
        "admin": admin,
    }


VIEW_TABLE = {
    ProfileVisibility.PUBLIC: set(ROLES),
    ProfileVisibility.MEMBERS: {"member", "outsider_champion", "owner", "admin"},
    ProfileVisibility.HIDDEN: {"owner", "admin"},
}


@pytest.mark.parametrize("visibility", list(ProfileVisibility))
@pytest.mark.parametrize("role", ROLES)
def test_who_views_a_profile(session, expert, viewers, visibility, role):
    profile = make_profile(session, expert, visibility=visibility)
    assert can_view_expert_profile(viewers[role], profile) is (role in VIEW_TABLE[visibility])


def _contact_allowed(visibility, choice, role) -> bool:
    if role not in VIEW_TABLE[visibility] or role in {"anonymous", "applicant"}:
        return False
    return role in {"owner", "admin"} or choice is ContactVisibility.MEMBERS


@pytest.mark.parametrize("field", ["email", "phone"])
@pytest.mark.parametrize("choice", list(ContactVisibility))
@pytest.mark.parametrize("visibility", list(ProfileVisibility))
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_each_contact_field(session, expert, viewers, field, choice, visibility, role):
    other = (
        ContactVisibility.NOBODY
        if choice is ContactVisibility.MEMBERS
        else ContactVisibility.MEMBERS
    )
    profile = make_profile(
        session,
        expert,
        visibility=visibility,
        email_visibility=choice if field == "email" else other,
        phone_visibility=choice if field == "phone" else other,
    )
    expected = _contact_allowed(visibility, choice, role)
    assert can_see_contact(viewers[role], profile, field) is expected


def test_anonymous_never_sees_contacts_even_on_a_public_profile(session, expert):
    profile = make_profile(session, expert, visibility=ProfileVisibility.PUBLIC)
    for field in ("email", "phone"):
        assert not can_see_contact(AnonymousUserMixin(), profile, field)


def test_an_unknown_field_is_a_programming_error(session, expert):
    profile = make_profile(session, expert)
    with pytest.raises(ValueError, match="address"):
        can_see_contact(expert, profile, "address")


def test_a_disabled_persons_profile_is_shown_to_administrators_only(session, expert, member, admin):
    profile = make_profile(session, expert, visibility=ProfileVisibility.PUBLIC)
    expert.status = AccountStatus.DISABLED
    session.commit()
    assert not can_view_expert_profile(AnonymousUserMixin(), profile)
    assert not can_view_expert_profile(member, profile)
    assert can_view_expert_profile(admin, profile)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_edits_and_confirms(session, expert, viewers, role):
    profile = make_profile(session, expert)
    assert can_edit_expert_profile(viewers[role], profile) is (role == "owner")
    assert can_confirm_expert_profile(viewers[role], profile) is (role == "owner")
