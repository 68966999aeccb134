"""Read side of communities: the list a viewer may see, one community, its topics and flags."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from kmrg.communities.models import (
    Community,
    CommunityVisibility,
    Flag,
    Membership,
    MembershipStatus,
    Post,
    Topic,
)


def _is_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def list_communities(session: Session, viewer: Any) -> list[tuple[Community, int]]:
    """Return the communities `viewer` may see, by name, each with its number of members."""
    members = (
        select(Membership.community_id, func.count().label("members"))
        .where(Membership.status == MembershipStatus.ACTIVE)
        .group_by(Membership.community_id)
        .subquery()
    )
    stmt = (
        select(Community, func.coalesce(members.c.members, 0))
        .outerjoin(members, members.c.community_id == Community.id)
        .options(selectinload(Community.themes))
        .order_by(Community.name)
    )
    if not _is_active(viewer):
        stmt = stmt.where(Community.visibility == CommunityVisibility.PUBLIC)
    return [(community, count) for community, count in session.execute(stmt)]


def get_community_by_slug(session: Session, slug: str) -> Community | None:
    """Return the community called `slug`, if there is one."""
    return session.scalars(select(Community).where(Community.slug == slug)).first()


def list_topics(session: Session, community: Community, *, with_hidden: bool) -> list[Topic]:
    """Return the community's topics: pinned first, then the most recently active."""
    stmt = (
        select(Topic)
        .where(Topic.community_id == community.id)
        .options(selectinload(Topic.posts), selectinload(Topic.author))
        .order_by(Topic.is_pinned.desc(), Topic.active_at.desc(), Topic.id.desc())
    )
    if not with_hidden:
        stmt = stmt.where(Topic.is_hidden.is_(False))
    return list(session.scalars(stmt))


def get_topic(session: Session, community: Community, topic_id: int) -> Topic | None:
    """Return the topic `topic_id` of the community, if it has one."""
    topic = session.get(Topic, topic_id)
    return topic if topic is not None and topic.community_id == community.id else None


def get_post(session: Session, topic: Topic, post_id: int) -> Post | None:
    """Return the post `post_id` of the topic, if it has one."""
    post = session.get(Post, post_id)
    return post if post is not None and post.topic_id == topic.id else None


def get_membership(session: Session, community: Community, membership_id: int) -> Membership | None:
    """Return the membership `membership_id` in the community, if there is one."""
    membership = session.get(Membership, membership_id)
    return membership if membership and membership.community_id == community.id else None


def list_open_flags(session: Session, community: Community) -> list[Flag]:
    """Return the flags in the community no facilitator has dealt with, oldest first."""
    stmt = (
        select(Flag)
        .join(Post, Flag.post_id == Post.id)
        .join(Topic, Post.topic_id == Topic.id)
        .where(Topic.community_id == community.id, Flag.outcome.is_(None))
        .order_by(Flag.id)
    )
    return list(session.scalars(stmt))


def get_open_flag(session: Session, community: Community, flag_id: int) -> Flag | None:
    """Return an open flag of the community, if there is one."""
    flag = session.get(Flag, flag_id)
    if flag is None or flag.outcome is not None:
        return None
    return flag if flag.post.topic.community_id == community.id else None


def list_facilitated_communities(session: Session, user: Any) -> list[Community]:
    """Return the communities `user` facilitates, by name."""
    if not _is_active(user):
        return []
    stmt = (
        select(Community)
        .join(Membership, Membership.community_id == Community.id)
        .where(
            Membership.user_id == user.id,
            Membership.is_facilitator.is_(True),
            Membership.status == MembershipStatus.ACTIVE,
        )
        .order_by(Community.name)
    )
    return list(session.scalars(stmt))
