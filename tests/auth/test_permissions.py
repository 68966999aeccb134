"""Who may do what with accounts, as tables."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from kmrg.auth import permissions
from kmrg.auth.models import AccountStatus, ProfileVisibility


def actor_for(request, role: str):
    if role == "anonymous":
        return AnonymousUserMixin()
    return request.getfixturevalue(role)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("member", False),
        ("outsider_champion", False),
        ("champion", True),
        ("admin", True),
    ],
)
def test_can_approve_user(request, applicant, role, allowed):
    assert permissions.can_approve_user(actor_for(request, role), applicant) is allowed


def test_nobody_approves_an_account_that_is_not_pending(admin, member):
    assert permissions.can_approve_user(admin, member) is False


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("member", False), ("champion", False), ("admin", True)],
)
def test_can_manage_users(request, role, allowed):
    assert permissions.can_manage_users(actor_for(request, role)) is allowed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("member", False), ("champion", True), ("admin", True)],
)
def test_can_review_applications(request, role, allowed):
    assert permissions.can_review_applications(actor_for(request, role)) is allowed


@pytest.mark.parametrize(
    ("visibility", "viewer", "allowed"),
    [
        (ProfileVisibility.PUBLIC, "anonymous", True),
        (ProfileVisibility.PUBLIC, "champion", True),
        (ProfileVisibility.MEMBERS, "anonymous", False),
        (ProfileVisibility.MEMBERS, "champion", True),
        (ProfileVisibility.HIDDEN, "anonymous", False),
        (ProfileVisibility.HIDDEN, "champion", False),
        (ProfileVisibility.HIDDEN, "admin", True),
        (ProfileVisibility.HIDDEN, "member", True),  # the person themselves
    ],
)
def test_can_view_profile(request, session, member, visibility, viewer, allowed):
    member.profile_visibility = visibility
    session.commit()
    assert permissions.can_view_profile(actor_for(request, viewer), member) is allowed


def test_a_disabled_account_is_visible_to_administrators_only(request, session, admin, member):
    member.profile_visibility = ProfileVisibility.PUBLIC
    member.status = AccountStatus.DISABLED
    session.commit()
    assert permissions.can_view_profile(AnonymousUserMixin(), member) is False
    assert permissions.can_view_profile(admin, member) is True
