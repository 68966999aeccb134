"""Action items a meeting agreed on, their progress and the reminders sent about them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.auth.models import User
from kmrg.models import Base, CreatedAtMixin, VersionedMixin, enum_type
from kmrg.organisations.models import Organisation

if TYPE_CHECKING:
    from kmrg.events.models.meetings import Meeting


class ActionStatus(StrEnum):
    """Where an action item stands; done and dropped items are closed."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return ACTION_STATUS_LABELS[self]

    @property
    def is_closed(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.DROPPED)


ACTION_STATUS_LABELS = {
    ActionStatus.OPEN: "Open",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.DROPPED: "Dropped",
}


class ReminderKind(StrEnum):
    """When an action's owner is reminded: a few days before it is due, and once overdue."""

    BEFORE_DUE = "before_due"
    OVERDUE = "overdue"


class ActionItem(VersionedMixin, CreatedAtMixin, Base):
    """Something a meeting asked a person or an organisation to do by a date.

    An action can be closed by naming the record that fulfils it (`fulfilled_by_type` and
    `fulfilled_by_id`, a search document type and id such as a case study or lesson, or an
    attachment).
    """

    __tablename__ = "meeting_actions"
    __table_args__ = (Index("ix_meeting_actions_status_due_on", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    owner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(
        enum_type(ActionStatus, 20), default=ActionStatus.OPEN
    )
    fulfilled_by_type: Mapped[str] = mapped_column(String(40), default="")
    fulfilled_by_id: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="actions")
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    owner_organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionUpdate.id"
    )

    def __repr__(self) -> str:
        return f"<ActionItem {self.id} {self.status} due {self.due_on}>"


class ActionUpdate(CreatedAtMixin, Base):
    """A progress note on an action, and the status it moved the action to (if any)."""

    __tablename__ = "meeting_action_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_actions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ActionStatus | None] = mapped_column(enum_type(ActionStatus, 20))

    action: Mapped[ActionItem] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()


class ActionReminder(Base):
    """A reminder sent about an action; one row per (action, kind, due date) so none goes twice."""

    __tablename__ = "meeting_action_reminders"
    __table_args__ = (UniqueConstraint("action_id", "kind", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("meeting_actions.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = mapped_column(enum_type(ReminderKind, 20))
    due_on: Mapped[date]
    sent_at: Mapped[datetime]
