"""Deliver queued messages: claim one, send it outside any transaction, record the outcome.

A claim is one conditional UPDATE (queued, due, this id) that bumps the attempt count and moves
`next_attempt_at` a lease into the future. Only one process's UPDATE can match: on PostgreSQL the
second waits for the first's row lock and then re-checks the condition; on SQLite writers take
turns (BEGIN IMMEDIATE). The SMTP conversation happens after the claim has committed, so no
database lock is held while a mail server is slow. A process that dies mid-attempt leaves the
message queued, due again when its lease runs out; SMTP cannot be undone, so a message whose
server accepted it just before such a death may be sent twice, never zero times.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import Engine, event, select, update
from sqlalchemy.orm import Session, UOWTransaction

from kmrg.database import ends_a_savepoint, write_transactions
from kmrg.extensions import db
from kmrg.mail.models import MailMessage, MailStatus
from kmrg.mail.transport import MailError, send_mail
from kmrg.models import utcnow

log = logging.getLogger("kmrg.mail")

# Longer than any SMTP conversation (each step times out after MAIL_TIMEOUT, 10 s by default).
LEASE = timedelta(minutes=10)
# The wait after the first, second, third … failed attempt; the last repeats.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
DEFAULT_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class _Claimed:
    id: int
    recipient: str
    subject: str
    body: str
    reply_to: str | None
    attempts: int
    html_body: str | None = None
    unsubscribe_url: str | None = None


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait after the given number of failed attempts."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def _claim(engine: Engine, message_id: int, now: datetime) -> _Claimed | None:
    with Session(engine) as session, write_transactions():
        claimed = session.execute(
            update(MailMessage)
            .where(
                MailMessage.id == message_id,
                MailMessage.status == MailStatus.QUEUED,
                MailMessage.next_attempt_at <= now,
            )
            .values(attempts=MailMessage.attempts + 1, next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            session.rollback()
            return None
        row = session.execute(
            select(
                MailMessage.recipient,
                MailMessage.subject,
                MailMessage.body,
                MailMessage.reply_to,
                MailMessage.attempts,
                MailMessage.html_body,
                MailMessage.unsubscribe_url,
            ).where(MailMessage.id == message_id)
        ).one()
        session.commit()
    return _Claimed(message_id, *row)


def _record(engine: Engine, claimed: _Claimed, **values: object) -> None:
    with Session(engine) as session, write_transactions():
        # Matching the attempt count leaves alone a message whose lease ran out and which another
        # process claimed again meanwhile: that process records its own outcome.
        session.execute(
            update(MailMessage)
            .where(MailMessage.id == claimed.id, MailMessage.attempts == claimed.attempts)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        session.commit()


def deliver_message(engine: Engine, message_id: int) -> MailStatus | None:
    """Try to send one queued, due message; return its new status, or None if not claimed.

    None means another process has it, it is not due, or it is no longer queued. Needs an app
    context (the MAIL_* settings).
    """
    claimed = _claim(engine, message_id, utcnow())
    if claimed is None:
        return None
    config = current_app.config
    try:
        send_mail(
            claimed.recipient,
            claimed.subject,
            claimed.body,
            reply_to=claimed.reply_to,
            html_body=claimed.html_body,
            unsubscribe_url=claimed.unsubscribe_url,
        )
    except ValueError as error:
        # An address or subject that would inject headers: no attempt can ever succeed.
        log.error("refused to send e-mail #%s: %s", claimed.id, error)
        _record(
            engine, claimed, status=MailStatus.FAILED, last_error=str(error), next_attempt_at=None
        )
        return MailStatus.FAILED
    except MailError as error:
        max_attempts = int(config.get("MAIL_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS)
        if claimed.attempts >= max_attempts:
            log.error(
                "gave up on e-mail #%s after %s attempts: %s", claimed.id, claimed.attempts, error
            )
            _record(
                engine,
                claimed,
                status=MailStatus.FAILED,
                last_error=str(error),
                next_attempt_at=None,
            )
            return MailStatus.FAILED
        retry_at = utcnow() + retry_delay(claimed.attempts)
        log.warning("e-mail #%s not sent, retrying at %s: %s", claimed.id, retry_at, error)
        _record(engine, claimed, last_error=str(error), next_attempt_at=retry_at)
        return MailStatus.QUEUED
    status = MailStatus.SENT if config.get("MAIL_SERVER") else MailStatus.STORED
    _record(engine, claimed, status=status, sent_at=utcnow(), next_attempt_at=None)
    return status


def due_message_ids(engine: Engine, now: datetime | None = None) -> list[int]:
    """Return the ids of queued messages whose next attempt is due, oldest first."""
    with Session(engine) as session:
        return list(
            session.scalars(
                select(MailMessage.id)
                .where(
                    MailMessage.status == MailStatus.QUEUED,
                    MailMessage.next_attempt_at <= (now or utcnow()),
                )
                .order_by(MailMessage.next_attempt_at, MailMessage.id)
            )
        )


def deliver_due(engine: Engine) -> Counter[MailStatus]:
    """Try every due message once; count the outcomes (those another process had are skipped)."""
    outcomes: Counter[MailStatus] = Counter()
    for message_id in due_message_ids(engine):
        status = deliver_message(engine, message_id)
        if status is not None:
            outcomes[status] += 1
    return outcomes


# After each commit, the process tries at once the messages that commit queued. The rows are the
# promise, this is only the fast path: whatever it misses (a dead process, a failed server) the
# sweep (`kmrg mail send-queued`) delivers.
QUEUED_IDS_KEY = "kmrg.mail.queued_ids"


@event.listens_for(Session, "after_flush")
def _note_queued_messages(session: Session, _flush_context: UOWTransaction) -> None:
    queued = {
        obj.id
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, MailMessage) and obj.status is MailStatus.QUEUED
    }
    if queued:
        session.info.setdefault(QUEUED_IDS_KEY, set()).update(queued)


@event.listens_for(Session, "after_commit")
def _deliver_queued_messages(session: Session) -> None:
    if ends_a_savepoint(session):
        return
    message_ids = session.info.pop(QUEUED_IDS_KEY, None)
    if not message_ids or not has_app_context():
        return
    engine = db.engine
    for message_id in sorted(message_ids):
        try:
            deliver_message(engine, message_id)
        except Exception:  # the change has committed: never fail it; the row stays for the sweep
            log.exception("could not deliver e-mail #%s now; it stays queued", message_id)


@event.listens_for(Session, "after_rollback")
def _forget_queued_messages(session: Session) -> None:
    if ends_a_savepoint(session):
        return
    session.info.pop(QUEUED_IDS_KEY, None)
