"""Who may do what in a community: (role × visibility × join policy) → allowed, per permission.

The permissions are pure, so the table is asked of records built in memory (no database).
"""

from __future__ import annotations

import itertools

import pytest
from flask_login import AnonymousUserMixin

from kmrg.auth.models import AccountStatus, Role, User
from kmrg.communities import permissions
from kmrg.communities.models import (
    Community,
    CommunityVisibility,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Post,
    Topic,
)

ROLES = (
    "anonymous",
    "applicant",
    "outsider",
    "champion",
    "admin",
    "requester",
    "member",
    "facilitator",
)
SIGNED_IN = set(ROLES) - {"anonymous", "applicant"}
IN_IT = {"member", "facilitator"}
NOT_IN_IT = {"outsider", "champion", "admin"}


def _people() -> dict:
    def user(number: int, role: Role = Role.MEMBER, status=AccountStatus.ACTIVE) -> User:
        return User(id=number, name=f"Person {number}", role=role, status=status)

    return {
        "anonymous": AnonymousUserMixin(),
        "applicant": user(1, status=AccountStatus.PENDING),
        "outsider": user(2),
        "champion": user(3, Role.CHAMPION),
        "admin": user(4, Role.ADMIN),
        "requester": user(5),
        "member": user(6),
        "facilitator": user(7),
    }


def _community(visibility: CommunityVisibility, join_policy: JoinPolicy, people: dict):
    community = Community(name="C", slug="c", visibility=visibility, join_policy=join_policy)
    community.memberships = [
        Membership(
            id=1,
            user_id=people["facilitator"].id,
            is_facilitator=True,
            status=MembershipStatus.ACTIVE,
        ),
        Membership(
            id=2, user_id=people["member"].id, is_facilitator=False, status=MembershipStatus.ACTIVE
        ),
        Membership(
            id=3,
            user_id=people["requester"].id,
            is_facilitator=False,
            status=MembershipStatus.REQUESTED,
        ),
        # The applicant once belonged; a pending account takes no part.
        Membership(
            id=4,
            user_id=people["applicant"].id,
            is_facilitator=False,
            status=MembershipStatus.ACTIVE,
        ),
    ]
    return community


def _expected(visibility: CommunityVisibility, join_policy: JoinPolicy) -> dict[str, set[str]]:
    public = visibility is CommunityVisibility.PUBLIC
    open_ = join_policy is JoinPolicy.OPEN
    return {
        "view": set(ROLES) if public else SIGNED_IN,
        "read": set(ROLES) if public else IN_IT,
        "join": NOT_IN_IT if open_ else set(),
        "request": set() if open_ else NOT_IN_IT,
        "leave": IN_IT | {"requester"},
        "start_topic": IN_IT,
        "edit": {"facilitator", "admin"},
        "manage_members": {"facilitator"},
        "moderate": {"facilitator"},
    }


PERMISSIONS = {
    "view": permissions.can_view_community,
    "read": permissions.can_read_community,
    "join": permissions.can_join_community,
    "request": permissions.can_request_to_join_community,
    "leave": permissions.can_leave_community,
    "start_topic": permissions.can_start_topic,
    "edit": permissions.can_edit_community,
    "manage_members": permissions.can_manage_community_members,
    "moderate": permissions.can_moderate_community,
}
STATES = list(itertools.product(CommunityVisibility, JoinPolicy))


@pytest.mark.parametrize(("visibility", "join_policy"), STATES, ids=lambda s: s.value)
def test_membership_table(visibility, join_policy):
    people = _people()
    community = _community(visibility, join_policy, people)
    actual = {
        name: {role for role, user in people.items() if ask(user, community)}
        for name, ask in PERMISSIONS.items()
    }
    assert actual == _expected(visibility, join_policy)


TOPIC_STATES = {
    "open": {},
    "locked": {"is_locked": True},
    "hidden": {"is_hidden": True},
}


@pytest.mark.parametrize("state", list(TOPIC_STATES))
@pytest.mark.parametrize("visibility", list(CommunityVisibility), ids=lambda v: v.value)
def test_discussion_table(state, visibility):
    people = _people()
    community = _community(visibility, JoinPolicy.OPEN, people)
    topic = Topic(
        community=community,
        title="T",
        author_id=people["member"].id,
        **{"is_locked": False, "is_hidden": False, **TOPIC_STATES[state]},
    )
    opening = Post(id=1, topic=topic, author_id=people["member"].id, body="Q")
    reply = Post(id=2, topic=topic, author_id=people["facilitator"].id, body="A")
    public = visibility is CommunityVisibility.PUBLIC
    readers = set(ROLES) if public else IN_IT
    asked = {
        "view topic": lambda user: permissions.can_view_topic(user, topic),
        "reply": lambda user: permissions.can_reply_to_topic(user, topic),
        "accept": lambda user: permissions.can_accept_answer(user, topic),
        "edit own": lambda user: permissions.can_edit_post(user, opening),
        "flag reply": lambda user: permissions.can_flag_post(user, reply),
    }
    actual = {name: {r for r, u in people.items() if ask(u)} for name, ask in asked.items()}
    assert actual == {
        "view topic": {"facilitator"} if state == "hidden" else readers,
        "reply": IN_IT if state == "open" else set(),
        "accept": IN_IT,
        "edit own": {"member"},
        "flag reply": {"member"},
    }


def test_a_removed_post_is_neither_edited_nor_flagged():
    people = _people()
    community = _community(CommunityVisibility.PUBLIC, JoinPolicy.OPEN, people)
    topic = Topic(community=community, title="T", author_id=people["member"].id)
    from kmrg.models import utcnow

    post = Post(id=1, topic=topic, author_id=people["member"].id, removed_at=utcnow())
    assert not permissions.can_edit_post(people["member"], post)
    assert not permissions.can_flag_post(people["facilitator"], post)


def test_only_champions_and_admins_create_communities():
    people = _people()
    assert {r for r, u in people.items() if permissions.can_create_community(u)} == {
        "champion",
        "admin",
    }
