"""A meeting's minutes with their revisions and comments, and its outcomes and decisions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.auth.models import User
from kmrg.markdown import register_rendered_field
from kmrg.models import Base, CreatedAtMixin, VersionedMixin, enum_type

if TYPE_CHECKING:
    from kmrg.events.models.meetings import AgendaSession, Meeting


class MinutesStatus(StrEnum):
    """Minutes go from draft to circulated for comment to approved."""

    DRAFT = "draft"
    CIRCULATED = "circulated"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return MINUTES_STATUS_LABELS[self]


MINUTES_STATUS_LABELS = {
    MinutesStatus.DRAFT: "Draft",
    MinutesStatus.CIRCULATED: "Circulated for comment",
    MinutesStatus.APPROVED: "Approved",
}


class OutcomeKind(StrEnum):
    """An outcome records what came of a session; a decision is what the meeting resolved."""

    OUTCOME = "outcome"
    DECISION = "decision"

    @property
    def label(self) -> str:
        return "Decision" if self is OutcomeKind.DECISION else "Outcome"


class Minutes(VersionedMixin, CreatedAtMixin, Base):
    """A meeting's minutes: revised while in draft, circulated for comment, then approved."""

    __tablename__ = "meeting_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[MinutesStatus] = mapped_column(
        enum_type(MinutesStatus, 20), default=MinutesStatus.DRAFT
    )
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    circulated_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="minutes")
    approved_by: Mapped[User | None] = relationship()
    revisions: Mapped[list[MinutesRevision]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesRevision.number"
    )
    comments: Mapped[list[MinutesComment]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesComment.id"
    )


class MinutesRevision(CreatedAtMixin, Base):
    """What the minutes said after one save."""

    __tablename__ = "meeting_minutes_revisions"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_minutes.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")

    minutes: Mapped[Minutes] = relationship(back_populates="revisions")
    editor: Mapped[User | None] = relationship()


class MinutesComment(CreatedAtMixin, Base):
    """An attendee's comment on circulated minutes."""

    __tablename__ = "meeting_minutes_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_minutes.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")

    minutes: Mapped[Minutes] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


class Outcome(CreatedAtMixin, Base):
    """An outcome or decision of a meeting, optionally of one session."""

    __tablename__ = "meeting_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_sessions.id", ondelete="SET NULL")
    )
    kind: Mapped[OutcomeKind] = mapped_column(
        enum_type(OutcomeKind, 10), default=OutcomeKind.OUTCOME
    )
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="outcomes")
    session: Mapped[AgendaSession | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()


for _model, _source in (
    (Minutes, "body"),
    (MinutesComment, "body"),
):
    register_rendered_field(_model, _source, f"{_source}_html")
