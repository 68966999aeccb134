"""Lessons as search documents: found by everyone once public, ranked above other records."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, joinedload, selectinload

from kmrg.lessons.models import STAGE_LABELS, Lesson, LessonStage, lesson_themes
from kmrg.lessons.permissions import can_view_lesson, is_lesson_public
from kmrg.lessons.queries import public_lessons_condition
from kmrg.lessons.sources import SourceKind, preload_sources, registered_source_kinds
from kmrg.markdown import html_to_text
from kmrg.organisations.models import Organisation
from kmrg.organisations.search import organisation_facets
from kmrg.search.registry import Audience, DocumentType, Facet, SearchDocument, registry
from kmrg.themes.models import Theme
from kmrg.themes.search import theme_values

DOC_TYPE = "lesson"
STAGE_FACET = "stage"
# Documented lessons are what the network most wants found, so they rank first.
WEIGHT = 1.5


def lesson_years(lesson: Lesson) -> list[str]:
    """Return the years a lesson is found under: its source's, or when it was published."""
    source = lesson.source if lesson.has_source else None
    if source is not None and source.kind.years is not None:
        years = source.kind.years(source.obj)
        if years:
            return [str(year) for year in years]
    when = lesson.published_at or lesson.created_at
    return [str(when.year)] if when else []


def build_lesson_document(lesson: Lesson) -> SearchDocument | None:
    """Return the lesson's search document, or None unless the public may see the lesson.

    A lesson that is not public is seen only by its author, its organisation's champions and
    whoever may see its source: no audience of the index is exactly those people, so such a
    lesson stays out of search (its people find it on its source and in their own lists).
    """
    if not is_lesson_public(lesson):
        return None
    body = [
        html_to_text(lesson.driving_event_html),
        html_to_text(lesson.recommendation_html),
        html_to_text(lesson.evidence_html),
        lesson.applies_to,
    ]
    organisation = lesson.organisation
    keywords = [theme.name for theme in lesson.themes]
    source = lesson.source if lesson.has_source else None
    if source is not None:
        # Found by the words of what it was learnt from ("World Cup" finds the host city's).
        keywords.append(source.title)
    if organisation is not None:
        keywords += [organisation.name, organisation.code]
    facets = {
        "theme": theme_values(lesson.themes),
        "year": lesson_years(lesson),
        STAGE_FACET: [lesson.stage.value],
    }
    facets.update(organisation_facets(organisation))
    when = lesson.published_at or lesson.created_at
    return SearchDocument(
        doc_type=DOC_TYPE,
        doc_id=str(lesson.id),
        title=lesson.title,
        audience=Audience.PUBLIC,
        summary=html_to_text(lesson.lesson_html),
        body="\n\n".join(part for part in body if part),
        keywords=" · ".join(keywords),
        facets=facets,
        date=when.date() if when else None,
    )


def build_lesson_documents(
    session: Session, lessons: Sequence[Lesson]
) -> dict[str, SearchDocument | None]:
    """Return the documents of many loaded lessons, their sources read in one query per kind."""
    preload_sources(session, ((lesson.source_type, lesson.source_id) for lesson in lessons))
    return {str(lesson.id): build_lesson_document(lesson) for lesson in lessons}


def _load(session: Session, ids: Sequence[str]) -> dict[str, Lesson]:
    numbers = [int(i) for i in ids if i.isdigit()]
    lessons = list(
        session.scalars(
            select(Lesson)
            .options(joinedload(Lesson.organisation), selectinload(Lesson.themes))
            .where(Lesson.id.in_(numbers))
        )
    )
    # can_view_lesson reads the source of each: one query per kind instead of one per lesson.
    preload_sources(session, ((lesson.source_type, lesson.source_id) for lesson in lessons))
    return {str(lesson.id): lesson for lesson in lessons}


def _indexable_ids(session: Session) -> Iterable[str]:
    public = set(session.scalars(select(Lesson.id).where(public_lessons_condition())))
    # Sources that cannot say in SQL which of theirs are public are asked one by one.
    unlisted = [kind.source_type for kind in registered_source_kinds() if kind.public_ids is None]
    if unlisted:
        for lesson in session.scalars(select(Lesson).where(Lesson.source_type.in_(unlisted))):
            if is_lesson_public(lesson):
                public.add(lesson.id)
    return (str(i) for i in sorted(public))


def _lesson_url(lesson: Lesson) -> str:
    return url_for("lessons.show_lesson", lesson_id=lesson.id)


def _lessons_of_source(source_type: str) -> Callable[[Any, Connection], Iterable[int]]:
    def find(source: Any, connection: Connection) -> Iterable[int]:
        # A source's change of state changes who may find its lessons.
        return connection.execute(
            select(Lesson.id).where(
                Lesson.source_type == source_type, Lesson.source_id == source.id
            )
        ).scalars()

    return find


def _lessons_of_organisation(organisation: Organisation, connection: Connection) -> Iterable[int]:
    return connection.execute(
        select(Lesson.id).where(Lesson.organisation_id == organisation.id)
    ).scalars()


def _lessons_of_theme(theme: Theme, connection: Connection) -> Iterable[int]:
    return connection.execute(
        select(lesson_themes.c.lesson_id).where(lesson_themes.c.theme_id == theme.id)
    ).scalars()


def _source_dependents(kinds: Iterable[SourceKind]) -> dict[type[Any], Any]:
    return {kind.model: _lessons_of_source(kind.source_type) for kind in kinds if kind.model}


def _dependents() -> dict[type[Any], Any]:
    # Read when the search registry settles, once every area has registered its lesson source.
    return {
        **_source_dependents(registered_source_kinds()),
        Organisation: _lessons_of_organisation,
        Theme: _lessons_of_theme,
    }


def _normalise_stage(typed: str) -> str | None:
    wanted = typed.strip().casefold()
    for stage in LessonStage:
        if wanted in {stage.value, STAGE_LABELS[stage].casefold()}:
            return stage.value
    return "validated" if wanted in {"good practice", "validated good practice"} else None


def _stage_labels(_session: Session, values: Iterable[str]) -> dict[str, str]:
    known = {stage.value: STAGE_LABELS[stage] for stage in LessonStage}
    return {value: known[value] for value in values if value in known}


def register_search_documents() -> None:
    """Register lessons and their stage facet."""
    registry.register(
        DocumentType(
            name=DOC_TYPE,
            label="Lesson",
            plural="Lessons",
            model=Lesson,
            build=build_lesson_document,
            build_many=build_lesson_documents,
            load=_load,
            indexable_ids=_indexable_ids,
            can_view=can_view_lesson,
            url=_lesson_url,
            dependents=_dependents,
            weight=WEIGHT,
        )
    )
    registry.register_facet(
        Facet(
            name=STAGE_FACET,
            label="Lesson stage",
            normalise=_normalise_stage,
            labels=_stage_labels,
            example="stage:validated",
        )
    )
