"""Discussions: topics and replies, accepted answers, revisions, and facilitators' moderation
(pin, lock, hide, move, flags, removal). Each function takes the acting user, validates,
flushes and never commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.communities import permissions
from kmrg.communities.models import (
    Community,
    Flag,
    FlagOutcome,
    Post,
    PostRevision,
    Topic,
)
from kmrg.communities.services import themes_by_id
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.markdown import render_markdown
from kmrg.models import StaleEditError, utcnow
from kmrg.notifications.services import follow, notify_followers

MAX_REASON = 500
# The notification kinds discussions send (kmrg.notifications).
NEW_TOPIC = "community_topic"
NEW_REPLY = "community_reply"


def topic_path(topic: Topic, anchor: str = "") -> str:
    """Return the topic's path in the Hub (built here: notifications are made outside requests)."""
    path = f"/communities/{topic.community.slug}/topics/{topic.id}"
    return f"{path}#{anchor}" if anchor else path


def start_topic(
    session: Session,
    actor: Any,
    community: Community,
    *,
    title: str,
    body: str,
    theme_ids: Sequence[int] = (),
) -> Topic:
    """Open a discussion in the community, its words as the opening post."""
    if not permissions.can_start_topic(actor, community):
        raise PermissionDenied("Only the community's members start topics.")
    title = (title or "").strip()
    if not title:
        raise ValidationError("Give the topic a title.", "title")
    opening = _new_post(actor, body)
    themes = list(themes_by_id(session, theme_ids))
    topic = Topic(community=community, title=title, author_id=actor.id, active_at=utcnow())
    session.add(topic)
    topic.themes = themes
    topic.posts.append(opening)
    session.flush()
    # The asker hears of the replies; the community's followers of the new discussion.
    follow(session, actor, topic)
    notify_followers(
        session,
        community,
        NEW_TOPIC,
        topic,
        f"New discussion in {community.name}: {topic.title}",
        topic_path(topic),
        actor=actor,
        excerpt=opening.body,
    )
    return topic


def reply_to_topic(session: Session, actor: Any, topic: Topic, body: str) -> Post:
    """Add a reply to the topic."""
    if not permissions.can_reply_to_topic(actor, topic):
        raise PermissionDenied("You cannot reply to this topic.")
    post = _new_post(actor, body)
    topic.posts.append(post)
    topic.active_at = utcnow()
    session.flush()
    notify_followers(
        session,
        topic,
        NEW_REPLY,
        topic,
        f"New reply in “{topic.title}”",
        topic_path(topic, f"post-{post.id}"),
        actor=actor,
        excerpt=post.body,
    )
    return post


def edit_post(
    session: Session, actor: Any, post: Post, body: str, *, expected_version: int
) -> None:
    """Save the author's new wording, keeping the earlier one as a revision."""
    if not permissions.can_edit_post(actor, post):
        raise PermissionDenied("Only a post's author edits it.")
    if post.version != expected_version:
        raise StaleEditError("The post was changed since you opened it.")
    body = _required_body(body)
    if body == post.body:
        return
    post.revisions.append(
        PostRevision(number=len(post.revisions) + 1, body=post.body, edited_by_id=actor.id)
    )
    post.body = body
    post.body_html = render_markdown(body)
    post.edited_at = utcnow()
    session.flush()


def accept_answer(session: Session, actor: Any, post: Post, *, expected_version: int) -> None:
    """Mark a reply as the topic's accepted answer (the one before it is no longer)."""
    topic = post.topic
    if not permissions.can_accept_answer(actor, topic):
        raise PermissionDenied("Only the topic's author or a facilitator marks the answer.")
    if topic.version != expected_version:
        raise StaleEditError("The topic changed since you opened it.")
    if post.is_opening or post.is_removed:
        raise ValidationError("Only a reply that is still there can be the answer.")
    for other in topic.posts:
        other.is_accepted = other is post
    session.flush()


def change_topic(
    session: Session,
    actor: Any,
    topic: Topic,
    *,
    expected_version: int,
    is_pinned: bool | None = None,
    is_locked: bool | None = None,
    is_hidden: bool | None = None,
) -> None:
    """Pin, lock or hide a topic (or undo it)."""
    if not permissions.can_moderate_community(actor, topic.community):
        raise PermissionDenied("Only the community's facilitators do this.")
    if topic.version != expected_version:
        raise StaleEditError("The topic changed since you opened it.")
    if is_pinned is not None:
        topic.is_pinned = is_pinned
    if is_locked is not None:
        topic.is_locked = is_locked
    if is_hidden is not None:
        topic.is_hidden = is_hidden
    session.flush()
    record_event(session, actor, "community_topic.changed", topic)


def move_topic(
    session: Session, actor: Any, topic: Topic, destination: Community, *, expected_version: int
) -> None:
    """Move a topic to another community the actor facilitates too."""
    if not permissions.can_moderate_community(actor, topic.community):
        raise PermissionDenied("Only the community's facilitators move its topics.")
    if not permissions.can_moderate_community(actor, destination):
        raise ValidationError("Move it to a community you facilitate.", "destination")
    if topic.version != expected_version:
        raise StaleEditError("The topic changed since you opened it.")
    topic.community = destination
    session.flush()
    record_event(session, actor, "community_topic.moved", topic)


def flag_post(session: Session, actor: Any, post: Post, reason: str) -> Flag:
    """Ask the facilitators to look at a post, saying why."""
    if not permissions.can_flag_post(actor, post):
        raise PermissionDenied("You cannot flag this post.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the facilitators should look at it.", "reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"Keep the reason under {MAX_REASON} characters.", "reason")
    if any(flag.flagged_by_id == actor.id for flag in post.flags):
        raise ValidationError("You already flagged this post.", "reason")
    flag = Flag(flagged_by_id=actor.id, reason=reason)
    post.flags.append(flag)
    session.flush()
    return flag


def dismiss_flag(session: Session, actor: Any, flag: Flag) -> None:
    """Leave a flagged post as it is and clear the flag."""
    _check_moderator(actor, flag.post.topic.community)
    _resolve(actor, flag, FlagOutcome.DISMISSED)
    session.flush()


def remove_post(session: Session, actor: Any, post: Post) -> None:
    """Remove a post's words, leaving a marker of who removed it and when."""
    _check_moderator(actor, post.topic.community)
    if post.is_removed:
        raise ValidationError("This post was already removed.")
    post.body = ""
    post.body_html = ""
    post.is_accepted = False
    post.removed_at = utcnow()
    post.removed_by_id = actor.id
    # The earlier wordings go too: what a facilitator removed is not kept for anyone to read.
    post.revisions.clear()
    for flag in post.flags:
        if flag.outcome is None:
            _resolve(actor, flag, FlagOutcome.REMOVED)
    session.flush()
    record_event(session, actor, "community_post.removed", post)


def _resolve(actor: Any, flag: Flag, outcome: FlagOutcome) -> None:
    if flag.outcome is not None:
        raise ValidationError("A facilitator already dealt with this flag.")
    flag.outcome = outcome
    flag.resolved_at = utcnow()
    flag.resolved_by_id = actor.id


def _check_moderator(actor: Any, community: Community) -> None:
    if not permissions.can_moderate_community(actor, community):
        raise PermissionDenied("Only the community's facilitators review flags.")


def _new_post(actor: Any, body: str) -> Post:
    body = _required_body(body)
    return Post(author_id=actor.id, body=body, body_html=render_markdown(body))


def _required_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError("Write something first.", "body")
    return body
