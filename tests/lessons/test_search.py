"""Lessons in search: hidden while their case study is a draft, found and ranked first after."""

from __future__ import annotations

from kmrg.casestudies.models import CaseStudyStatus
from kmrg.lessons.models import LessonStatus
from kmrg.lessons.search import WEIGHT, build_lesson_document
from kmrg.search.registry import Audience, registry
from tests.factories import post, sign_in
from tests.lessons.conftest import make_case_study, make_lesson


def results(client, words: str) -> str:
    return client.get("/search", query_string={"q": words}).get_data(as_text=True)


def test_lessons_are_registered_with_their_weight(app):
    document_type = registry.get("lesson")
    assert document_type is not None
    assert document_type.label == "Lesson"
    assert document_type.weight == WEIGHT == 1.5


def test_a_lesson_of_a_draft_case_study_is_found_only_after_publishing(
    session, client, organisation, draft_case_study, outsider_member
):
    make_lesson(
        session,
        organisation,
        source=draft_case_study,
        title="Stagger the stadium shuttles",
        lesson="Quokkaflow timetables kept the fan walks safe.",
    )
    assert "Stagger the stadium shuttles" not in results(client, "quokkaflow")
    sign_in(client, outsider_member)
    assert "Stagger the stadium shuttles" not in results(client, "quokkaflow")
    post(client, "/logout")

    draft_case_study.status = CaseStudyStatus.PUBLISHED
    session.commit()  # the dependent lessons are queued and re-indexed inline
    page = results(client, "quokkaflow")
    assert "Stagger the stadium shuttles" in page
    assert ">Quokkaflow</mark> timetables" in page


def test_a_published_lesson_ranks_above_a_case_study_with_the_same_words(
    session, client, organisation
):
    case_study = make_case_study(
        session,
        organisation,
        title="Wombatgrid billing recovery",
        status=CaseStudyStatus.PUBLISHED,
    )
    make_lesson(
        session,
        organisation,
        source=case_study,
        title="Wombatgrid billing recovery lesson",
        lesson="Wombatgrid billing recovery needs clean meter data.",
    )
    page = results(client, "wombatgrid billing recovery")
    lesson_at = page.find("Wombatgrid billing recovery lesson")
    case_study_at = page.find(f'href="/case-studies/{case_study.slug}"')
    assert lesson_at != -1
    assert case_study_at != -1, "the case study itself is a search result"
    assert lesson_at < case_study_at


def test_the_document_holds_every_text_field_themes_and_organisation(session, organisation):
    from tests import factories

    theme = factories.make_theme(session, "Major events")
    lesson = make_lesson(
        session, organisation, status=LessonStatus.PUBLISHED, themes=[theme], lesson="*Plan* early."
    )
    document = build_lesson_document(lesson)
    assert document.audience is Audience.PUBLIC
    for words in ["Bills went out wrong.", "Plan early.", "Major events", "Buffalo City"]:
        assert words in document.matched_text()
    assert document.summary == "Plan early."
    assert document.facets["theme"] == [theme.slug]
    assert document.facets["stage"] == ["observation"]
    assert document.facets["org"] == ["BUF"]
    assert document.facets["province"] == ["EC"]


def test_a_lesson_the_public_may_not_see_stays_out_of_search(session, organisation):
    # Only its author, its organisation's champions and admins may see a draft: no audience of
    # the index is exactly those people, so it is not indexed at all.
    lesson = make_lesson(session, organisation)
    assert build_lesson_document(lesson) is None
