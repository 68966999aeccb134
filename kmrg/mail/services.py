"""Write the outbox: queue a message, retry a failed one, prune old ones (flush, never commit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.mail import delivery  # noqa: F401  (delivers queued messages after each commit)
from kmrg.mail.models import MailMessage, MailStatus
from kmrg.mail.permissions import can_retry_message, can_view_outbox
from kmrg.models import utcnow

FINISHED = (MailStatus.SENT, MailStatus.STORED, MailStatus.FAILED)


def queue_message(
    session: Session,
    recipient: str,
    subject: str,
    body: str,
    reply_to: str | None = None,
    *,
    html_body: str | None = None,
    unsubscribe_url: str | None = None,
) -> MailMessage:
    """Add a message to the outbox in the session's transaction; it is sent after the commit.

    `html_body` is sent as an alternative to the plain `body`; `unsubscribe_url` becomes the
    List-Unsubscribe header, with List-Unsubscribe-Post for one-click unsubscribing.
    """
    message = MailMessage(
        recipient=recipient,
        subject=subject,
        body=body,
        html_body=html_body,
        unsubscribe_url=unsubscribe_url,
        reply_to=reply_to,
        status=MailStatus.QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def retry_message(session: Session, actor: Any, message: MailMessage) -> None:
    """Queue a failed message for one more attempt, now.

    Raises PermissionDenied unless the actor may retry it, ValidationError if it has not failed
    (someone retried it meanwhile).
    """
    if not can_view_outbox(actor):
        raise PermissionDenied
    if not can_retry_message(actor, message):
        raise ValidationError("That message has not failed: it was retried already.")
    message.status = MailStatus.QUEUED
    message.next_attempt_at = utcnow()
    record_event(session, actor, "mail.retried", message)
    session.flush()


def prune_messages(session: Session, before: datetime) -> int:
    """Delete sent, stored and failed messages created and sent before `before`; return how many.

    Queued messages stay, however old: they have not been sent yet.
    """
    result = session.execute(
        delete(MailMessage)
        .where(
            MailMessage.status.in_(FINISHED),
            MailMessage.created_at < before,
            or_(MailMessage.sent_at.is_(None), MailMessage.sent_at < before),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
