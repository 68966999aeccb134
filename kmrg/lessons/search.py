"""Lessons as search documents: found by everyone once public, ranked above other records."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, joinedload, selectinload

from kmrg.lessons import case_study_source
from kmrg.lessons.models import Lesson, lesson_themes
from kmrg.lessons.permissions import can_view_lesson, is_lesson_public
from kmrg.lessons.sources import SourceKind, registered_source_kinds
from kmrg.markdown import markdown_to_text
from kmrg.organisations.models import Organisation
from kmrg.search.registry import Audience, DocumentType, SearchDocument, registry
from kmrg.themes.models import Theme

DOC_TYPE = "lesson"
# Documented lessons are what the network most wants found, so they rank first.
WEIGHT = 1.5


def build_lesson_document(lesson: Lesson) -> SearchDocument:
    """Return the lesson's search document; only public lessons are open to the public."""
    parts = [
        markdown_to_text(lesson.driving_event),
        markdown_to_text(lesson.lesson),
        markdown_to_text(lesson.recommendation),
        markdown_to_text(lesson.evidence),
        lesson.applies_to,
        *(theme.name for theme in lesson.themes),
        lesson.organisation.name if lesson.organisation else "",
    ]
    return SearchDocument(
        doc_type=DOC_TYPE,
        doc_id=str(lesson.id),
        title=lesson.title,
        body=" · ".join(part for part in parts if part),
        audience=Audience.PUBLIC if is_lesson_public(lesson) else Audience.MEMBERS,
        tags=[theme.slug for theme in lesson.themes],
    )


def _load(session: Session, ids: Sequence[str]) -> dict[str, Lesson]:
    numbers = [int(i) for i in ids if i.isdigit()]
    lessons = session.scalars(
        select(Lesson)
        .options(joinedload(Lesson.organisation), selectinload(Lesson.themes))
        .where(Lesson.id.in_(numbers))
    )
    return {str(lesson.id): lesson for lesson in lessons}


def _indexable_ids(session: Session) -> Iterable[str]:
    return (str(i) for i in session.scalars(select(Lesson.id)))


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


def register_search_documents() -> None:
    """Register lessons with the search engine (after every lesson source is registered)."""
    case_study_source.register_case_study_source()
    registry.register(
        DocumentType(
            name=DOC_TYPE,
            label="Lesson",
            model=Lesson,
            build=build_lesson_document,
            load=_load,
            indexable_ids=_indexable_ids,
            can_view=can_view_lesson,
            url=_lesson_url,
            dependents={
                **_source_dependents(registered_source_kinds()),
                Organisation: _lessons_of_organisation,
                Theme: _lessons_of_theme,
            },
            weight=WEIGHT,
        )
    )
