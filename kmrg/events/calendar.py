"""Meetings as iCalendar (RFC 5545): one file per meeting, and a subscribable feed per series.

Times are written in Africa/Johannesburg with its VTIMEZONE, so a calendar in any zone shows
the instant the meeting starts and people in South Africa see the clock time the Hub shows.

A meeting is one VEVENT, its agenda listed in the description rather than as an event per
session: people block the meeting's days and answer one invitation, and a subscriber's calendar
would otherwise fill with a dozen entries a day that change whenever the programme is shuffled.

Output is stable for unchanged meetings (DTSTAMP is when the meeting was last saved), so feeds
can be cached and revalidated with an ETag.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import false
from sqlalchemy.orm import Session, selectinload

from kmrg.events.models import AgendaSession, Meeting, MeetingSeries, MeetingStatus
from kmrg.events.queries import visible_meetings
from kmrg.localtime import LOCAL_ZONE_NAME, to_local
from kmrg.urls import external_url

PRODUCT_ID = "-//KMRG Knowledge Hub//Meetings//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"
# How often a subscribed calendar should fetch the feed again.
REFRESH_INTERVAL = timedelta(hours=6)


def meeting_uid(meeting: Meeting) -> str:
    """Return the meeting's UID: the same in every file and feed, for as long as it exists."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "kmrg.invalid"
    return f"meeting-{meeting.id}@{host}"


def meeting_event(meeting: Meeting) -> Event:
    """Return the VEVENT of a meeting, its times in South African time."""
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", _utc(meeting.updated_at or meeting.created_at))
    event.add("last-modified", _utc(meeting.updated_at or meeting.created_at))
    event.add("created", _utc(meeting.created_at))
    # SEQUENCE counts revisions from 0; the version column counts saves from 1.
    event.add("sequence", max(meeting.version - 1, 0))
    event.add("dtstart", to_local(meeting.starts_at))
    event.add("dtend", to_local(meeting.ends_at))
    event.add("summary", meeting.title)
    location = _location(meeting)
    if location:
        event.add("location", location)
    event.add("url", external_url("events.show_meeting", slug=meeting.slug))
    event.add("description", meeting_description(meeting))
    event.add("status", _status(meeting))
    return event


def meeting_description(meeting: Meeting) -> str:
    """Return the plain-text description of a meeting: its aims, programme and links."""
    parts = []
    if meeting.host_organisation is not None:
        parts.append(f"Hosted by {meeting.host_organisation.name}.")
    aims = meeting.aim_list
    if aims:
        parts.append("Aims:\n" + "\n".join(f"- {aim}" for aim in aims))
    programme = [_session_line(session) for session in meeting.sessions]
    if programme:
        parts.append("Programme:\n" + "\n".join(programme))
    if meeting.online_url:
        parts.append(f"Join online: {meeting.online_url}")
    parts.append(
        f"Times are South African time ({LOCAL_ZONE_NAME}). The meeting's page: "
        + external_url("events.show_meeting", slug=meeting.slug)
    )
    return "\n\n".join(parts)


def write_meeting_calendar(meeting: Meeting) -> bytes:
    """Return an iCalendar file holding one meeting."""
    calendar = _calendar()
    calendar.add_component(meeting_event(meeting))
    return _finished(calendar)


def write_series_feed(
    series: MeetingSeries, meetings: Iterable[Meeting], *, personal: bool = False
) -> bytes:
    """Return the subscribable feed of a series holding `meetings` (the caller chose which)."""
    calendar = _calendar()
    calendar.add("x-wr-calname", series.title)
    held = "the meetings you may see" if personal else "its public meetings"
    calendar.add("x-wr-caldesc", f"{series.title}: {held}, from the KMRG Knowledge Hub")
    calendar.add("x-wr-timezone", LOCAL_ZONE_NAME)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    calendar.add("url", external_url("events.show_series", slug=series.slug))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    return _finished(calendar)


def list_feed_meetings(
    session: Session, series: MeetingSeries, person: Any = None
) -> list[Meeting]:
    """Return the meetings a series' feed holds, in date order: those anyone may see, or
    those `person` may see in their own feed (see kmrg.events.feed_tokens).

    Calendar apps fetch feeds without the subscriber's cookies, so the public feed is the same
    for everyone: members-only and invited-only meetings are never in it. Unconfirmed drafts
    are in no feed, not even their organisers'.
    """
    statement = (
        visible_meetings(person)
        .options(selectinload(Meeting.host_organisation), selectinload(Meeting.sessions))
        .where(Meeting.series_id == series.id, Meeting.is_draft == false())
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return list(session.scalars(statement))


def calendar_file_name(slug: str) -> str:
    """Return the name a downloaded calendar file is saved under."""
    return f"{slug}.ics"


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def _finished(calendar: Calendar) -> bytes:
    # The zone's rules as the tz database has them, for calendars that do not know the TZID.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _status(meeting: Meeting) -> str:
    if meeting.status is MeetingStatus.CANCELLED:
        return "CANCELLED"
    # An imported record its organisers have not confirmed yet (only they can download it).
    return "TENTATIVE" if meeting.is_draft else "CONFIRMED"


def _location(meeting: Meeting) -> str:
    if meeting.venue:
        return meeting.venue
    return meeting.online_url


def _session_line(session: AgendaSession) -> str:
    if session.starts_at is None:
        return f"- {session.title}"
    return f"- {to_local(session.starts_at):%a %d %b %H:%M} {session.title}"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
