"""The lesson pages, through the real app."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import render_template_string
from sqlalchemy import event, select

from kmrg.auth.models import ProfileVisibility
from kmrg.casestudies.models import CaseStudyStatus
from kmrg.extensions import db
from kmrg.lessons.models import Lesson, LessonStage, LessonStatus
from kmrg.lessons.queries import source_lessons_context
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.factories import post, sign_in
from tests.lessons.conftest import make_case_study, make_lesson

FORM = {
    "title": "Pay the debt collectors on results",
    "driving_event": "Collections stalled for a year.",
    "lesson": "Contracts paid per rand collected worked.",
    "recommendation": "",
    "evidence": "",
    "applies_to": "",
}


def reload(session, lesson: Lesson) -> Lesson:
    # End the test's own read transaction, then forget what it loaded.
    session.rollback()
    session.expire_all()
    return session.get(Lesson, lesson.id)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def published_lesson(session, organisation, member):
    theme = factories.make_theme(session, "Revenue collection")
    return make_lesson(
        session,
        organisation,
        title="Pay collectors on results",
        author=member,
        status=LessonStatus.PUBLISHED,
        themes=[theme],
    )


@pytest.fixture
def draft_lesson(session, organisation, member):
    return make_lesson(session, organisation, title="A private observation", author=member)


# The list and its filters.


def test_the_public_list_shows_published_lessons_only(client, published_lesson, draft_lesson):
    page = text(client.get("/lessons/"))
    assert "Pay collectors on results" in page
    assert "A private observation" not in page
    assert "Observation" in page


def test_an_author_sees_their_own_draft_in_the_list(client, member, published_lesson, draft_lesson):
    sign_in(client, member)
    page = text(client.get("/lessons/"))
    assert "A private observation" in page


def test_the_list_filters(session, client, published_lesson, other_organisation):
    water = factories.make_theme(session, "Water and sanitation")
    elsewhere = make_lesson(
        session,
        other_organisation,
        title="Fix leaks before building dams",
        status=LessonStatus.PUBLISHED,
        stage=LessonStage.VALIDATED,
        themes=[water],
    )
    elsewhere.created_at = datetime(2024, 5, 1, tzinfo=UTC)
    session.commit()
    cases = {
        "?theme=water-and-sanitation": "Fix leaks",
        "?theme=revenue-collection": "Pay collectors",
        "?province=KZN": "Fix leaks",
        "?province=EC": "Pay collectors",
        "?category=local": "Fix leaks",
        "?category=metropolitan": "Pay collectors",
        "?organisation=buf": "Pay collectors",
        "?year=2024": "Fix leaks",
        "?stage=validated": "Fix leaks",
        "?stage=observation": "Pay collectors",
    }
    for query, expected in cases.items():
        page = text(client.get("/lessons/" + query))
        other = "Pay collectors" if expected == "Fix leaks" else "Fix leaks"
        assert expected in page, query
        assert other not in page, query
    assert "Validated good practice" in text(client.get("/lessons/?stage=validated"))


def test_the_list_is_paginated(session, client, organisation):
    for number in range(23):
        make_lesson(
            session,
            organisation,
            title=f"Lesson number {number:02d}",
            status=LessonStatus.PUBLISHED,
        )
    first = text(client.get("/lessons/"))
    assert "Page 1 of 2" in first
    assert len(re.findall(r"Lesson number \d\d", text(client.get("/lessons/?page=2")))) == 3


def test_the_list_reads_its_lessons_case_studies_in_one_query(session, client, organisation):
    for number in range(6):
        source = make_case_study(session, organisation, status=CaseStudyStatus.PUBLISHED)
        make_lesson(session, organisation, title=f"Lesson from case {number}", source=source)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = text(client.get("/lessons/"))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)

    assert all(f"Lesson from case {number}" in page for number in range(6))
    case_study_reads = [s for s in statements if s.lstrip().startswith("SELECT case_studies.")]
    assert len(case_study_reads) == 1, case_study_reads


# The detail page and its visibility.


def test_the_detail_page_shows_the_lesson(client, published_lesson):
    response = client.get(f"/lessons/{published_lesson.id}")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Pay collectors on results</h1>" in page
    assert "Check the <strong>readings</strong> first." in page
    assert "Buffalo City Metropolitan Municipality" in page
    assert 'class="badge badge-stage-observation">Observation<' in page


def test_a_draft_is_hidden_from_others_and_shown_to_its_author(
    client, draft_lesson, member, outsider_champion
):
    assert client.get(f"/lessons/{draft_lesson.id}").status_code == 404
    sign_in(client, outsider_champion)
    assert client.get(f"/lessons/{draft_lesson.id}").status_code == 404
    post(client, "/logout")
    sign_in(client, member)
    assert client.get(f"/lessons/{draft_lesson.id}").status_code == 200


def test_a_lesson_follows_the_visibility_of_its_case_study(
    session, client, organisation, draft_case_study
):
    lesson = make_lesson(session, organisation, source=draft_case_study, title="From the draft")
    assert client.get(f"/lessons/{lesson.id}").status_code == 404
    draft_case_study.status = CaseStudyStatus.PUBLISHED
    session.commit()
    page = text(client.get(f"/lessons/{lesson.id}"))
    assert "From the draft" in page
    assert f'href="/case-studies/{draft_case_study.slug}">Revenue enhancement' in page


def test_an_unknown_lesson_is_not_found(client):
    assert client.get("/lessons/999").status_code == 404


# Writing and editing.


def test_a_member_writes_a_lesson_from_a_case_study(session, client, member, draft_case_study):
    sign_in(client, member)
    form_page = text(client.get(f"/lessons/new?source=case_study:{draft_case_study.id}"))
    assert "Revenue enhancement in Buffalo City" in form_page
    assert 'name="organisation"' not in form_page
    response = post(client, "/lessons/new", {**FORM, "source": f"case_study:{draft_case_study.id}"})
    assert response.status_code == 302
    lesson = session.scalars(select(Lesson)).one()
    assert response.location.endswith(f"/lessons/{lesson.id}")
    assert (lesson.source_type, lesson.source_id) == ("case_study", draft_case_study.id)


def test_a_form_with_errors_is_shown_again(client, member):
    sign_in(client, member)
    response = post(client, "/lessons/new", {**FORM, "lesson": ""})
    assert response.status_code == 200
    assert "This field is required." in text(response)


def test_an_unknown_source_is_not_found_and_anothers_case_study_is_forbidden(
    client, outsider_champion, published_case_study
):
    sign_in(client, outsider_champion)
    assert client.get("/lessons/new?source=case_study:999").status_code == 404
    assert client.get("/lessons/new?source=meeting:1").status_code == 404
    source = f"case_study:{published_case_study.id}"
    assert client.get(f"/lessons/new?source={source}").status_code == 403


def test_a_stale_edit_is_refused_and_the_text_kept(session, client, member, draft_lesson):
    sign_in(client, member)
    response = post(
        client,
        f"/lessons/{draft_lesson.id}/edit",
        {**FORM, "title": "My new title", "version": "0"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "Someone changed this lesson since you opened the page" in page
    assert "My new title" in page
    assert reload(session, draft_lesson).title == "A private observation"


def test_an_edit_is_saved(session, client, member, draft_lesson):
    sign_in(client, member)
    response = post(
        client,
        f"/lessons/{draft_lesson.id}/edit",
        {**FORM, "title": "A better title", "version": str(draft_lesson.version)},
    )
    assert response.status_code == 302
    assert reload(session, draft_lesson).title == "A better title"


# Promotion and publication.


def test_a_promotion_names_the_promoter(session, client, champion, member, published_lesson):
    champion.profile_visibility = ProfileVisibility.MEMBERS
    session.commit()
    sign_in(client, champion)
    page = text(client.get(f"/lessons/{published_lesson.id}"))
    assert "Promote to lesson" in page
    response = post(client, f"/lessons/{published_lesson.id}/promote", {"stage": "lesson"})
    assert response.status_code == 302
    post(client, "/logout")
    sign_in(client, member)
    page = text(client.get(f"/lessons/{published_lesson.id}"))
    assert "Promoted to lesson by" in page
    assert "Thandi Champion</a>" in page
    assert 'badge-stage-lesson">Lesson<' in page


def test_a_repeated_promotion_does_not_skip_a_stage(session, client, champion, published_lesson):
    sign_in(client, champion)
    post(client, f"/lessons/{published_lesson.id}/promote", {"stage": "lesson"})
    response = post(
        client,
        f"/lessons/{published_lesson.id}/promote",
        {"stage": "lesson"},
        follow_redirects=True,
    )
    assert "can only move to" in text(response)
    assert reload(session, published_lesson).stage is LessonStage.LESSON


def test_the_public_sees_the_promoters_role_not_a_hidden_name(
    session, client, champion, published_lesson
):
    sign_in(client, champion)
    post(client, f"/lessons/{published_lesson.id}/promote", {"stage": "lesson"})
    post(client, "/logout")
    page = text(client.get(f"/lessons/{published_lesson.id}"))
    assert "Thandi Champion" not in page
    # Nor their organisation (kmrg/auth/people.py): only the role promoting needs.
    assert "by a KM champion on" in page


def test_a_member_cannot_promote(client, member, published_lesson):
    sign_in(client, member)
    assert "Promote to" not in text(client.get(f"/lessons/{published_lesson.id}"))
    response = post(client, f"/lessons/{published_lesson.id}/promote", {"stage": "lesson"})
    assert response.status_code == 403


def test_a_champion_publishes_a_draft(session, client, champion, draft_lesson):
    sign_in(client, champion)
    assert "Publish" in text(client.get(f"/lessons/{draft_lesson.id}"))
    response = post(client, f"/lessons/{draft_lesson.id}/publish")
    assert response.status_code == 302
    assert reload(session, draft_lesson).status is LessonStatus.PUBLISHED


# Every state-changing URL: sign-in, GET refused, CSRF required.


@pytest.fixture
def urls(draft_lesson, published_case_study):
    return [
        f"/lessons/{draft_lesson.id}/promote",
        f"/lessons/{draft_lesson.id}/publish",
    ]


def test_state_changing_urls_need_sign_in_post_and_csrf(client, member, urls, draft_lesson):
    for url in urls:
        response = post(client, url)
        assert response.status_code == 302 and "/login" in response.location, url
    for url in ["/lessons/new", f"/lessons/{draft_lesson.id}/edit"]:
        assert "/login" in client.get(url).location
    sign_in(client, member)
    for url in urls:
        assert client.get(url).status_code == 405, url
        assert client.post(url).status_code == 400, url


def test_the_case_study_page_partials_render(app, session, organisation, published_case_study):
    make_lesson(session, organisation, source=published_case_study, title="Plan transport early")
    with app.test_request_context("/"):
        context = source_lessons_context(session, "case_study", published_case_study.id, None)
        page = render_template_string('{% include "lessons/_lessons_for_source.html" %}', **context)
    assert "Plan transport early" in page
    assert "Add a lesson" not in page


def test_organisation_kinds_are_offered_as_categories(client):
    page = text(client.get("/lessons/"))
    assert "Metropolitan municipality (A)" in page
    assert OrganisationKind.LOCAL and Province.KZN  # the filters read these enums


def test_an_administrator_writes_a_lesson_for_any_organisation(
    session, client, admin, other_organisation
):
    sign_in(client, admin)
    assert 'name="organisation"' in text(client.get("/lessons/new"))
    response = post(client, "/lessons/new", {**FORM, "organisation": "KZN225", "themes": []})
    assert response.status_code == 302
    assert session.scalars(select(Lesson)).one().organisation_id == other_organisation.id


def test_signed_in_people_without_an_organisation_are_refused(client, admin, session):
    pending = factories.make_user(session, name="No Organisation")
    sign_in(client, pending)
    assert client.get("/lessons/new").status_code == 403
