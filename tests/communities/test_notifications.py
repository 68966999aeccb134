"""Following communities and discussions: new topics and replies reach followers who may read
them, through the notifications service; a members-only community tells no one else."""

from __future__ import annotations

from kmrg.communities import discussions
from kmrg.communities.models import CommunityVisibility
from tests.factories import post


def test_followers_hear_of_new_topics_and_askers_of_replies(
    session, community, client_as, member, champion, outsider_champion
):
    page = f"/communities/{community.slug}"
    outsider = client_as(outsider_champion)
    assert "Follow this community" in outsider.get(page).get_data(as_text=True)
    post(outsider, f"/follow/community/{community.id}", {"next": page})
    topic = discussions.start_topic(
        session, member, community, title="Billing errors after a system change", body="Help!"
    )
    session.commit()
    discussions.reply_to_topic(session, champion, topic, "Reconcile before the first run.")
    session.commit()
    heard = outsider.get("/notifications/").get_data(as_text=True)
    assert "New discussion in Revenue enhancement practitioners" in heard
    asked = client_as(member).get("/notifications/").get_data(as_text=True)
    assert "New reply in “Billing errors after a system change”" in asked
    assert "Reconcile before the first run." in asked


def test_a_members_only_community_tells_no_one_else(
    session, make_community, client_as, member, outsider_champion
):
    private = make_community(
        "KM champions' circle", visibility=CommunityVisibility.MEMBERS, members=(member,)
    )
    page = f"/communities/{private.slug}"
    assert "Follow this community" not in client_as(outsider_champion).get(page).get_data(
        as_text=True
    )
    assert post(client_as(outsider_champion), f"/follow/community/{private.id}").status_code in (
        403,
        404,
    )
    discussions.start_topic(session, member, private, title="Frank talk", body="Budget")
    session.commit()
    assert "Frank talk" not in client_as(outsider_champion).get("/notifications/").get_data(
        as_text=True
    )
