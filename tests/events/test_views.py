"""The meeting pages through the real app: what each viewer sees, and what stays hidden."""

from __future__ import annotations

from datetime import date, time

import pytest

from kmrg.events.models import MeetingStatus, MeetingVisibility
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.events.conftest import invite


def text_of(response) -> str:
    return response.get_data(as_text=True)


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


def test_the_header_marks_meetings_as_the_current_section_on_every_meetings_page(
    client, make_meeting
):
    meeting = make_meeting(visibility=MeetingVisibility.PUBLIC)
    assert '<a href="/meetings/" aria-current="page">Meetings</a>' in text_of(
        client.get("/meetings/")
    )
    assert '<a href="/meetings/" aria-current="true">Meetings</a>' in text_of(
        client.get(f"/meetings/{meeting.slug}")
    )
    assert "aria-current" not in text_of(client.get("/")).split("account-nav")[0]


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
