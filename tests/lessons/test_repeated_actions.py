"""A lesson's Publish or Promote clicked twice, or after someone else acted, says so and
changes nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from kmrg.audit.models import AuditEvent
from kmrg.lessons import services
from kmrg.lessons.models import Lesson, LessonStage, LessonStatus
from tests.factories import post, sign_in
from tests.lessons.conftest import make_lesson


@pytest.fixture
def lesson(session, organisation, member) -> Lesson:
    return make_lesson(session, organisation, title="Read the meters first", author=member)


def buttons_on(client, lesson: Lesson) -> dict[str, dict[str, str]]:
    """Return the fields of the page's Publish and Promote forms, by action, as a tab holds them."""
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    forms = {}
    for action, body in re.findall(
        rf'action="/lessons/{lesson.id}/(\w+)".*?>(.*?)</form>', page, re.S
    ):
        inputs = (
            (re.search(r'name="(\w+)"', tag), re.search(r'value="([^"]*)"', tag))
            for tag in re.findall(r"<input[^>]*>", body)
        )
        forms[action] = {
            name[1]: value[1] for name, value in inputs if name[1] != "csrf_token" and value
        }
    return forms


def state_of(session, lesson_id: int) -> tuple:
    """Return what a repeated click must leave alone: the lesson and its audit trail."""
    session.rollback()
    session.expire_all()
    lesson = session.get(Lesson, lesson_id)
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    return (lesson.status, lesson.stage, lesson.version, lesson.published_at, events)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("publish", "This lesson was already published."),
        ("promote", "This lesson was already promoted to lesson."),
    ],
)
def test_a_second_click_from_another_tab_gets_a_message_and_the_page(
    client, session, champion, lesson, action, message
):
    sign_in(client, champion)
    first_tab, second_tab = buttons_on(client, lesson), buttons_on(client, lesson)
    assert "version" in first_tab[action]

    assert post(client, f"/lessons/{lesson.id}/{action}", first_tab[action]).status_code == 302
    after_first = state_of(session, lesson.id)

    second = post(
        client, f"/lessons/{lesson.id}/{action}", second_tab[action], follow_redirects=True
    )
    assert second.status_code == 200
    assert second.request.path == f"/lessons/{lesson.id}"
    assert message in second.get_data(as_text=True)
    assert state_of(session, lesson.id) == after_first


@pytest.mark.parametrize("action", ["publish", "promote"])
def test_a_click_on_a_page_the_author_has_since_edited_does_nothing(
    client, session, champion, member, lesson, action
):
    sign_in(client, champion)
    stale_tab = buttons_on(client, lesson)
    # Meanwhile the author rewrites the lesson: the champion has not read what they would publish.
    services.update_lesson(
        session,
        member,
        lesson,
        expected_version=lesson.version,
        title="Read the meters first, then bill",
        driving_event="Bills went out wrong.",
        lesson_text="Check the readings, then the tariffs.",
        recommendation="",
        evidence="",
        applies_to="",
        themes=[],
    )
    session.commit()
    before = state_of(session, lesson.id)

    response = post(
        client, f"/lessons/{lesson.id}/{action}", stale_tab[action], follow_redirects=True
    )
    assert response.status_code == 200
    assert "changed by someone else meanwhile, so nothing was done" in response.get_data(
        as_text=True
    )
    assert state_of(session, lesson.id) == before
    assert before[:2] == (LessonStatus.DRAFT, LessonStage.OBSERVATION)
