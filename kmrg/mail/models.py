"""The mail outbox: every e-mail the Hub sends, written in the transaction that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kmrg.models import Base, enum_type, utcnow


class MailStatus(StrEnum):
    """Where a message stands.

    - queued: waiting for (another) attempt at `next_attempt_at`;
    - sent: the SMTP server accepted it;
    - failed: refused for good, or every attempt failed (an administrator may retry it);
    - stored: no SMTP server is configured, so it was written to the log and kept here.
    """

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    STORED = "stored"

    @property
    def label(self) -> str:
        return {
            "queued": "Queued",
            "sent": "Sent",
            "failed": "Failed",
            "stored": "Stored (no mail server)",
        }[self]


class MailMessage(Base):
    """One e-mail to one recipient, and what became of it."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        # The delivery sweep looks for queued messages that are due.
        Index("ix_mail_messages_due", "status", "next_attempt_at"),
        # A restored Hub must not send a snapshot's queued mail (or its stale reset links) again.
        {"info": {"backup": "the mail outbox; a restore must not send old mail again"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(Text)
    # Password-reset links travel in bodies: only administrators may read them (see permissions).
    body: Mapped[str] = mapped_column(Text)
    # An HTML alternative to `body` (digests), and the address that unsubscribes the recipient.
    html_body: Mapped[str | None] = mapped_column(Text)
    unsubscribe_url: Mapped[str | None] = mapped_column(String(1000))
    reply_to: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    status: Mapped[MailStatus] = mapped_column(enum_type(MailStatus, 20), default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # While an attempt runs this is its lease: a process that dies mid-attempt leaves the message
    # to be tried again once the lease runs out.
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        # The audit log labels a message by this: recipient and subject, never the body.
        return f"e-mail #{self.id} to {self.recipient}: {self.subject}"
