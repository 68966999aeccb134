"""Community topics as a source of lessons (see kmrg.lessons.sources): a discussion written up.

A lesson drawn from a topic is as visible as the topic: public with a topic of a public
community, and otherwise seen by those who may read the topic. The community's members write
lessons from its topics that are not hidden.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from kmrg.communities.models import Community, CommunityVisibility, Topic
from kmrg.communities.permissions import can_view_topic, is_community_member
from kmrg.communities.search import topic_years
from kmrg.lessons.sources import SourceKind, register_source

SOURCE_TYPE = "community_topic"


def _load(session: Session, topic_id: int) -> Topic | None:
    return session.get(Topic, topic_id)


def _url(topic: Topic) -> str:
    return url_for("communities.show_topic", slug=topic.community.slug, topic_id=topic.id)


def is_topic_public(topic: Topic) -> bool:
    """Tell whether anyone may read the topic: shown, in a public community."""
    return not topic.is_hidden and topic.community.visibility is CommunityVisibility.PUBLIC


def _public_ids() -> Select[Any]:
    return (
        select(Topic.id)
        .join(Community, Topic.community_id == Community.id)
        .where(Community.visibility == CommunityVisibility.PUBLIC, Topic.is_hidden == false())
    )


def can_write_topic_lesson(user: Any, topic: Topic) -> bool:
    """The community's members write a lesson from a topic that is not hidden."""
    return not topic.is_hidden and is_community_member(user, topic.community)


def register_topic_source() -> SourceKind:
    """Register community topics as a kind of lesson source."""
    return register_source(
        SOURCE_TYPE,
        "Discussion",
        load=_load,
        title=lambda topic: topic.title,
        url=_url,
        can_view=can_view_topic,
        is_public=is_topic_public,
        public_ids=_public_ids,
        can_add_lesson=can_write_topic_lesson,
        model=Topic,
        years=lambda topic: [int(year) for year in topic_years(topic)],
    )
