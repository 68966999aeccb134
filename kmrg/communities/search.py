"""Community topics as search documents: a topic with its replies, as visible as its community.

A topic of a public community is found by everyone. One of a members-only community has that
community's own audience ("community:<id>"), which only its active members hold (see
`member_audiences`): MEMBERS would let every signed-in person's totals, facet counts and
suggestions count it, though no one else may see it. Hidden topics and removed posts stay
out of the index. No one's name is indexed: authors are personal information, and a search must
never find a topic by someone's name where their profile would not show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import url_for
from sqlalchemy import false, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, selectinload

from kmrg.communities.models import (
    Community,
    CommunityVisibility,
    Membership,
    MembershipStatus,
    Post,
    Topic,
    topic_themes,
)
from kmrg.communities.permissions import can_view_topic
from kmrg.extensions import db
from kmrg.localtime import to_local
from kmrg.markdown import markdown_to_text
from kmrg.search.registry import Audience, DocumentType, SearchDocument, registry
from kmrg.themes.models import Theme
from kmrg.themes.search import theme_values

DOC_TYPE = "topic"
SUMMARY_LENGTH = 300
# A discussion is people thinking aloud: it ranks below the case studies and lessons the
# network has documented and checked, which it often quotes.
WEIGHT = 0.5


def community_audience(community: Community) -> str:
    """Return who may find the community's topics: everyone, or its members alone."""
    if community.visibility is CommunityVisibility.PUBLIC:
        return Audience.PUBLIC
    return f"community:{community.id}"


def member_audiences(viewer: Any) -> list[str]:
    """Return the audiences of the members-only communities `viewer` takes part in."""
    ids = db.session.scalars(
        select(Membership.community_id).where(
            Membership.user_id == viewer.id, Membership.status == MembershipStatus.ACTIVE
        )
    )
    return [f"community:{community_id}" for community_id in ids]


def topic_years(topic: Topic) -> list[str]:
    """Return the years a topic is found under: from its opening to its latest post, in SAST."""
    first, last = to_local(topic.created_at).year, to_local(topic.active_at).year
    return [str(year) for year in range(first, last + 1)]


def build_topic_document(topic: Topic) -> SearchDocument | None:
    """Return the topic's search document, or None while it is hidden."""
    if topic.is_hidden:
        return None
    community = topic.community
    posts = [post for post in topic.posts if not post.is_removed]
    texts = [markdown_to_text(post.body) for post in posts]
    opening = texts[0] if posts and posts[0] is topic.posts[0] else ""
    replies = texts[1:] if opening else texts
    return SearchDocument(
        doc_type=DOC_TYPE,
        doc_id=str(topic.id),
        title=topic.title,
        audience=community_audience(community),
        summary=opening[:SUMMARY_LENGTH],
        body="\n\n".join([opening[SUMMARY_LENGTH:], *replies]).strip(),
        keywords=" · ".join([community.name, *(theme.name for theme in topic.themes)]),
        facets={"theme": theme_values(topic.themes), "year": topic_years(topic)},
        date=to_local(topic.active_at).date(),
    )


def _load(session: Session, ids: Sequence[str]) -> dict[str, Any]:
    numbers = [int(i) for i in ids if i.isdigit()]
    topics = session.scalars(
        select(Topic)
        .where(Topic.id.in_(numbers))
        .options(
            selectinload(Topic.posts),
            selectinload(Topic.themes),
            selectinload(Topic.community).selectinload(Community.memberships),
        )
    )
    return {str(topic.id): topic for topic in topics}


def _indexable_ids(session: Session) -> Iterable[str]:
    return (str(i) for i in session.scalars(select(Topic.id).where(Topic.is_hidden == false())))


def _url(topic: Topic) -> str:
    return url_for("communities.show_topic", slug=topic.community.slug, topic_id=topic.id)


def _describe(topic: Topic) -> list[str]:
    answered = ["answered"] if topic.accepted_answer is not None else []
    return [f"Discussion in {topic.community.name}", *answered]


def _its_topic(post: Post, _connection: Connection) -> list[int]:
    return [post.topic_id] if post.topic_id is not None else []


def _of_community(community: Community, connection: Connection) -> Iterable[int]:
    return connection.execute(select(Topic.id).where(Topic.community_id == community.id)).scalars()


def _tagged_with(theme: Theme, connection: Connection) -> Iterable[int]:
    return connection.execute(
        select(topic_themes.c.topic_id).where(topic_themes.c.theme_id == theme.id)
    ).scalars()


def register_search_documents() -> None:
    """Register community topics with the search engine."""
    registry.add_audience_source(member_audiences)
    registry.register(
        DocumentType(
            name=DOC_TYPE,
            label="Discussion",
            plural="Discussions",
            model=Topic,
            build=build_topic_document,
            load=_load,
            indexable_ids=_indexable_ids,
            can_view=can_view_topic,
            url=_url,
            dependents={Post: _its_topic, Community: _of_community, Theme: _tagged_with},
            describe=_describe,
            weight=WEIGHT,
        )
    )
