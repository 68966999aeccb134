"""Recording, editing and moving meetings on through the real app, and who may do it."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from kmrg.events.models import Meeting, MeetingStatus, MeetingVisibility
from tests.factories import post


def text_of(response) -> str:
    return response.get_data(as_text=True)


def reload(session, meeting_id: int) -> Meeting:
    """Return the meeting as committed now (the test's session ends its own snapshot first)."""
    session.rollback()
    session.expire_all()
    return session.get(Meeting, meeting_id)


# Recording and editing a meeting


def meeting_form(series, organisation, **overrides) -> dict:
    data = {
        "series": series.slug,
        "title": "KMRG meeting in East London",
        "organisation_id": str(organisation.id),
        "starts_on": "2031-03-04",
        "starts_time": "09:00",
        "ends_on": "2031-03-05",
        "ends_time": "13:00",
        "venue": "East London City Hall",
        "online_url": "",
        "aims": "Share the turnaround\nAgree the plan",
        "visibility": "members",
        "notes": "",
    }
    data.update(overrides)
    return data


def version_on(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def test_a_champion_records_a_meeting_in_south_african_time(
    session, client_as, champion, series, organisation
):
    client = client_as(champion)
    form = client.get("/meetings/new")
    assert form.status_code == 200
    assert "Record a meeting" in text_of(form)
    response = post(client, "/meetings/new", meeting_form(series, organisation))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/meetings/kmrg-meeting-in-east-london")
    meeting = session.scalars(select(Meeting)).one()
    # 09:00 SAST on 4 March is 07:00 UTC.
    assert (meeting.starts_at.day, meeting.starts_at.hour) == (4, 7)
    assert (meeting.ends_at.day, meeting.ends_at.hour) == (5, 11)
    page = text_of(client.get(response.headers["Location"]))
    assert "is recorded" in page
    assert "4 March 2031, 09:00 to 5 March 2031, 13:00 SAST" in page


def test_a_meeting_ending_before_it_starts_is_refused_with_a_message(
    session, client_as, champion, series, organisation
):
    response = post(
        client_as(champion),
        "/meetings/new",
        meeting_form(series, organisation, ends_on="2031-03-03"),
    )
    assert response.status_code == 200
    assert "The meeting cannot end before it starts." in text_of(response)
    assert session.scalars(select(Meeting)).all() == []


def test_a_missing_start_time_is_refused_with_a_message(
    session, client_as, champion, series, organisation
):
    response = post(
        client_as(champion), "/meetings/new", meeting_form(series, organisation, starts_time="")
    )
    assert "Give the time it starts" in text_of(response)
    assert session.scalars(select(Meeting)).all() == []


def test_an_organiser_edits_a_meeting_and_a_stale_form_is_refused(
    session, client_as, champion, admin, meeting, organisation
):
    client = client_as(champion)
    page = text_of(client.get(f"/meetings/{meeting.slug}/edit"))
    assert 'value="Quarterly meeting in Buffalo City"' in page
    opened = version_on(page)
    # An administrator saves first.
    other = client_as(admin)
    response = post(
        other,
        f"/meetings/{meeting.slug}/edit",
        meeting_form(
            meeting.series,
            organisation,
            title="Moved",
            version=version_on(text_of(other.get(f"/meetings/{meeting.slug}/edit"))),
        ),
    )
    assert response.status_code == 302
    response = post(
        client,
        f"/meetings/{meeting.slug}/edit",
        meeting_form(meeting.series, organisation, title="Mine", version=opened),
    )
    assert response.status_code == 200
    assert "your changes were NOT saved" in text_of(response)
    assert reload(session, meeting.id).title == "Moved"
    # Saving again from the refused form replaces their version.
    response = post(
        client,
        f"/meetings/{meeting.slug}/edit",
        meeting_form(
            meeting.series, organisation, title="Mine", version=version_on(text_of(response))
        ),
    )
    assert response.status_code == 302
    assert reload(session, meeting.id).title == "Mine"


# Status buttons and publishing


def test_organisers_see_the_status_buttons_that_apply_and_others_none(
    client_as, make_meeting, champion, member
):
    meeting = make_meeting(day=date(2024, 2, 7))
    page = text_of(client_as(champion).get(f"/meetings/{meeting.slug}"))
    assert "Mark as held" in page
    assert "Cancel the meeting" in page
    assert "Edit the details" in page
    page = text_of(client_as(member).get(f"/meetings/{meeting.slug}"))
    assert "Mark as held" not in page
    assert "Edit the details" not in page


def test_a_future_meeting_offers_no_held_button(client_as, meeting, champion):
    page = text_of(client_as(champion).get(f"/meetings/{meeting.slug}"))
    assert "Mark as held" not in page
    assert "Cancel the meeting" in page


def test_an_organiser_moves_a_meeting_through_its_statuses(
    session, client_as, make_meeting, champion
):
    meeting = make_meeting(day=date(2024, 2, 7))
    client = client_as(champion)
    for status, label in [
        ("held", "Held"),
        ("minutes_draft", "Minutes in draft"),
        ("minutes_approved", "Minutes approved"),
    ]:
        version = version_on(text_of(client.get(f"/meetings/{meeting.slug}")))
        response = post(
            client, f"/meetings/{meeting.slug}/status", {"status": status, "version": version}
        )
        assert response.status_code == 302
        page = text_of(client.get(f"/meetings/{meeting.slug}"))
        assert f"<dd>{label}</dd>" in page


def test_a_double_clicked_status_button_changes_nothing_twice(
    session, client_as, make_meeting, champion
):
    meeting = make_meeting(day=date(2024, 2, 7))
    client = client_as(champion)
    version = version_on(text_of(client.get(f"/meetings/{meeting.slug}")))
    post(client, f"/meetings/{meeting.slug}/status", {"status": "held", "version": version})
    response = post(
        client,
        f"/meetings/{meeting.slug}/status",
        {"status": "held", "version": version},
        follow_redirects=True,
    )
    assert "changed by someone else meanwhile" in text_of(response)
    assert reload(session, meeting.id).status is MeetingStatus.HELD


def test_a_refused_transition_says_why(client_as, meeting, champion):
    client = client_as(champion)
    version = version_on(text_of(client.get(f"/meetings/{meeting.slug}")))
    response = post(
        client,
        f"/meetings/{meeting.slug}/status",
        {"status": "minutes_approved", "version": version},
        follow_redirects=True,
    )
    assert "A meeting that is planned cannot become minutes approved." in text_of(response)


def test_an_organiser_publishes_an_imported_draft(
    session, client_as, make_meeting, champion, member
):
    meeting = make_meeting(is_draft=True)
    client = client_as(champion)
    page = text_of(client.get(f"/meetings/{meeting.slug}"))
    assert "Publish the meeting" in page
    response = post(
        client,
        f"/meetings/{meeting.slug}/publish",
        {"version": version_on(page)},
        follow_redirects=True,
    )
    assert "is published: members of the Hub may now see it." in text_of(response)
    assert client_as(member).get(f"/meetings/{meeting.slug}").status_code == 200


# Series


def test_an_admin_starts_and_edits_a_series(session, client_as, admin, organisation):
    client = client_as(admin)
    response = post(
        client,
        "/meetings/series/new",
        {"title": "Metro KM forum", "description": "Twice a year.", "organisation_id": ""},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/meetings/series/metro-km-forum")
    page = text_of(client.get("/meetings/series/metro-km-forum/edit"))
    response = post(
        client,
        "/meetings/series/metro-km-forum/edit",
        {
            "title": "Metro KM forum",
            "description": "Twice a year, in *May* and November.",
            "organisation_id": str(organisation.id),
            "version": version_on(page),
        },
        follow_redirects=True,
    )
    page = text_of(response)
    assert "<em>May</em>" in page
    assert "Convened by Buffalo City Metropolitan Municipality" in page


# Who may change what: every state-changing URL


def state_changing_urls(meeting, series) -> list[tuple[str, dict]]:
    return [
        ("/meetings/new", {}),
        (f"/meetings/{meeting.slug}/edit", {}),
        (f"/meetings/{meeting.slug}/status", {"status": "cancelled", "version": "1"}),
        (f"/meetings/{meeting.slug}/publish", {"version": "1"}),
        ("/meetings/series/new", {"title": "A series"}),
        (f"/meetings/series/{series.slug}/edit", {"title": "A series", "version": "1"}),
    ]


def test_every_state_changing_url_asks_anonymous_visitors_to_sign_in(client, make_meeting, series):
    meeting = make_meeting(visibility=MeetingVisibility.PUBLIC)
    for url, data in state_changing_urls(meeting, series):
        response = post(client, url, data)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"], url


def test_every_state_changing_url_refuses_a_member(client_as, meeting, series, member):
    client = client_as(member)
    for url, data in state_changing_urls(meeting, series):
        assert post(client, url, data).status_code == 403, url
        assert client.get(url).status_code in (403, 405), url


def test_a_meeting_the_viewer_may_not_see_is_404_on_every_url(
    client_as, make_meeting, series, guest, admin
):
    hidden = make_meeting(visibility=MeetingVisibility.INVITED)
    missing = SimpleNamespace(slug="no-such-meeting")
    for viewer, meeting in [(guest, hidden), (admin, missing)]:
        client = client_as(viewer)
        for url, data in state_changing_urls(meeting, series)[1:4]:
            assert post(client, url, data).status_code == 404, url
    assert post(client_as(admin), "/meetings/series/nothing/edit", {}).status_code == 404


def test_a_post_without_its_csrf_token_is_refused(client_as, meeting, champion):
    client = client_as(champion)
    response = client.post(
        f"/meetings/{meeting.slug}/status", data={"status": "cancelled", "version": "1"}
    )
    assert response.status_code == 400
