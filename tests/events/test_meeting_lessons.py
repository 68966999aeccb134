"""Meetings as a source of lessons: added by organisers and participants once the meeting is
held, listed on the meeting page, and exactly as visible as the meeting."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kmrg.events.models import MeetingStatus, MeetingVisibility
from kmrg.lessons import services as lessons
from kmrg.lessons.models import Lesson
from kmrg.lessons.sources import get_source_kind
from tests.events.conftest import invite
from tests.factories import post

LESSON = "Send the business plan out before the meeting"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def write_lesson(session, author, meeting) -> Lesson:
    lesson = lessons.create_lesson(
        session,
        author,
        title=LESSON,
        driving_event="Members saw the plan for the first time on the day.",
        lesson="A plan read beforehand gets decided on the day.",
        source=("meeting", meeting.id),
    )
    session.commit()
    return lesson


def test_a_participant_adds_a_lesson_from_the_meeting_page(session, client_as, make_meeting, guest):
    meeting = make_meeting(title="KMRG meeting in Cape Town", status=MeetingStatus.HELD)
    invite(session, meeting, guest, attended=True)
    client = client_as(guest)
    page = text_of(client.get(f"/meetings/{meeting.slug}"))
    link = f"/lessons/new?source=meeting:{meeting.id}"
    assert f'href="{link}"' in page and "Add a lesson" in page

    response = post(
        client,
        link,
        {"title": LESSON, "driving_event": "Seen on the day.", "lesson": "Read it first."},
    )
    assert response.status_code == 302
    lesson_page = text_of(client.get(response.headers["Location"]))
    assert f'Source: meeting <a href="/meetings/{meeting.slug}">KMRG meeting in Cape Town</a>' in (
        lesson_page
    )
    page = text_of(client.get(f"/meetings/{meeting.slug}"))
    assert re.search(rf'<a href="/lessons/\d+">{LESSON}</a>', page)


@pytest.mark.parametrize(
    ("status", "role", "may_add"),
    [
        (MeetingStatus.PLANNED, "organiser", False),
        (MeetingStatus.PLANNED, "participant", False),
        (MeetingStatus.HELD, "organiser", True),
        (MeetingStatus.HELD, "participant", True),
        (MeetingStatus.HELD, "member", False),
        (MeetingStatus.MINUTES_APPROVED, "participant", True),
        (MeetingStatus.CANCELLED, "organiser", False),
    ],
)
def test_who_may_add_a_lesson_to_a_meeting(
    session, client_as, make_meeting, champion, guest, member, status, role, may_add
):
    meeting = make_meeting(status=status)
    invite(session, meeting, guest)
    viewer = {"organiser": champion, "participant": guest, "member": member}[role]
    client = client_as(viewer)
    assert ("Add a lesson" in text_of(client.get(f"/meetings/{meeting.slug}"))) is may_add
    form = client.get(f"/lessons/new?source=meeting:{meeting.id}")
    assert form.status_code == (200 if may_add else 403)


@pytest.mark.parametrize(
    ("visibility", "to_anonymous", "to_member", "to_participant"),
    [
        (MeetingVisibility.PUBLIC, 200, 200, 200),
        (MeetingVisibility.MEMBERS, 404, 200, 200),
        (MeetingVisibility.INVITED, 404, 404, 200),
    ],
)
def test_a_meeting_s_lesson_is_as_visible_as_the_meeting(
    session,
    client_as,
    make_meeting,
    champion,
    guest,
    member,
    visibility,
    to_anonymous,
    to_member,
    to_participant,
):
    meeting = make_meeting(status=MeetingStatus.HELD, visibility=visibility)
    invite(session, meeting, guest)
    lesson = write_lesson(session, champion, meeting)
    url = f"/lessons/{lesson.id}"
    assert client_as(None).get(url).status_code == to_anonymous
    assert client_as(member).get(url).status_code == to_member
    assert client_as(guest).get(url).status_code == to_participant
    listed = LESSON in text_of(client_as(None).get("/lessons/"))
    assert listed is (to_anonymous == 200)


def test_a_meeting_s_lessons_are_found_under_the_years_it_spans(make_meeting):
    meeting = make_meeting(day=date(2030, 12, 31), days=2)
    assert get_source_kind("meeting").years(meeting) == [2030, 2031]
