"""The meeting pages through the real app: what each viewer sees, and what stays hidden."""

from __future__ import annotations

import re
from datetime import date, time
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from kmrg.events.models import Meeting, MeetingStatus, MeetingVisibility
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.events.conftest import invite
from tests.factories import post


def text_of(response) -> str:
    return response.get_data(as_text=True)


def reload(session, meeting_id: int) -> Meeting:
    """Return the meeting as committed now (the test's session ends its own snapshot first)."""
    session.rollback()
    session.expire_all()
    return session.get(Meeting, meeting_id)


# The meeting page


def test_the_meeting_page_shows_the_details_in_south_african_time(client_as, make_meeting, member):
    meeting = make_meeting(
        title="KMRG meeting in East London",
        day=date(2031, 3, 4),
        days=2,
        starts=time(9, 0),
        ends=time(13, 0),
        aims="Share the revenue turnaround\nAgree the business plan",
        notes="Tea is at **10:30**.",
        online_url="https://meet.example.org/kmrg",
    )
    response = client_as(member).get(f"/meetings/{meeting.slug}")
    assert response.status_code == 200
    page = text_of(response)
    assert "<h1>KMRG meeting in East London</h1>" in page
    assert "4 March 2031, 09:00 to 5 March 2031, 13:00 SAST" in page
    assert "KMRG quarterly meetings" in page
    assert "Buffalo City Metropolitan Municipality" in page
    assert "East London City Hall, Oxford Street" in page
    assert 'href="https://meet.example.org/kmrg"' in page
    assert "<li>Share the revenue turnaround</li>" in page
    assert "<li>Agree the business plan</li>" in page
    assert "Tea is at <strong>10:30</strong>." in page
    assert "Members of the Hub" in page
    assert "Planned" in page


def test_a_missing_meeting_is_404(client):
    assert client.get("/meetings/no-such-meeting").status_code == 404


@pytest.mark.parametrize(
    ("visibility", "anonymous", "as_member"),
    [
        (MeetingVisibility.PUBLIC, 200, 200),
        (MeetingVisibility.MEMBERS, 404, 200),
        (MeetingVisibility.INVITED, 404, 404),
    ],
)
def test_who_may_open_a_meeting_follows_its_visibility(
    client_as, make_meeting, member, visibility, anonymous, as_member
):
    meeting = make_meeting(visibility=visibility)
    assert client_as(None).get(f"/meetings/{meeting.slug}").status_code == anonymous
    assert client_as(member).get(f"/meetings/{meeting.slug}").status_code == as_member


def test_an_invited_only_meeting_is_404_to_outsiders_and_open_to_invitees(
    session, client_as, make_meeting, guest, outsider_champion
):
    meeting = make_meeting(title="Closed session on tariffs", visibility=MeetingVisibility.INVITED)
    assert client_as(guest).get(f"/meetings/{meeting.slug}").status_code == 404
    assert client_as(outsider_champion).get(f"/meetings/{meeting.slug}").status_code == 404
    assert "Closed session on tariffs" not in text_of(client_as(guest).get("/meetings/"))
    invite(session, meeting, guest)
    assert client_as(guest).get(f"/meetings/{meeting.slug}").status_code == 200
    assert "Closed session on tariffs" in text_of(client_as(guest).get("/meetings/"))


def test_an_unconfirmed_imported_draft_is_seen_by_its_organisers_only(
    client_as, make_meeting, champion, member, admin
):
    meeting = make_meeting(is_draft=True, visibility=MeetingVisibility.PUBLIC)
    assert client_as(member).get(f"/meetings/{meeting.slug}").status_code == 404
    assert client_as(None).get(f"/meetings/{meeting.slug}").status_code == 404
    page = text_of(client_as(champion).get(f"/meetings/{meeting.slug}"))
    assert "Draft from an imported record" in page
    assert client_as(admin).get(f"/meetings/{meeting.slug}").status_code == 200


# The list of meetings


def test_the_list_shows_the_hosting_schedule_soonest_first_then_past_meetings(
    session, client_as, make_meeting, member, other_organisation
):
    cape_town = factories.make_organisation(
        session,
        code="CPT",
        name="City of Cape Town Metropolitan Municipality",
        kind=OrganisationKind.METROPOLITAN,
        province=Province.WC,
    )
    make_meeting(title="Meeting in Cape Town", day=date(2031, 6, 10), host=cape_town)
    make_meeting(title="Meeting in Msunduzi", day=date(2031, 3, 10), host=other_organisation)
    make_meeting(
        title="Meeting held in East London",
        day=date(2024, 2, 7),
        status=MeetingStatus.HELD,
    )
    page = text_of(client_as(member).get("/meetings/"))
    upcoming, past = page.split("Past meetings", 1)
    assert upcoming.index("Meeting in Msunduzi") < upcoming.index("Meeting in Cape Town")
    assert "Msunduzi Local Municipality" in upcoming
    assert "City of Cape Town Metropolitan Municipality" in upcoming
    assert "10 March 2031, 09:00–16:00 SAST" in upcoming
    assert "Meeting held in East London" in past
    assert "Meeting held in East London" not in upcoming
    assert "7 February 2024" in past


def test_anonymous_visitors_see_public_meetings_only(client, make_meeting):
    make_meeting(title="Open meeting", visibility=MeetingVisibility.PUBLIC)
    make_meeting(title="Members meeting", visibility=MeetingVisibility.MEMBERS)
    page = text_of(client.get("/meetings/"))
    assert "Open meeting" in page
    assert "Members meeting" not in page


def test_past_meetings_are_paged(client_as, make_meeting, member):
    for number in range(1, 23):
        make_meeting(
            title=f"Past meeting number {number:02d}",
            day=date(2020, 1, number),
            status=MeetingStatus.HELD,
        )
    first = text_of(client_as(member).get("/meetings/"))
    assert "Past meeting number 22" in first
    assert "Past meeting number 02" not in first
    assert "Page 1 of 2" in first
    second = text_of(client_as(member).get("/meetings/?page=2"))
    assert "Past meeting number 02" in second
    assert "Past meeting number 22" not in second


def test_the_header_links_to_meetings(client):
    assert 'href="/meetings/"' in text_of(client.get("/"))


# The series page


def test_the_series_page_shows_its_description_schedule_and_past_meetings(
    client_as, series, make_meeting, member
):
    make_meeting(title="Next meeting", day=date(2031, 3, 10))
    make_meeting(title="Last meeting", day=date(2024, 2, 7), status=MeetingStatus.HELD)
    page = text_of(client_as(member).get(f"/meetings/series/{series.slug}"))
    assert "<h1>KMRG quarterly meetings</h1>" in page
    assert "<strong>different</strong>" in page
    schedule, past = page.split("Past meetings", 1)
    assert "Next meeting" in schedule
    assert "Buffalo City Metropolitan Municipality" in schedule
    assert "Last meeting" in past


def test_a_missing_series_is_404(client):
    assert client.get("/meetings/series/nothing").status_code == 404


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
