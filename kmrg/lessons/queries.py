"""Read lessons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from kmrg.lessons.models import Lesson, LessonStage, LessonStatus, lesson_themes
from kmrg.lessons.permissions import (
    can_view_lesson,
)
from kmrg.lessons.sources import load_source, registered_source_kinds, source_key
from kmrg.organisations.models import Organisation, Province
from kmrg.organisations.queries import CATEGORIES
from kmrg.themes.models import Theme


@dataclass(frozen=True)
class LessonFilters:
    """What the lessons list is narrowed to; empty values mean "any"."""

    theme: str = ""
    province: str = ""
    category: str = ""
    organisation: str = ""
    year: int | None = None
    stage: str = ""

    @property
    def is_filtered(self) -> bool:
        return any([self.theme, self.province, self.category, self.organisation, self.year,
                    self.stage])  # fmt: skip


def get_lesson(session: Session, lesson_id: int) -> Lesson | None:
    """Return the lesson with this id, with what its pages show, if any."""
    return session.scalar(
        select(Lesson)
        .options(
            joinedload(Lesson.organisation),
            joinedload(Lesson.author),
            joinedload(Lesson.promoted_by),
            selectinload(Lesson.themes),
        )
        .where(Lesson.id == lesson_id)
    )


def public_lessons_condition() -> ColumnElement[bool]:
    """Return the SQL condition true for lessons the public may see."""
    conditions: list[ColumnElement[bool]] = [
        and_(Lesson.source_type.is_(None), Lesson.status == LessonStatus.PUBLISHED)
    ]
    for kind in registered_source_kinds():
        if kind.public_ids is not None:
            conditions.append(
                and_(
                    Lesson.source_type == kind.source_type, Lesson.source_id.in_(kind.public_ids())
                )
            )
    return or_(*conditions)


def _maybe_visible_condition(viewer: Any) -> ColumnElement[bool]:
    """Narrow in SQL to lessons the viewer may see; can_view_lesson has the final word."""
    if getattr(viewer, "is_admin", False):
        return Lesson.id.is_not(None)
    public = public_lessons_condition()
    if not (getattr(viewer, "is_authenticated", False) and getattr(viewer, "is_active", False)):
        return public
    own = Lesson.author_id == viewer.id
    champion = (
        Lesson.organisation_id == viewer.organisation_id
        if getattr(viewer, "is_champion", False)
        else false()
    )
    # Sources may be visible to their organisation's members before they are public.
    same_organisation = and_(
        Lesson.source_type.is_not(None), Lesson.organisation_id == viewer.organisation_id
    )
    return or_(public, own, champion, same_organisation)


def lessons_query(filters: LessonFilters, viewer: Any) -> Select[tuple[Lesson]]:
    """Return the lessons matching the filters that the viewer may see, newest first."""
    query = (
        select(Lesson)
        .join(Lesson.organisation)
        .options(joinedload(Lesson.organisation), selectinload(Lesson.themes))
        .where(_maybe_visible_condition(viewer))
        .order_by(Lesson.created_at.desc(), Lesson.id.desc())
    )
    if filters.theme:
        query = query.where(
            Lesson.id.in_(
                select(lesson_themes.c.lesson_id)
                .join(Theme, Theme.id == lesson_themes.c.theme_id)
                .where(Theme.slug == filters.theme)
            )
        )
    if filters.province in Province._value2member_map_:
        query = query.where(Organisation.province == Province(filters.province))
    if filters.category:
        kind = CATEGORIES.get(filters.category)
        query = query.where(Organisation.kind == kind) if kind else query.where(false())
    if filters.organisation:
        query = query.where(Organisation.code == filters.organisation.upper())
    if filters.year:
        start = datetime(filters.year, 1, 1, tzinfo=UTC)
        end = datetime(filters.year + 1, 1, 1, tzinfo=UTC)
        query = query.where(Lesson.created_at >= start, Lesson.created_at < end)
    if filters.stage in LessonStage._value2member_map_:
        query = query.where(Lesson.stage == LessonStage(filters.stage))
    return query


def lesson_years(session: Session) -> list[int]:
    """Return the years lessons were recorded in, newest first."""
    dates = session.scalars(
        select(func.min(Lesson.created_at)).union(select(func.max(Lesson.created_at)))
    )
    years = [d.year for d in dates if d is not None]
    return list(range(max(years), min(years) - 1, -1)) if years else []


def lessons_for_source(
    session: Session, source_type: str, source_id: int, viewer: Any
) -> list[Lesson]:
    """Return the lessons drawn from one source that the viewer may see, most validated first."""
    lessons = session.scalars(
        select(Lesson)
        .options(joinedload(Lesson.promoted_by), selectinload(Lesson.themes))
        .where(Lesson.source_type == source_type, Lesson.source_id == source_id)
        .order_by(Lesson.created_at, Lesson.id)
    ).all()
    order = list(LessonStage)
    visible = [lesson for lesson in lessons if can_view_lesson(viewer, lesson)]
    return sorted(visible, key=lambda lesson: -order.index(lesson.stage))


def source_lessons_context(
    session: Session, source_type: str, source_id: int, viewer: Any
) -> dict[str, Any]:
    """Return the variables templates/lessons/_lessons_for_source.html needs."""
    source = load_source(session, source_type, source_id)
    return {
        "source_lessons": lessons_for_source(session, source_type, source_id, viewer),
        "lesson_source_key": source_key(source_type, source_id),
        "lesson_source": source,
    }
