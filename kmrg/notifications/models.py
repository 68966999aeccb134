"""Notifications, what people follow, and how each person wants each kind delivered."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.auth.models import User
from kmrg.models import Base, CreatedAtMixin, enum_type


class Delivery(StrEnum):
    """How a person hears of one kind of notification besides the Hub's list."""

    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"
    NEVER = "never"

    @property
    def label(self) -> str:
        return {
            "immediately": "An e-mail at once",
            "daily": "A daily digest",
            "weekly": "A weekly digest",
            "never": "Nothing by e-mail",
        }[self]


class Notification(CreatedAtMixin, Base):
    """One thing one person is told about, with a link to where it is."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The list and the unread count in the header read a person's newest first.
        Index("ix_notifications_recipient", "recipient_id", "created_at"),
        # The digest run looks for what waits to be digested.
        Index("ix_notifications_digest", "delivery", "digested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(60))
    # What it is about, as its area names it ("case_study", 12): for de-duplication and links.
    subject_type: Mapped[str] = mapped_column(String(40), default="")
    subject_id: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    # The first lines of the content itself, so a digest can be read without opening the Hub.
    excerpt: Mapped[str] = mapped_column(Text, default="")
    # A path inside the Hub ("/case-studies/x"); e-mails prefix the configured public address.
    url: Mapped[str] = mapped_column(String(500))
    # The recipient's preference for the kind when it was made: digests take only their own.
    delivery: Mapped[Delivery] = mapped_column(enum_type(Delivery, 20))
    read_at: Mapped[datetime | None]
    digested_at: Mapped[datetime | None]

    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def __repr__(self) -> str:
        return f"notification #{self.id} ({self.kind}) for user #{self.recipient_id}"


class NotificationPreference(Base):
    """A person's choice of delivery for one kind; without a row, the kind's default applies."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    delivery: Mapped[Delivery] = mapped_column(enum_type(Delivery, 20))


class Follow(CreatedAtMixin, Base):
    """A person following a theme, an organisation, a meeting series, … (a registered kind)."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        # Who follows this? is asked whenever something happens to it.
        Index("ix_follows_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int]

    user: Mapped[User] = relationship()
