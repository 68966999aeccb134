"""Community pages through the real stack: what each kind of viewer sees and may do."""

from __future__ import annotations

import re

from kmrg.communities import discussions
from kmrg.communities.models import CommunityVisibility, JoinPolicy, Post
from tests.factories import post


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_list_shows_visible_communities_with_member_counts(
    make_community, client_as, member, outsider_champion
):
    make_community(members=(member,))
    make_community("KM champions' circle", visibility=CommunityVisibility.MEMBERS)
    anonymous = _text(client_as(None).get("/communities/"))
    assert "Revenue enhancement practitioners" in anonymous
    assert "2 members" in anonymous
    assert "KM champions" not in anonymous
    signed_in = _text(client_as(outsider_champion).get("/communities/"))
    assert "KM champions" in signed_in
    assert "Start a community" in signed_in


def test_members_only_content_is_for_members_alone(
    session, make_community, client_as, member, admin, outsider_champion
):
    community = make_community(
        "DDM One Plan", visibility=CommunityVisibility.MEMBERS, members=(member,)
    )
    topic = discussions.start_topic(
        session, member, community, title="Secret budget figures", body="Our draft numbers."
    )
    session.commit()
    page = f"/communities/{community.slug}"
    topic_page = f"{page}/topics/{topic.id}"
    assert client_as(None).get(page).status_code == 404
    assert client_as(None).get(topic_page).status_code == 404
    for outsider in (admin, outsider_champion):
        client = client_as(outsider)
        shown = _text(client.get(page))
        assert "DDM One Plan" in shown and "Ask to join" not in shown
        assert "Secret budget figures" not in shown and "Join the community" in shown
        assert client.get(topic_page).status_code == 404
    inside = client_as(member)
    assert "Secret budget figures" in _text(inside.get(page))
    assert "Our draft numbers." in _text(inside.get(topic_page))


def test_joining_by_request_waits_for_a_facilitator(
    make_community, client_as, champion, outsider_champion
):
    community = make_community(join_policy=JoinPolicy.REQUEST)
    page = f"/communities/{community.slug}"
    asker = client_as(outsider_champion)
    response = post(asker, f"{page}/join", follow_redirects=True)
    assert "Your request to join is with the community" in _text(response)
    assert "Start a topic" not in _text(response)
    facilitator = client_as(champion)
    shown = _text(facilitator.get(page))
    assert "Requests to join" in shown
    membership_id = re.search(r"/members/(\d+)/approve", shown).group(1)
    post(facilitator, f"{page}/members/{membership_id}/approve")
    assert "Start a topic" in _text(asker.get(page))
    response = post(asker, f"{page}/leave", follow_redirects=True)
    assert "You are no longer in" in _text(response)


def test_a_discussion_with_its_accepted_answer_first(
    session, community, client_as, member, champion, outsider_champion
):
    page = f"/communities/{community.slug}"
    asker = client_as(member)
    response = post(
        asker,
        f"{page}/topics/new",
        {"title": "Prepaid meters in informal areas?", "body": "Has **anyone** tried it?"},
    )
    topic_page = response.headers["Location"]
    post(client_as(champion), f"{topic_page}/reply", {"body": "First answer, not the best."})
    helper = client_as(outsider_champion)
    post(helper, f"{page}/join")
    post(helper, f"{topic_page}/reply", {"body": "Msunduzi rolled them out in 2019."})
    best = session.query(Post).filter(Post.body.like("Msunduzi%")).one()
    shown = _text(asker.get(topic_page))
    assert "<strong>anyone</strong>" in shown
    version = re.search(r'name="version" type="hidden" value="(\d+)"', shown).group(1)
    post(asker, f"{topic_page}/posts/{best.id}/accept", {"version": version})
    shown = _text(asker.get(topic_page))
    assert "Accepted answer" in shown
    assert shown.index("Msunduzi rolled") < shown.index("First answer")


def test_flags_wait_for_a_facilitator_who_removes_the_post(
    session, topic, client_as, member, champion
):
    page = f"/communities/{topic.community.slug}"
    reply = topic.posts[1]
    flagger = client_as(member)
    post(flagger, f"{page}/topics/{topic.id}/posts/{reply.id}/flag", {"reason": "Names a resident"})
    facilitator = client_as(champion)
    queue = _text(facilitator.get(f"{page}/flags"))
    assert "Names a resident" in queue and "ward by ward" in queue
    assert flagger.get(f"{page}/flags").status_code == 403
    flag_id = re.search(r"/flags/(\d+)/remove", queue).group(1)
    post(facilitator, f"{page}/flags/{flag_id}/remove")
    assert "No flagged posts wait" in _text(facilitator.get(f"{page}/flags"))
    shown = _text(flagger.get(f"{page}/topics/{topic.id}"))
    assert "ward by ward" not in shown
    assert re.search(r"Removed by [^<]+ on \d+ \w+ \d{4}", shown), shown


def test_a_dismissed_flag_leaves_the_post(session, topic, champion, member):
    reply = topic.posts[1]
    flag = discussions.flag_post(session, member, reply, "Off topic")
    discussions.dismiss_flag(session, champion, flag)
    session.commit()
    assert reply.is_removed is False
    assert flag.outcome.value == "dismissed"


def test_edits_keep_revisions_and_stale_edits_are_refused(topic, client_as, member):
    opening = topic.opening_post
    url = f"/communities/{topic.community.slug}/topics/{topic.id}/posts/{opening.id}/edit"
    author = client_as(member)
    response = post(author, url, {"body": "We clean the register every year.", "version": "1"})
    assert response.status_code == 302
    shown = _text(author.get(f"/communities/{topic.community.slug}/topics/{topic.id}"))
    assert "every year" in shown and "1 earlier version kept" in shown
    assert [r.body for r in opening.revisions] == [
        "We are cleaning our indigent register before the valuation roll."
    ]
    stale = post(author, url, {"body": "An old tab's text.", "version": "1"})
    assert stale.status_code == 200
    assert "NOT saved" in _text(stale)


def test_state_changing_urls_need_the_right_person(
    topic, client_as, member, outsider_champion, champion
):
    page = f"/communities/{topic.community.slug}"
    reply = topic.posts[1]
    urls = [
        f"{page}/topics/{topic.id}/pin",
        f"{page}/topics/{topic.id}/lock",
        f"{page}/topics/{topic.id}/hide",
        f"{page}/topics/{topic.id}/posts/{reply.id}/remove",
        f"{page}/edit",
    ]
    for url in urls:
        assert client_as(None).post(url).status_code in (302, 400)
        assert post(client_as(None), url).headers["Location"].startswith("/login")
        assert post(client_as(member), url, {"version": "1"}).status_code == 403
    assert (
        post(
            client_as(outsider_champion), f"{page}/topics/{topic.id}/reply", {"body": "x"}
        ).status_code
        == 403
    )
    assert client_as(member).get(f"{page}/topics/999").status_code == 404
    facilitator = client_as(champion)
    post(facilitator, f"{page}/topics/{topic.id}/lock", {"version": str(topic.version)})
    assert "This topic is locked" in _text(client_as(member).get(f"{page}/topics/{topic.id}"))
