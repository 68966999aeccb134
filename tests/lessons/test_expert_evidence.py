"""Lessons as evidence of their authors' expertise: public lessons only, in few queries."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import event

from kmrg.casestudies import services as case_study_services
from kmrg.casestudies.models import CaseStudy
from kmrg.experts.evidence import collect_evidence, registered_evidence_providers
from kmrg.extensions import db
from kmrg.lessons import services
from kmrg.lessons.expert_evidence import collect_lesson_evidence
from kmrg.lessons.models import Lesson
from tests import factories
from tests.casestudies.conftest import write_case_study
from tests.experts.conftest import make_profile

VIEWERS = ["anonymous", "member", "admin"]
TEXT = {
    "driving_event": "Bills went out on estimated readings.",
    "lesson": "Check the readings before billing.",
}


@pytest.fixture
def theme(session):
    return factories.make_theme(session, "Revenue collection")


@pytest.fixture
def viewers(session, admin, other_organisation):
    return {
        "anonymous": AnonymousUserMixin(),
        "member": factories.make_user(session, organisation=other_organisation),
        "admin": admin,
    }


def write_lesson(session, author, theme, *, title="Check readings first", source=None):
    lesson = services.create_lesson(
        session, author, title=title, themes=[theme], source=source, **TEXT
    )
    session.commit()
    return lesson


def publish(session, lesson, champion) -> Lesson:
    services.publish_lesson(session, champion, lesson)
    session.commit()
    return lesson


def case_study_of(session, author, champion, *, published: bool) -> CaseStudy:
    case_study = write_case_study(session, author)
    if published:
        case_study_services.submit_case_study(session, author, case_study)
        case_study_services.publish_case_study(session, champion, case_study)
        session.commit()
    return case_study


def test_a_published_lesson_is_evidence_for_its_author(session, member, champion, theme):
    lesson = publish(session, write_lesson(session, member, theme), champion)
    items = collect_lesson_evidence(session, [member.id, champion.id])
    assert items[champion.id] == []
    [item] = items[member.id]
    assert (item.kind, item.kind_label, item.role) == ("lesson", "Lesson", "Wrote the lesson")
    assert item.title == "Check readings first"
    assert item.url == f"/lessons/{lesson.id}"
    assert item.theme_ids == (theme.id,)
    assert item.happened_on == lesson.published_at.date()
    assert item.is_public


@pytest.mark.parametrize("role", VIEWERS)
def test_draft_lessons_are_never_evidence(session, member, champion, theme, viewers, role):
    write_lesson(session, member, theme)
    draft_source = case_study_of(session, member, champion, published=False)
    write_lesson(session, member, theme, source=("case_study", draft_source.id))
    profile = make_profile(session, member)
    assert collect_evidence(session, profile, viewers[role]) == []
    # Not even for the author, though they may read their drafts.
    assert collect_evidence(session, profile, member) == []


@pytest.mark.parametrize("role", VIEWERS)
def test_published_and_public_source_lessons_are_evidence_for_every_viewer(
    session, member, champion, theme, viewers, role
):
    publish(session, write_lesson(session, member, theme, title="Standalone"), champion)
    source = case_study_of(session, member, champion, published=True)
    write_lesson(
        session, member, theme, title="From a case study", source=("case_study", source.id)
    )
    items = collect_evidence(session, make_profile(session, member), viewers[role])
    lessons = sorted(item.title for item in items if item.kind == "lesson")
    assert lessons == ["From a case study", "Standalone"]
    assert all(item.can_view(viewers[role]) for item in items)


def test_a_lesson_of_an_archived_case_study_stops_being_evidence(session, member, champion, theme):
    source = case_study_of(session, member, champion, published=True)
    write_lesson(session, member, theme, source=("case_study", source.id))
    profile = make_profile(session, member)
    kinds = sorted(item.kind for item in collect_evidence(session, profile, member))
    assert kinds == ["case_study", "lesson"]
    case_study_services.archive_case_study(session, champion, source)
    session.commit()
    assert collect_evidence(session, profile, member) == []


def test_lessons_of_many_sources_and_people_take_a_fixed_number_of_queries(
    session, organisation, champion, theme
):
    people = [factories.make_user(session, organisation=organisation) for _ in range(8)]
    for person in people:
        source = case_study_of(session, person, champion, published=True)
        write_lesson(session, person, theme, source=("case_study", source.id))
        publish(session, write_lesson(session, person, theme, title="Standalone"), champion)
    session.expunge_all()  # nothing cached: every source must be read
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = collect_lesson_evidence(session, [person.id for person in people])
        for items in found.values():
            for item in items:
                assert item.can_view(AnonymousUserMixin())
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert all(len(items) == 2 for items in found.values())
    # Lessons, their themes, and the case-study sources: not one query per lesson or person.
    assert len(statements) <= 3, statements


def test_publishing_a_source_names_its_lesson_authors_for_re_indexing(
    session, member, champion, theme
):
    provider = next(p for p in registered_evidence_providers() if p.name == "lesson")
    source = case_study_of(session, member, champion, published=False)
    lesson = write_lesson(session, member, theme, source=("case_study", source.id))
    connection = session.connection()
    assert list(provider.settled_dependents()[CaseStudy](source, connection)) == [member.id]
    assert set(provider.settled_dependents()[Lesson](lesson, connection)) == {member.id}
