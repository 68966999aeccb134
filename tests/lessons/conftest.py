"""Case studies and lessons for the lessons area's tests, built through the real models."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.orm import Session

from kmrg.auth.models import ProfileVisibility, User
from kmrg.casestudies.models import CaseStudy, CaseStudyStatus
from kmrg.lessons.models import Lesson, LessonStage, LessonStatus
from kmrg.markdown import render_markdown
from kmrg.organisations.models import Organisation

_numbers = itertools.count(1)


def make_case_study(
    session: Session,
    organisation: Organisation,
    *,
    title: str | None = None,
    status: CaseStudyStatus = CaseStudyStatus.DRAFT,
    author: User | None = None,
) -> CaseStudy:
    number = next(_numbers)
    case_study = CaseStudy(
        title=title or f"Case study {number}",
        slug=f"case-study-{number}",
        organisation_id=organisation.id,
        author_id=author.id if author else None,
        status=status,
    )
    session.add(case_study)
    session.commit()
    return case_study


def make_lesson(
    session: Session,
    organisation: Organisation,
    *,
    title: str = "Meter readings need checking before billing",
    lesson: str = "Check the **readings** first.",
    author: User | None = None,
    source: CaseStudy | None = None,
    status: LessonStatus = LessonStatus.DRAFT,
    stage: LessonStage = LessonStage.OBSERVATION,
    themes: list | None = None,
) -> Lesson:
    record = Lesson(
        title=title,
        driving_event="Bills went out wrong.",
        driving_event_html=render_markdown("Bills went out wrong."),
        lesson=lesson,
        lesson_html=render_markdown(lesson),
        organisation_id=organisation.id,
        author_id=author.id if author else None,
        source_type="case_study" if source else None,
        source_id=source.id if source else None,
        status=status,
        stage=stage,
        themes=themes or [],
    )
    session.add(record)
    session.commit()
    return record


@pytest.fixture
def draft_case_study(session, organisation, member) -> CaseStudy:
    return make_case_study(
        session, organisation, title="Revenue enhancement in Buffalo City", author=member
    )


@pytest.fixture
def published_case_study(session, organisation, member) -> CaseStudy:
    return make_case_study(
        session,
        organisation,
        title="Host city lessons from 2010",
        status=CaseStudyStatus.PUBLISHED,
        author=member,
    )


@pytest.fixture
def outsider_member(session, other_organisation) -> User:
    from tests import factories

    return factories.make_user(
        session,
        name="Zanele Outsider",
        organisation=other_organisation,
        profile_visibility=ProfileVisibility.MEMBERS,
    )
