"""Read the outbox."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kmrg.mail.models import MailMessage, MailStatus


def mail_messages_query(status: MailStatus | None = None) -> Select[tuple[MailMessage]]:
    """Return a query of outbox messages, newest first, of one status if given."""
    query = select(MailMessage).order_by(MailMessage.created_at.desc(), MailMessage.id.desc())
    if status is not None:
        query = query.where(MailMessage.status == status)
    return query


def count_failed_messages(session: Session) -> int:
    """Count the messages that failed for good and wait for an administrator."""
    return (
        session.scalar(
            select(func.count())
            .select_from(MailMessage)
            .where(MailMessage.status == MailStatus.FAILED)
        )
        or 0
    )
