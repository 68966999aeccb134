"""Topics in search (as visible as their community, removed and hidden words left out, no names)
and a topic written up as a lesson in one step."""

from __future__ import annotations

import re

from kmrg.communities import discussions
from kmrg.communities.models import CommunityVisibility
from tests.factories import post


def search(client, query: str) -> str:
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', html)


def test_who_finds_a_topic_follows_its_community(
    session, make_community, client_as, member, admin, outsider_champion
):
    public = make_community(members=(member,))
    private = make_community(
        "DDM One Plan practitioners", visibility=CommunityVisibility.MEMBERS, members=(member,)
    )
    discussions.start_topic(session, member, public, title="Open quokkaplan", body="Quokkaplan.")
    discussions.start_topic(
        session, member, private, title="Closed quokkaplan", body="Quokkaplan budget 2031."
    )
    session.commit()
    assert titles(search(client_as(None), "quokkaplan")) == ["Open quokkaplan"]
    for outsider in (admin, outsider_champion):
        html = search(client_as(outsider), "quokkaplan")
        assert titles(html) == ["Open quokkaplan"]
        assert "1 result" in html, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))[-2500:]
        assert "Closed" not in search(client_as(outsider), "type:topic")
    assert sorted(titles(search(client_as(member), "quokkaplan"))) == [
        "Closed quokkaplan",
        "Open quokkaplan",
    ]


def test_replies_are_found_but_not_removed_ones_nor_names(session, topic, champion, client):
    discussions.reply_to_topic(session, champion, topic, "Try the numbatregister approach.")
    session.commit()
    assert titles(search(client, "numbatregister")) == [topic.title]
    assert titles(search(client, "ward")) == [topic.title]
    assert titles(search(client, "Thandi")) == []
    discussions.remove_post(session, champion, topic.posts[2])
    session.commit()
    assert titles(search(client, "numbatregister")) == []
    discussions.change_topic(
        session, champion, topic, is_hidden=True, expected_version=topic.version
    )
    session.commit()
    assert titles(search(client, "indigent")) == []


def test_a_member_writes_a_lesson_from_the_discussion(topic, client_as, member, outsider_champion):
    page = f"/communities/{topic.community.slug}/topics/{topic.id}"
    assert "Write a lesson from this discussion" not in (
        client_as(outsider_champion).get(page).get_data(as_text=True)
    )
    client = client_as(member)
    shown = client.get(page).get_data(as_text=True)
    link = f"/lessons/new?source=community_topic:{topic.id}"
    assert f'href="{link}"' in shown and "Write a lesson from this discussion" in shown
    response = post(
        client,
        link,
        {
            "title": "Verify indigent households ward by ward",
            "driving_event": "Our register was years out of date.",
            "lesson": "Ward councillors' help made the verification quick.",
        },
    )
    assert response.status_code == 302
    lesson_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<a href="{page}">{topic.title}</a>' in lesson_page
    assert "Verify indigent households ward by ward" in client.get(page).get_data(as_text=True)
