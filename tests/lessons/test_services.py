"""Lesson services, called directly."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.casestudies.models import CaseStudyStatus
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.lessons import queries, services
from kmrg.lessons.models import LessonStage, LessonStatus
from kmrg.lessons.permissions import can_add_lesson_to_source
from kmrg.models import StaleEditError
from tests import factories
from tests.lessons.conftest import make_case_study, make_lesson

TEXT = {
    "title": "Pay the debt collectors on results",
    "driving_event": "Collections *stalled* for a year.",
    "lesson": "Contracts paid per rand collected worked.",
    "recommendation": "Pay on results.",
    "evidence": "Collections rose by a third.",
    "applies_to": "Metros with large arrears.",
}


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_member_writes_a_standalone_lesson_as_a_draft_observation(session, member):
    theme = factories.make_theme(session)
    lesson = services.create_lesson(session, member, themes=[theme], **TEXT)
    session.commit()
    assert lesson.stage is LessonStage.OBSERVATION
    assert lesson.status is LessonStatus.DRAFT
    assert lesson.organisation_id == member.organisation_id
    assert lesson.author_id == member.id
    assert lesson.driving_event_html == "<p>Collections <em>stalled</em> for a year.</p>"
    assert [t.name for t in lesson.themes] == ["Revenue collection"]
    assert lesson.source is None
    assert actions(session) == ["lesson.created"]


def test_a_lesson_drawn_from_a_case_study_points_at_it(session, member, draft_case_study):
    lesson = services.create_lesson(
        session, member, source=("case_study", draft_case_study.id), **TEXT
    )
    assert lesson.source is not None
    assert lesson.source.title == "Revenue enhancement in Buffalo City"
    assert lesson.source.label == "Case study"


def test_only_the_case_studys_own_organisation_adds_lessons_to_it(
    session, outsider_champion, published_case_study
):
    with pytest.raises(PermissionDenied):
        services.create_lesson(
            session, outsider_champion, source=("case_study", published_case_study.id), **TEXT
        )


def test_a_missing_source_is_refused(session, member):
    with pytest.raises(ValidationError) as error:
        services.create_lesson(session, member, source=("case_study", 9999), **TEXT)
    assert error.value.field == "source"


def test_members_write_for_their_own_organisation_and_administrators_for_any(
    session, member, admin, other_organisation
):
    with pytest.raises(PermissionDenied):
        services.create_lesson(session, member, organisation=other_organisation, **TEXT)
    lesson = services.create_lesson(session, admin, organisation=other_organisation, **TEXT)
    assert lesson.organisation_id == other_organisation.id


def test_an_administrator_without_an_organisation_must_choose_one(session, admin):
    with pytest.raises(ValidationError) as error:
        services.create_lesson(session, admin, **TEXT)
    assert error.value.field == "organisation"


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "  "), ("lesson", ""), ("driving_event", ""), ("title", "x" * 201)],
)
def test_missing_or_overlong_text_is_refused_beside_its_field(session, member, field, value):
    with pytest.raises(ValidationError) as error:
        services.create_lesson(session, member, **{**TEXT, field: value})
    assert error.value.field == field


def test_pending_applicants_write_nothing(session, applicant):
    with pytest.raises(PermissionDenied):
        services.create_lesson(session, applicant, **TEXT)


def _update(session, actor, lesson, version, **changes):
    text = {**TEXT, **changes}
    services.update_lesson(
        session,
        actor,
        lesson,
        expected_version=version,
        title=text["title"],
        driving_event=text["driving_event"],
        lesson_text=text["lesson"],
        recommendation=text["recommendation"],
        evidence=text["evidence"],
        applies_to=text["applies_to"],
        themes=[],
    )


def test_an_edit_rerenders_the_text_and_bumps_the_version(session, member, organisation):
    lesson = make_lesson(session, organisation, author=member)
    _update(session, member, lesson, lesson.version, evidence="Up **30%**.")
    session.commit()
    assert lesson.evidence_html == "<p>Up <strong>30%</strong>.</p>"
    assert lesson.version == 2
    assert lesson.updated_at is not None
    assert "lesson.updated" in actions(session)


def test_a_stale_edit_is_refused(session, member, organisation):
    lesson = make_lesson(session, organisation, author=member)
    _update(session, member, lesson, lesson.version)
    session.commit()
    with pytest.raises(StaleEditError):
        _update(session, member, lesson, 1, title="Someone else's title")


def test_others_may_not_edit(session, outsider_champion, member, organisation):
    lesson = make_lesson(session, organisation, author=member, status=LessonStatus.PUBLISHED)
    with pytest.raises(PermissionDenied):
        _update(session, outsider_champion, lesson, lesson.version)


def test_a_champion_promotes_one_stage_and_is_named(session, champion, organisation):
    lesson = make_lesson(session, organisation)
    services.promote_lesson(session, champion, lesson, LessonStage.LESSON)
    session.commit()
    assert lesson.stage is LessonStage.LESSON
    assert lesson.promoted_by.name == "Thandi Champion"
    assert lesson.promoted_at is not None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "lesson.promoted")).one()
    assert event.summary == "Observation → Lesson, by Thandi Champion"


def test_a_promotion_never_skips_a_stage(session, champion, organisation):
    lesson = make_lesson(session, organisation)
    with pytest.raises(ValidationError):
        services.promote_lesson(session, champion, lesson, LessonStage.VALIDATED)
    assert lesson.stage is LessonStage.OBSERVATION


def test_validated_good_practice_is_the_last_stage(session, admin, organisation):
    lesson = make_lesson(session, organisation, stage=LessonStage.VALIDATED)
    with pytest.raises(ValidationError):
        services.promote_lesson(session, admin, lesson, LessonStage.VALIDATED)


@pytest.mark.parametrize("role", ["member", "outsider_champion"])
def test_members_and_other_organisations_champions_do_not_promote(
    request, session, organisation, role
):
    lesson = make_lesson(session, organisation)
    with pytest.raises(PermissionDenied):
        services.promote_lesson(session, request.getfixturevalue(role), lesson, LessonStage.LESSON)


def test_a_champion_publishes_a_standalone_lesson(session, champion, member, organisation):
    lesson = make_lesson(session, organisation, author=member)
    with pytest.raises(PermissionDenied):
        services.publish_lesson(session, member, lesson)
    services.publish_lesson(session, champion, lesson)
    assert lesson.status is LessonStatus.PUBLISHED
    assert lesson.published_at is not None
    with pytest.raises(ValidationError):
        services.publish_lesson(session, champion, lesson)


def test_publishing_a_lesson_tells_its_author(session, champion, member, organisation, outbox):
    from kmrg.notifications.queries import list_notifications

    lesson = make_lesson(session, organisation, author=member)
    services.publish_lesson(session, champion, lesson)
    session.commit()
    [told] = list_notifications(session, member)
    assert told.text == f"Your lesson is published: {lesson.title}"
    assert told.url == f"/lessons/{lesson.id}"
    assert [m["To"] for m in outbox] == [member.email]


def test_a_lesson_with_a_source_is_published_with_its_source(
    session, champion, organisation, draft_case_study
):
    lesson = make_lesson(session, organisation, source=draft_case_study)
    with pytest.raises(ValidationError):
        services.publish_lesson(session, champion, lesson)


def test_lessons_for_a_source_show_only_what_the_viewer_may_see(
    session, organisation, member, outsider_member, draft_case_study
):
    make_lesson(session, organisation, source=draft_case_study, title="Hidden for now")
    assert queries.lessons_for_source(session, "case_study", draft_case_study.id, None) == []
    assert len(queries.lessons_for_source(session, "case_study", draft_case_study.id, member)) == 1
    draft_case_study.status = CaseStudyStatus.PUBLISHED
    session.commit()
    visible = queries.lessons_for_source(
        session, "case_study", draft_case_study.id, outsider_member
    )
    assert [lesson.title for lesson in visible] == ["Hidden for now"]


def test_a_case_study_draft_becomes_visible_to_the_organisations_champion(
    session, champion, organisation
):
    case_study = make_case_study(session, organisation)
    make_lesson(session, organisation, source=case_study)
    context = queries.source_lessons_context(session, "case_study", case_study.id, champion)
    assert len(context["source_lessons"]) == 1
    assert can_add_lesson_to_source(champion, context["lesson_source"])
    assert context["lesson_source_key"] == f"case_study:{case_study.id}"


def test_promote_and_publish_refuse_a_lesson_changed_since_the_page(
    session, champion, organisation
):
    lesson = make_lesson(session, organisation)
    seen = lesson.version
    services.promote_lesson(session, champion, lesson, LessonStage.LESSON, expected_version=seen)
    session.commit()
    with pytest.raises(StaleEditError):
        services.promote_lesson(
            session, champion, lesson, LessonStage.VALIDATED, expected_version=seen
        )
    with pytest.raises(StaleEditError):
        services.publish_lesson(session, champion, lesson, expected_version=seen)
    assert (lesson.stage, lesson.status) == (LessonStage.LESSON, LessonStatus.DRAFT)
    services.publish_lesson(session, champion, lesson, expected_version=lesson.version)
    assert lesson.status is LessonStatus.PUBLISHED
