"""Communities for the communities area's tests, made through the real services and committed.

The people come from tests/conftest.py: `champion` starts communities and so facilitates them,
`member` joins them, `outsider_champion` and `admin` stay outside unless a test says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.communities import discussions, services
from kmrg.communities.models import Community, CommunityVisibility, JoinPolicy, Topic
from tests.factories import sign_in


@pytest.fixture
def make_community(session: Session, champion: User) -> Callable[..., Community]:
    """Return a factory of communities started by `champion`, with `members` joined."""

    def make(
        name: str = "Revenue enhancement practitioners",
        *,
        visibility: CommunityVisibility = CommunityVisibility.PUBLIC,
        join_policy: JoinPolicy = JoinPolicy.OPEN,
        members: tuple[User, ...] = (),
    ) -> Community:
        community = services.create_community(
            session,
            champion,
            services.CommunityData(
                name=name,
                purpose="Share what **works** in collecting municipal revenue.",
                visibility=visibility,
                join_policy=join_policy,
            ),
        )
        for person in members:
            membership = services.join_community(session, person, community)
            if join_policy is JoinPolicy.REQUEST:
                services.approve_request(session, champion, membership)
        session.commit()
        return community

    return make


@pytest.fixture
def community(make_community, member: User) -> Community:
    """A public open community that `member` has joined, facilitated by `champion`."""
    return make_community(members=(member,))


@pytest.fixture
def topic(session: Session, community: Community, member: User, champion: User) -> Topic:
    """The member's question, with the champion's reply."""
    topic = discussions.start_topic(
        session,
        member,
        community,
        title="Which indigent register worked for you?",
        body="We are cleaning our indigent register before the valuation roll.",
    )
    discussions.reply_to_topic(
        session, champion, topic, "Buffalo City verified households ward by ward."
    )
    session.commit()
    return topic


@pytest.fixture
def client_as(app) -> Callable[[User | None], FlaskClient]:
    """Return a factory of test clients: signed in as the user given, anonymous for None."""

    def make(user: User | None) -> FlaskClient:
        client = app.test_client()
        if user is not None:
            sign_in(client, user)
        return client

    return make
