"""Conversations and their messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.auth.models import User
from kmrg.experts.models import ExpertProfile
from kmrg.models import Base, CreatedAtMixin, utcnow


class Conversation(CreatedAtMixin, Base):
    """A thread between a member and an expert, begun from the expert's "Contact" form.

    `recipient` is the expert's account; an external expert has none, so they are written to at
    `recipient_email` (never shown to the sender) and reply outside the Hub.
    """

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    preferred_dates: Mapped[str] = mapped_column(String(200), default="")
    profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("expert_profiles.id", ondelete="SET NULL"), index=True
    )
    starter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    recipient_email: Mapped[str] = mapped_column(String(254), default="")
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Unread means a message arrived after the participant last opened the thread.
    starter_read_at: Mapped[datetime | None]
    recipient_read_at: Mapped[datetime | None]

    profile: Mapped[ExpertProfile | None] = relationship()
    starter: Mapped[User] = relationship(foreign_keys=[starter_id])
    recipient: Mapped[User | None] = relationship(foreign_keys=[recipient_id])
    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation",
        cascade="all, delete-orphan",
        order_by="Message.created_at, Message.id",
    )

    def __repr__(self) -> str:
        return f"<Conversation {self.id}>"


class Message(CreatedAtMixin, Base):
    """One message in a conversation, as plain text."""

    __tablename__ = "messages"
    # The sending rate limit counts a sender's recent messages.
    __table_args__ = (Index("ix_messages_sender_id_created_at", "sender_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
    sender: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Message {self.id} in {self.conversation_id}>"
