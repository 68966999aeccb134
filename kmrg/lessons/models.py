"""Lessons: what was learned, from a source or standalone."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from kmrg.auth.models import User
from kmrg.lessons.sources import SOURCE_TYPE_MAX_LENGTH, LessonSource, load_source
from kmrg.markdown import register_rendered_field
from kmrg.models import Base, CreatedAtMixin, VersionedMixin, enum_type
from kmrg.organisations.models import Organisation
from kmrg.themes.models import Theme


class LessonStage(StrEnum):
    """How far a lesson has been validated; a champion or administrator moves it forward."""

    OBSERVATION = "observation"
    LESSON = "lesson"
    VALIDATED = "validated"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def next(self) -> LessonStage | None:
        """Return the stage a promotion leads to, or None at the last stage."""
        stages = list(LessonStage)
        position = stages.index(self)
        return stages[position + 1] if position + 1 < len(stages) else None


STAGE_LABELS = {
    LessonStage.OBSERVATION: "Observation",
    LessonStage.LESSON: "Lesson",
    LessonStage.VALIDATED: "Validated good practice",
}


class LessonStatus(StrEnum):
    """Whether a standalone lesson is published; a lesson with a source follows its source."""

    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "published": "Published"}[self]


lesson_themes = Table(
    "lesson_themes",
    Base.metadata,
    Column("lesson_id", ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True),
)


class Lesson(VersionedMixin, CreatedAtMixin, Base):
    """A documented lesson: what happened, what was learned, and what to do next time.

    Visibility: a lesson with a source is public exactly when its source is, and otherwise seen by
    whoever may see the source; a standalone lesson is public once published.
    """

    __tablename__ = "lessons"
    __table_args__ = (Index("ix_lessons_source", "source_type", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    driving_event: Mapped[str] = mapped_column(Text, default="")
    driving_event_html: Mapped[str] = mapped_column(Text, default="")
    lesson: Mapped[str] = mapped_column(Text, default="")
    lesson_html: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text, default="")
    recommendation_html: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_html: Mapped[str] = mapped_column(Text, default="")
    applies_to: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # No foreign key: the source may live in any area registered in kmrg.lessons.sources.
    source_type: Mapped[str | None] = mapped_column(String(SOURCE_TYPE_MAX_LENGTH))
    source_id: Mapped[int | None] = mapped_column(Integer)
    stage: Mapped[LessonStage] = mapped_column(
        enum_type(LessonStage, 20), default=LessonStage.OBSERVATION, index=True
    )
    status: Mapped[LessonStatus] = mapped_column(
        enum_type(LessonStatus, 20), default=LessonStatus.DRAFT, index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    promoted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    promoted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    promoted_by: Mapped[User | None] = relationship(foreign_keys=[promoted_by_id])
    themes: Mapped[list[Theme]] = relationship(secondary=lesson_themes, order_by=Theme.name)

    @property
    def source(self) -> LessonSource | None:
        """Return the loaded source record, or None for a standalone lesson (or a vanished one)."""
        return load_source(object_session(self), self.source_type, self.source_id)

    @property
    def has_source(self) -> bool:
        return self.source_type is not None

    def __repr__(self) -> str:
        return f"<Lesson {self.id} {self.stage}>"


for _source, _html in [
    ("driving_event", "driving_event_html"),
    ("lesson", "lesson_html"),
    ("recommendation", "recommendation_html"),
    ("evidence", "evidence_html"),
]:
    register_rendered_field(Lesson, _source, _html)
