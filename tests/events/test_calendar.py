"""Calendar files: a meeting's .ics and a series' feed, parsed back as a calendar app would."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import update

from kmrg.auth import services as auth_services
from kmrg.auth.models import AccountStatus, User
from kmrg.database import writing_after_reads
from kmrg.events import services
from kmrg.events.models import AgendaSession, MeetingStatus, MeetingVisibility
from kmrg.localtime import from_local
from tests.events.conftest import invite, meeting_data
from tests.factories import PASSWORD, post

TEN_AM = time(10, 0)
MARCH_12 = date(2031, 3, 12)


def calendar_of(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.get_data())


def events_of(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


@pytest.fixture
def public_meeting(make_meeting, session):
    meeting = make_meeting(
        title="KMRG meeting in Buffalo City",
        day=MARCH_12,
        days=2,
        starts=TEN_AM,
        ends=time(13, 0),
        visibility=MeetingVisibility.PUBLIC,
        venue="East London International Convention Centre",
        aims="Introduce new municipalities to the reference group\nAgree the business plan",
    )
    session.add(
        AgendaSession(
            meeting=meeting,
            position=1,
            title="Reflection and forming new partnerships",
            starts_at=from_local(MARCH_12, time(10, 30)),
        )
    )
    session.commit()
    return meeting


def test_a_meeting_file_holds_one_event_in_south_african_time(client, public_meeting):
    response = client.get(f"/meetings/{public_meeting.slug}.ics")
    calendar = calendar_of(response)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{public_meeting.slug}.ics"'
    )
    assert str(calendar["VERSION"]) == "2.0"
    [event] = events_of(calendar)
    assert str(event["UID"]) == f"meeting-{public_meeting.id}@hub.test"
    start, end = event["DTSTART"], event["DTEND"]
    assert start.params["TZID"] == end.params["TZID"] == "Africa/Johannesburg"
    assert start.dt.hour == 10
    assert start.dt.astimezone(UTC) == datetime(2031, 3, 12, 8, 0, tzinfo=UTC)
    assert end.dt.astimezone(UTC) == datetime(2031, 3, 13, 11, 0, tzinfo=UTC)
    # The zone is described in the file, for calendars that do not know the name.
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Africa/Johannesburg"
    assert str(event["SUMMARY"]) == "KMRG meeting in Buffalo City"
    assert str(event["LOCATION"]) == "East London International Convention Centre"
    assert str(event["URL"]) == f"http://hub.test/meetings/{public_meeting.slug}"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event["DTSTAMP"].dt.tzinfo is not None
    description = str(event["DESCRIPTION"])
    assert "Hosted by Buffalo City Metropolitan Municipality." in description
    assert "- Introduce new municipalities to the reference group" in description
    assert "- Agree the business plan" in description
    assert "Wed 12 Mar 10:30 Reflection and forming new partnerships" in description
    assert "<" not in description  # plain text, not HTML


def test_lines_end_in_crlf_and_long_ones_are_folded(client, make_meeting):
    aim = "Consolidate the outcomes of the October meeting in eThekwini – Ekurhuleni – Tshwane " * 3
    meeting = make_meeting(visibility=MeetingVisibility.PUBLIC, aims=aim)
    body = client.get(f"/meetings/{meeting.slug}.ics").get_data()
    lines = body.split(b"\r\n")
    assert lines[-1] == b""  # the last line ends in CRLF too
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # folded
    [event] = events_of(Calendar.from_ical(body))
    assert aim.strip() in str(event["DESCRIPTION"])


def test_an_edit_raises_the_sequence_and_a_cancellation_says_so(
    client, session, champion, public_meeting
):
    uid = str(events_of(calendar_of(client.get(f"/meetings/{public_meeting.slug}.ics")))[0]["UID"])
    data = meeting_data(
        title="KMRG meeting in Buffalo City (moved)",
        day=MARCH_12 + timedelta(days=7),
        starts=TEN_AM,
        host=public_meeting.host_organisation,
        visibility=MeetingVisibility.PUBLIC,
    )
    services.update_meeting(
        session, champion, public_meeting, data, expected_version=public_meeting.version
    )
    session.commit()
    services.change_meeting_status(
        session,
        champion,
        public_meeting,
        MeetingStatus.CANCELLED,
        expected_version=public_meeting.version,
    )
    session.commit()
    [event] = events_of(calendar_of(client.get(f"/meetings/{public_meeting.slug}.ics")))
    assert str(event["UID"]) == uid
    assert event["SEQUENCE"] == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["DTSTART"].dt.astimezone(UTC) == datetime(2031, 3, 19, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("visibility", "is_draft", "viewer", "status"),
    [
        (MeetingVisibility.PUBLIC, False, None, 200),
        (MeetingVisibility.MEMBERS, False, None, 404),
        (MeetingVisibility.MEMBERS, False, "member", 200),
        (MeetingVisibility.INVITED, False, "member", 404),
        (MeetingVisibility.INVITED, False, "guest", 200),
        (MeetingVisibility.INVITED, False, "champion", 200),
        (MeetingVisibility.PUBLIC, True, None, 404),
        (MeetingVisibility.PUBLIC, True, "member", 404),
        (MeetingVisibility.PUBLIC, True, "champion", 200),
    ],
)
def test_a_meeting_file_is_seen_by_whoever_sees_the_meeting(
    request, session, make_meeting, client_as, visibility, is_draft, viewer, status
):
    meeting = make_meeting(visibility=visibility, is_draft=is_draft)
    invite(session, meeting, request.getfixturevalue("guest"))
    user = request.getfixturevalue(viewer) if viewer else None
    response = client_as(user).get(f"/meetings/{meeting.slug}.ics")
    assert response.status_code == status
    if status == 200 and is_draft:
        [event] = events_of(calendar_of(response))
        assert str(event["STATUS"]) == "TENTATIVE"


def test_an_unknown_meeting_or_series_is_not_found(client):
    assert client.get("/meetings/no-such-meeting.ics").status_code == 404
    assert client.get("/meetings/series/no-such-series.ics").status_code == 404


@pytest.fixture
def meetings_of_every_kind(make_meeting):
    """One meeting per visibility, a draft and a cancelled public one, in a series."""
    return {
        "public": make_meeting(
            title="Public meeting in Cape Town", visibility=MeetingVisibility.PUBLIC
        ),
        "members": make_meeting(
            title="Members meeting in Tshwane", visibility=MeetingVisibility.MEMBERS
        ),
        "invited": make_meeting(
            title="Invited meeting in Durban", visibility=MeetingVisibility.INVITED
        ),
        "draft": make_meeting(
            title="Imported draft meeting", visibility=MeetingVisibility.PUBLIC, is_draft=True
        ),
        "cancelled": make_meeting(
            title="Cancelled meeting in Polokwane",
            visibility=MeetingVisibility.PUBLIC,
            status=MeetingStatus.CANCELLED,
        ),
    }


@pytest.mark.parametrize("viewer", [None, "member", "admin"])
def test_the_series_feed_holds_only_public_meetings_whoever_fetches_it(
    request, client_as, series, meetings_of_every_kind, viewer
):
    user = request.getfixturevalue(viewer) if viewer else None
    response = client_as(user).get(f"/meetings/series/{series.slug}.ics")
    calendar = calendar_of(response)
    assert response.headers["Content-Disposition"] == f'attachment; filename="{series.slug}.ics"'
    assert str(calendar["X-WR-CALNAME"]) == "KMRG quarterly meetings"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=6)
    statuses = {str(e["SUMMARY"]): str(e["STATUS"]) for e in events_of(calendar)}
    assert statuses == {
        "Public meeting in Cape Town": "CONFIRMED",
        "Cancelled meeting in Polokwane": "CANCELLED",
    }
    body = response.get_data(as_text=True)
    for hidden in ("Tshwane", "Durban", "Imported draft"):
        assert hidden not in body


def test_the_public_feed_may_be_cached_and_revalidated(client, series, meetings_of_every_kind):
    response = client.get(f"/meetings/series/{series.slug}.ics")
    assert response.cache_control.public
    assert response.cache_control.max_age == 900
    etag = response.headers["ETag"]
    again = client.get(f"/meetings/series/{series.slug}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_a_members_only_meeting_file_is_never_kept_by_a_shared_cache(
    client_as, member, make_meeting
):
    meeting = make_meeting(visibility=MeetingVisibility.MEMBERS)
    response = client_as(member).get(f"/meetings/{meeting.slug}.ics")
    assert response.status_code == 200
    assert not response.cache_control.public
    assert "no-store" in response.headers["Cache-Control"]


def test_the_meeting_and_series_pages_link_to_their_calendars(client, series, public_meeting):
    page = client.get(f"/meetings/{public_meeting.slug}").get_data(as_text=True)
    assert f'href="/meetings/{public_meeting.slug}.ics" download>Add this meeting' in page
    page = client.get(f"/meetings/series/{series.slug}").get_data(as_text=True)
    assert f'href="webcal://hub.test/meetings/series/{series.slug}.ics">Subscribe' in page
    assert f'href="/meetings/series/{series.slug}.ics" download>' in page
    # The page says what the feed leaves out, and why.
    assert "holds only this series' public" in page


def personal_feed_of(client_as, user, series) -> str:
    """Return the address of `user`'s own feed, as the series page shows it to them."""
    page = client_as(user).get(f"/meetings/series/{series.slug}").get_data(as_text=True)
    found = re.search(r'<code class="feed-address">(http://hub\.test/[^<]+)</code>', page)
    assert found, "the series page shows no personal feed"
    assert "Keep this address to yourself" in page
    return html.unescape(found.group(1)).removeprefix("http://hub.test")


