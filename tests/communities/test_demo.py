"""`kmrg demo` adds communities with members, discussions, an accepted answer, a flag and
resources, through the communities' services, and adds nothing the second time."""

from __future__ import annotations

from sqlalchemy import func, select

from kmrg.communities.demo import load_community_demo
from kmrg.communities.models import Community, Flag, Post, Resource
from kmrg.demo import load_demo
from tests.factories import post

PASSWORD = "demo-password-for-tests"


def test_the_demo_communities_and_their_discussions(client, session, monkeypatch):
    monkeypatch.setenv("KMRG_DEMO_PASSWORD", PASSWORD)
    load_demo(session)
    session.commit()
    communities = list(session.scalars(select(Community)))
    assert len(communities) >= 5
    assert all(len(c.active_members) >= 4 and c.topics for c in communities)
    assert session.scalar(select(func.count()).select_from(Post).where(Post.is_accepted)) >= 3
    assert session.scalar(select(func.count()).select_from(Flag)) >= 1
    assert session.scalar(select(func.count()).select_from(Resource)) >= 1
    assert load_community_demo(session) == 0

    listed = client.get("/communities/").get_data(as_text=True)
    assert "Revenue enhancement practitioners" in listed and "KM champions" not in listed
    revenue = client.get("/communities/revenue-enhancement-practitioners").get_data(as_text=True)
    assert "Cleaning the indigent register" in revenue and "Resources" in revenue
    post(client, "/login", {"email": "champion.buf@example.org", "password": PASSWORD})
    flags = client.get("/communities/revenue-enhancement-practitioners/flags")
    assert "private person" in flags.get_data(as_text=True)
