"""Lessons as evidence of expertise: the published lessons a person wrote.

A lesson with a source is public exactly when its source is (see kmrg.lessons.permissions), so
only public lessons count; drafts and lessons of unpublished sources never do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, selectinload

from kmrg.experts.evidence import (
    Dependent,
    EvidenceItem,
    EvidenceProvider,
    evidence_url,
    register_evidence_provider,
)
from kmrg.lessons.models import Lesson
from kmrg.lessons.permissions import can_view_lesson, is_lesson_public
from kmrg.lessons.queries import public_lessons_condition
from kmrg.lessons.sources import LessonSource, SourceKind, registered_source_kinds

KIND = "lesson"


def _load_sources(session: Session, lessons: Sequence[Lesson]) -> dict[tuple[str, int], Any]:
    """Load every lesson's source with one query per kind of source, not one per lesson."""
    wanted: dict[str, set[int]] = {}
    for lesson in lessons:
        if lesson.source_type is not None and lesson.source_id is not None:
            wanted.setdefault(lesson.source_type, set()).add(lesson.source_id)
    loaded: dict[tuple[str, int], Any] = {}
    for kind in registered_source_kinds():
        ids = wanted.get(kind.source_type)
        if not ids:
            continue
        if kind.model is None:
            records = [(i, kind.load(session, i)) for i in ids]
        else:
            rows = session.scalars(select(kind.model).where(kind.model.id.in_(sorted(ids))))
            records = [(row.id, row) for row in rows]
        loaded.update(((kind.source_type, i), obj) for i, obj in records if obj is not None)
    return loaded


def _viewable_by(lesson: Lesson, source: LessonSource | None) -> Callable[[Any], bool]:
    # The source is loaded already: checking it again per viewer would query once per lesson.
    def can_view(viewer: Any) -> bool:
        return is_lesson_public(lesson, source) or can_view_lesson(viewer, lesson)

    return can_view


def collect_lesson_evidence(
    session: Session, user_ids: Sequence[int]
) -> dict[int, list[EvidenceItem]]:
    """Return each person's public lessons as evidence, by user id (a query per source kind)."""
    wanted = set(user_ids)
    found: dict[int, list[EvidenceItem]] = {user_id: [] for user_id in wanted}
    if not wanted:
        return found
    lessons = list(
        session.scalars(
            select(Lesson)
            .options(selectinload(Lesson.themes))
            .where(Lesson.author_id.in_(sorted(wanted)), public_lessons_condition())
        )
    )
    kinds: dict[str, SourceKind] = {kind.source_type: kind for kind in registered_source_kinds()}
    sources = _load_sources(session, lessons)
    for lesson in lessons:
        source = None
        if lesson.source_type is not None:
            obj = sources.get((lesson.source_type, lesson.source_id or 0))
            kind = kinds.get(lesson.source_type)
            source = LessonSource(kind, obj) if kind is not None and obj is not None else None
        # SQL narrowed the lessons to public ones; the lessons area's own check has the last word.
        if not is_lesson_public(lesson, source) or lesson.author_id is None:
            continue
        happened = lesson.published_at or lesson.created_at
        found[lesson.author_id].append(
            EvidenceItem(
                kind=KIND,
                kind_label="Lesson",
                role="Wrote the lesson",
                title=lesson.title,
                url=evidence_url("lessons.show_lesson", lesson_id=lesson.id),
                theme_ids=tuple(sorted(theme.id for theme in lesson.themes)),
                happened_on=happened.date() if happened else None,
                is_public=True,
                viewable_by=_viewable_by(lesson, source),
            )
        )
    return found


def _author_of_lesson(lesson: Lesson, _connection: Connection) -> Iterable[int]:
    # It runs after the flush: an author it replaced is only in the attribute history.
    people = set(inspect(lesson).attrs.author_id.history.deleted or ())
    people.add(lesson.author_id)
    return {person for person in people if person is not None}


def _authors_of_source_lessons(kind: SourceKind) -> Dependent:
    """Publishing or withdrawing a source makes its lessons evidence, or not."""

    def find(obj: Any, connection: Connection) -> Iterable[int]:
        if getattr(obj, "id", None) is None:
            return []
        return connection.execute(
            select(Lesson.author_id)
            .where(
                Lesson.source_type == kind.source_type,
                Lesson.source_id == obj.id,
                Lesson.author_id.is_not(None),
            )
            .distinct()
        ).scalars()

    return find


def _dependents() -> dict[type[Any], Dependent]:
    # Read when the search registry settles, once every area has registered its lesson source.
    dependents: dict[type[Any], Dependent] = {}
    for kind in registered_source_kinds():
        if kind.model is not None:
            dependents[kind.model] = _authors_of_source_lessons(kind)
    dependents[Lesson] = _author_of_lesson
    return dependents


def register_expert_evidence() -> None:
    """Register lessons as evidence of their authors' expertise."""
    register_evidence_provider(
        EvidenceProvider(
            name=KIND,
            label="Lessons",
            collect=collect_lesson_evidence,
            dependents=_dependents,
        )
    )