def test_a_personal_feed_holds_what_its_person_may_see_without_a_cookie(
    session, client, client_as, series, meetings_of_every_kind, member, guest
):
    invite(session, meetings_of_every_kind["invited"], guest)
    public = {"Public meeting in Cape Town", "Cancelled meeting in Polokwane"}
    for person, expected in [
        (member, public | {"Members meeting in Tshwane"}),
        (guest, public | {"Members meeting in Tshwane", "Invited meeting in Durban"}),
    ]:
        address = personal_feed_of(client_as, person, series)
        response = client.get(address)  # an anonymous client: no cookie, as a calendar app
        summaries = {str(e["SUMMARY"]) for e in events_of(calendar_of(response))}
        assert summaries == expected
        assert "Imported draft" not in response.get_data(as_text=True)
        assert response.cache_control.private
        assert response.cache_control.no_store


def test_a_personal_feed_stops_when_its_person_changes_password_or_is_disabled(
    session, client, client_as, series, member, admin
):
    address = personal_feed_of(client_as, member, series)
    assert client.get(address).status_code == 200
    post(client_as(member), "/logout")  # signing out does not stop the calendar
    session.expire_all()
    assert client.get(address).status_code == 200
    assert client.get(address[:-2] + "xx").status_code == 404  # a token not signed by the Hub
    auth_services.change_password(session, member, PASSWORD, "A new long passphrase 2031")
    session.commit()
    assert client.get(address).status_code == 404
    address = personal_feed_of(client_as, admin, series)
    # This session's reads began before that sign-in wrote: write in a transaction of its own.
    with writing_after_reads(session):
        session.execute(
            update(User).where(User.id == admin.id).values(status=AccountStatus.DISABLED)
        )
        session.commit()
    assert client.get(address).status_code == 404
