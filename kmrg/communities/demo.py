"""Demo communities, loaded through the communities' services; safe to run again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.auth.queries import get_user_by_email
from kmrg.communities import discussions, resources, services
from kmrg.communities.demo_content import COMMUNITIES, DemoCommunity, DemoTopic
from kmrg.communities.models import Community
from kmrg.exceptions import ValidationError
from kmrg.notifications.emails import dropping_mail
from kmrg.search.registry import registry
from kmrg.themes.models import Theme


def load_community_demo(session: Session) -> int:
    """Add each demo community not there yet, with its members, discussions and resources."""
    existing = set(session.scalars(select(Community.name)))
    added = 0
    with dropping_mail(session):
        for demo in COMMUNITIES:
            if demo.name in existing:
                continue
            _load_community(session, demo)
            added += 1
    return added


def _person(session: Session, email: str) -> User:
    user = get_user_by_email(session, email)
    if user is None:
        raise LookupError(f"the demo has no account {email}")
    return user


def _theme_ids(session: Session, slugs: tuple[str, ...]) -> list[int]:
    return list(session.scalars(select(Theme.id).where(Theme.slug.in_(slugs))))


def _load_community(session: Session, demo: DemoCommunity) -> None:
    facilitator = _person(session, demo.facilitator)
    community = services.create_community(
        session,
        facilitator,
        services.CommunityData(
            name=demo.name,
            purpose=demo.purpose,
            kind=demo.kind,
            join_policy=demo.join_policy,
            visibility=demo.visibility,
            theme_ids=_theme_ids(session, demo.themes),
        ),
    )
    for email in demo.members:
        membership = services.join_community(session, _person(session, email), community)
        if membership.status.value == "requested":
            services.approve_request(session, facilitator, membership)
    for email in demo.requests:
        services.join_community(session, _person(session, email), community)
    for topic in demo.topics:
        _load_topic(session, community, facilitator, topic)
    for record_type, note in demo.resources:
        _link_first(session, facilitator, community, record_type, note)


def _load_topic(session: Session, community: Community, facilitator: User, demo: DemoTopic) -> None:
    topic = discussions.start_topic(
        session,
        _person(session, demo.author),
        community,
        title=demo.title,
        body=demo.body,
        theme_ids=_theme_ids(session, demo.themes),
    )
    for reply in demo.replies:
        post = discussions.reply_to_topic(
            session, _person(session, reply.author), topic, reply.body
        )
        if reply.is_answer:
            discussions.accept_answer(session, facilitator, post, expected_version=topic.version)
        if reply.flag is not None:
            flagger, reason = reply.flag
            discussions.flag_post(session, _person(session, flagger), post, reason)


def _link_first(
    session: Session, actor: User, community: Community, record_type: str, note: str
) -> None:
    document_type = registry.get(record_type)
    if document_type is None:
        return
    for record_id in document_type.indexable_ids(session):
        try:
            resources.link_record(session, actor, community, record_type, int(record_id), note=note)
        except ValidationError:
            continue
        return
