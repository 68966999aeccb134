"""A small world of records for the search page's tests, committed so the indexer really runs.

Two municipalities in two provinces, two themes, published and draft case studies (one with a
report attached), lessons at each stage and visibility, and people who chose how far they are
seen. Built with the models directly (Markdown rendered as the services render it): the areas'
own tests cover their services; these cover what search makes of their records.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from kmrg.attachments.models import Attachment, AttachmentKind
from kmrg.auth.models import ProfileVisibility, User
from kmrg.casestudies.models import CaseStudy, CaseStudyStatus
from kmrg.lessons.models import Lesson, LessonStage, LessonStatus
from kmrg.markdown import render_markdown
from kmrg.organisations.models import Organisation
from kmrg.themes.models import Theme
from tests import factories

_numbers = itertools.count(1)


def add_case_study(
    session: Session,
    organisation: Organisation,
    title: str,
    *,
    summary: str = "",
    context: str = "",
    approach: str = "",
    status: CaseStudyStatus = CaseStudyStatus.PUBLISHED,
    themes: list[Theme] | None = None,
    years: tuple[int, int] | None = None,
    published: datetime | None = None,
) -> CaseStudy:
    number = next(_numbers)
    case_study = CaseStudy(
        title=title,
        slug=f"search-case-{number}",
        summary=summary,
        organisation_id=organisation.id,
        context=context,
        context_html=render_markdown(context),
        approach=approach,
        approach_html=render_markdown(approach),
        status=status,
        themes=themes or [],
        start_year=years[0] if years else None,
        end_year=years[1] if years else None,
        published_at=published or datetime(2020, 1, number % 28 + 1, tzinfo=UTC),
    )
    session.add(case_study)
    session.commit()
    return case_study


def add_lesson(
    session: Session,
    organisation: Organisation,
    title: str,
    lesson: str,
    *,
    driving_event: str = "",
    status: LessonStatus = LessonStatus.PUBLISHED,
    stage: LessonStage = LessonStage.LESSON,
    themes: list[Theme] | None = None,
    source: CaseStudy | None = None,
    author: User | None = None,
    published: datetime | None = None,
) -> Lesson:
    record = Lesson(
        title=title,
        lesson=lesson,
        lesson_html=render_markdown(lesson),
        driving_event=driving_event,
        driving_event_html=render_markdown(driving_event),
        organisation_id=organisation.id,
        status=status,
        stage=stage,
        themes=themes or [],
        source_type="case_study" if source else None,
        source_id=source.id if source else None,
        author_id=author.id if author else None,
        published_at=published or datetime(2021, 6, 1, tzinfo=UTC),
    )
    session.add(record)
    session.commit()
    return record


def attach(
    session: Session, case_study: CaseStudy, title: str, file_name: str, text: str
) -> Attachment:
    attachment = Attachment(
        owner_type="case_study",
        owner_id=case_study.id,
        sha256=f"{next(_numbers):064d}",
        size=len(text),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        kind=AttachmentKind.DOCX,
        display_name=file_name,
        title=title,
        extracted_text=text,
    )
    session.add(attachment)
    session.commit()
    return attachment


@dataclass
class World:
    """What the search tests find, by role in the story."""

    buffalo_city: Organisation
    msunduzi: Organisation
    water: Theme
    revenue: Theme
    meters_case: CaseStudy
    roadshow_case: CaseStudy
    draft_case: CaseStudy
    validated_lesson: Lesson
    observation_lesson: Lesson
    members_lesson: Lesson
    nandi: User
    zola: User
    thabo: User


def build_world(session: Session, buffalo_city: Organisation, msunduzi: Organisation) -> World:
    """Build the records every search view test shares, in Buffalo City (a metro in the Eastern
    Cape) and Msunduzi (a local municipality in KwaZulu-Natal)."""
    water = factories.make_theme(session, "Water services")
    revenue = factories.make_theme(session, "Revenue collection")
    meters_case = add_case_study(
        session,
        buffalo_city,
        "Smart water meters in Buffalo City",
        summary="How the metro replaced estimated bills with smart water meters.",
        context="Estimated bills eroded trust. Households refused to pay for water they "
        "had not used.",
        approach="Meter readers were given handheld devices and every route was redrawn.",
        themes=[water, revenue],
        years=(2008, 2010),
        published=datetime(2011, 3, 1, tzinfo=UTC),
    )
    roadshow_case = add_case_study(
        session,
        msunduzi,
        "Revenue roadshows in Msunduzi",
        summary="Councillors took the billing story to every ward.",
        context="Collection had fallen below sixty percent.",
        themes=[revenue],
        years=(2012, 2012),
        published=datetime(2013, 5, 1, tzinfo=UTC),
    )
    attach(
        session,
        roadshow_case,
        "Roadshow report",
        "roadshow-final-v3.docx",
        "Ward meetings explained the indigent register. Attendance doubled in the second round.",
    )
    draft_case = add_case_study(
        session,
        buffalo_city,
        "Secret sanitation turnaround",
        summary="A confidential draft about sanitation backlogs.",
        status=CaseStudyStatus.DRAFT,
        themes=[water],
    )
    validated_lesson = add_lesson(
        session,
        buffalo_city,
        "Fix the bills before chasing debt",
        "Accurate water bills come before any debt collection drive.",
        driving_event="Debt collection letters went out on estimated bills.",
        stage=LessonStage.VALIDATED,
        themes=[revenue, water],
        source=meters_case,
        published=datetime(2011, 4, 1, tzinfo=UTC),
    )
    observation_lesson = add_lesson(
        session,
        msunduzi,
        "Councillors carry the message",
        "Ward councillors explaining tariffs raised payment more than letters did.",
        stage=LessonStage.OBSERVATION,
        themes=[revenue],
        published=datetime(2014, 2, 1, tzinfo=UTC),
    )
    members_lesson = add_lesson(
        session,
        msunduzi,
        "Sanitation backlog data is unreliable",
        "Check the sanitation backlog counts against ward visits.",
        status=LessonStatus.DRAFT,
        themes=[water],
    )
    people = {
        name: factories.make_user(
            session,
            name=name,
            organisation=buffalo_city,
            job_title=job,
            profile_visibility=visibility,
        )
        for name, job, visibility in (
            ("Nandi Mokoena", "Revenue manager", ProfileVisibility.PUBLIC),
            ("Zola Ndlovu", "Water engineer", ProfileVisibility.MEMBERS),
            ("Thabo Khumalo", "Revenue clerk", ProfileVisibility.HIDDEN),
        )
    }
    return World(
        buffalo_city=buffalo_city,
        msunduzi=msunduzi,
        water=water,
        revenue=revenue,
        meters_case=meters_case,
        roadshow_case=roadshow_case,
        draft_case=draft_case,
        validated_lesson=validated_lesson,
        observation_lesson=observation_lesson,
        members_lesson=members_lesson,
        nandi=people["Nandi Mokoena"],
        zola=people["Zola Ndlovu"],
        thabo=people["Thabo Khumalo"],
    )
