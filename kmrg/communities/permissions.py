"""Who may do what in a community, by role, the community's visibility and join policy, and
the person's place in it (none, a request waiting, member, facilitator).

- see the community (its name, purpose, facilitators, join policy): public ones anyone;
  members-only ones active accounts, so they can ask to join.
- read its discussions, members and resources: public ones anyone; members-only ones its
  members and facilitators only — no one else, administrators included.
- create a community: administrators and KM champions (who become its first facilitator).
- edit its details: its facilitators and administrators; run its membership (approve or decline
  requests, remove members, make facilitators) and moderate it (pin, lock, hide and move topics,
  review flags, remove posts): its facilitators.
- join: active accounts, not yet members, when it is open; ask to join: when it is by request.
  Leave: its members (a community keeps at least one facilitator: see the services).
- start a topic: members; reply: members, unless the topic is locked or hidden.
- mark the accepted answer: the topic's author (while a member) and facilitators.
- edit a post: its author, while a member, unless it was removed; flag a post: members other
  than its author, unless it was removed.
- a hidden topic is read by facilitators only.
- link a resource (case study, lesson, meeting, file) with a note: members; take it off:
  facilitators and the member who linked it. A resource is shown only to viewers who may see
  the record itself (its own area decides).
"""

from __future__ import annotations

from typing import Any

from kmrg.communities.models import (
    Community,
    CommunityVisibility,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Post,
    Resource,
    Topic,
)


def _is_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def membership_in(user: Any, community: Community) -> Membership | None:
    """Return `user`'s membership or request in the community, if they have one."""
    if not _is_active(user):
        return None
    return next((m for m in community.memberships if m.user_id == user.id), None)


def is_community_member(user: Any, community: Community) -> bool:
    """Tell whether `user` takes part in the community (facilitators included)."""
    membership = membership_in(user, community)
    return membership is not None and membership.status is MembershipStatus.ACTIVE


def is_facilitator(user: Any, community: Community) -> bool:
    """Tell whether `user` runs the community."""
    membership = membership_in(user, community)
    return (
        membership is not None
        and membership.status is MembershipStatus.ACTIVE
        and membership.is_facilitator
    )


def has_requested_to_join(user: Any, community: Community) -> bool:
    """Tell whether `user`'s request to join waits for a facilitator."""
    membership = membership_in(user, community)
    return membership is not None and membership.status is MembershipStatus.REQUESTED


def can_create_community(user: Any) -> bool:
    """Administrators and KM champions create communities."""
    return _is_active(user) and bool(user.is_admin or user.is_champion)


def can_view_community(user: Any, community: Community) -> bool:
    """Show a public community to anyone, a members-only one to active accounts."""
    return community.visibility is CommunityVisibility.PUBLIC or _is_active(user)


def can_read_community(user: Any, community: Community) -> bool:
    """Let anyone read a public community; only its members read a members-only one."""
    if community.visibility is CommunityVisibility.PUBLIC:
        return True
    return is_community_member(user, community)


def can_edit_community(user: Any, community: Community) -> bool:
    """Facilitators and administrators edit a community's details."""
    return is_facilitator(user, community) or (_is_active(user) and bool(user.is_admin))


def can_manage_community_members(user: Any, community: Community) -> bool:
    """Facilitators approve and decline requests, remove members and make facilitators."""
    return is_facilitator(user, community)


def can_moderate_community(user: Any, community: Community) -> bool:
    """Facilitators pin, lock, hide and move topics, review flags and remove posts."""
    return is_facilitator(user, community)


def can_join_community(user: Any, community: Community) -> bool:
    """Let an active account not yet in an open community join it."""
    return (
        _is_active(user)
        and community.join_policy is JoinPolicy.OPEN
        and membership_in(user, community) is None
    )


def can_request_to_join_community(user: Any, community: Community) -> bool:
    """Let an active account ask to join a community that takes members by request."""
    return (
        _is_active(user)
        and community.join_policy is JoinPolicy.REQUEST
        and membership_in(user, community) is None
    )


def can_leave_community(user: Any, community: Community) -> bool:
    """Let a member leave (or withdraw their request)."""
    return membership_in(user, community) is not None


def can_start_topic(user: Any, community: Community) -> bool:
    """Members start topics."""
    return is_community_member(user, community)


def can_view_topic(user: Any, topic: Topic) -> bool:
    """Let readers of the community read a topic; a hidden one only its facilitators."""
    if topic.is_hidden:
        return is_facilitator(user, topic.community)
    return can_read_community(user, topic.community)


def can_reply_to_topic(user: Any, topic: Topic) -> bool:
    """Members reply, unless the topic is locked or hidden."""
    return (
        not topic.is_locked and not topic.is_hidden and is_community_member(user, topic.community)
    )


def can_accept_answer(user: Any, topic: Topic) -> bool:
    """The topic's author (while a member) and facilitators mark the accepted answer."""
    if is_facilitator(user, topic.community):
        return True
    return (
        is_community_member(user, topic.community)
        and topic.author_id is not None
        and topic.author_id == user.id
    )


def can_edit_post(user: Any, post: Post) -> bool:
    """A post's author edits it while a member, unless it was removed."""
    return (
        not post.is_removed
        and is_community_member(user, post.topic.community)
        and post.author_id is not None
        and post.author_id == user.id
    )


def can_flag_post(user: Any, post: Post) -> bool:
    """Members flag another's post that is still there."""
    return (
        not post.is_removed
        and is_community_member(user, post.topic.community)
        and post.author_id != user.id
    )


def can_add_community_resource(user: Any, community: Community) -> bool:
    """Members link resources to their community."""
    return is_community_member(user, community)


def can_remove_community_resource(user: Any, resource: Resource) -> bool:
    """Facilitators, and the member who linked it, take a resource off the community."""
    community = resource.community
    if is_facilitator(user, community):
        return True
    return is_community_member(user, community) and resource.added_by_id == user.id
