"""Who may write to an expert, and who may open and answer a conversation: role × state."""

from __future__ import annotations

import pytest

from kmrg.auth.models import AccountStatus, AnonymousUser, ProfileVisibility
from kmrg.inbox.permissions import (
    can_contact_expert,
    can_reply_to_conversation,
    can_view_conversation,
    contact_refusal,
)
from tests.experts.conftest import make_profile
from tests.inbox.conftest import make_external_profile, start_conversation

CONTACT_ROLES = ["anonymous", "applicant", "member", "keeper_champion", "owner", "admin"]
PROFILE_STATES = ["public", "members", "hidden", "owner_disabled", "external", "external_no_email"]

# Who may contact the expert in each state; everybody else is refused.
CONTACT_TABLE = {
    "public": {"member", "keeper_champion", "admin"},
    "members": {"member", "keeper_champion", "admin"},
    # Administrators see hidden profiles; that is not an invitation to write to them.
    "hidden": set(),
    "owner_disabled": set(),
    # The expert's own account is just another member's for someone else's profile.
    "external": {"member", "keeper_champion", "owner", "admin"},
    "external_no_email": set(),
}


def _profile(session, state, expert, champion):
    if state.startswith("external"):
        return make_external_profile(
            session, champion, email="" if state == "external_no_email" else "x@example.org"
        )
    visibility = {
        "public": ProfileVisibility.PUBLIC,
        "hidden": ProfileVisibility.HIDDEN,
    }.get(state, ProfileVisibility.MEMBERS)
    profile = make_profile(session, expert, visibility=visibility)
    if state == "owner_disabled":
        expert.status = AccountStatus.DISABLED
        session.commit()
    return profile


@pytest.mark.parametrize("state", PROFILE_STATES)
@pytest.mark.parametrize("role", CONTACT_ROLES)
def test_who_may_contact_an_expert(
    session, expert, champion, applicant, member, admin, role, state
):
    profile = _profile(session, state, expert, champion)
    user = {
        "anonymous": AnonymousUser(),
        "applicant": applicant,
        "member": member,
        "keeper_champion": champion,
        "owner": expert,
        "admin": admin,
    }[role]
    allowed = role in CONTACT_TABLE[state]
    assert can_contact_expert(user, profile) is allowed
    assert (contact_refusal(user, profile) is None) is allowed


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("external_no_email", "has not recorded an e-mail address"),
        ("hidden", "hidden their profile"),
    ],
)
def test_a_refusal_says_why(session, expert, champion, member, admin, state, reason):
    profile = _profile(session, state, expert, champion)
    assert reason in contact_refusal(member if state != "hidden" else admin, profile)


def test_own_profile_refusal_says_so(session, expert):
    profile = make_profile(session, expert)
    assert contact_refusal(expert, profile) == "This is your own profile."


CONVERSATION_ROLES = ["anonymous", "starter", "recipient", "admin", "other_member"]
CONVERSATION_STATES = ["between_members", "with_external", "recipient_disabled"]

VIEW_TABLE = {
    "between_members": {"starter", "recipient"},
    "with_external": {"starter"},
    # A disabled account signs in no more; the starter still reads what was said.
    "recipient_disabled": {"starter"},
}
REPLY_TABLE = {
    "between_members": {"starter", "recipient"},
    # The external expert answers by e-mail, outside the Hub.
    "with_external": set(),
    "recipient_disabled": set(),
}


@pytest.mark.parametrize("action", ["view", "reply"])
@pytest.mark.parametrize("state", CONVERSATION_STATES)
@pytest.mark.parametrize("role", CONVERSATION_ROLES)
def test_who_may_open_and_answer_a_conversation(
    session, expert, champion, member, admin, stranger, role, state, action
):
    if state == "with_external":
        profile = make_external_profile(session, champion)
    else:
        profile = make_profile(session, expert, visibility=ProfileVisibility.MEMBERS)
    conversation = start_conversation(session, member, profile)
    if state == "recipient_disabled":
        expert.status = AccountStatus.DISABLED
        session.commit()
    user = {
        "anonymous": AnonymousUser(),
        "starter": member,
        "recipient": expert,
        "admin": admin,
        "other_member": stranger,
    }[role]
    check = can_view_conversation if action == "view" else can_reply_to_conversation
    table = VIEW_TABLE if action == "view" else REPLY_TABLE
    assert check(user, conversation) is (role in table[state])
