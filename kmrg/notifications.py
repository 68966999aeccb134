"""E-mail that goes out only once the change it reports has committed.

A service queues a message on the session; it is sent after a successful commit and dropped on
rollback, so nobody is told about a change that never happened.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import render_template
from sqlalchemy import event
from sqlalchemy.orm import Session

PENDING_KEY = "kmrg.mail.pending"
log = logging.getLogger("kmrg.mail")


def send_after_commit(
    session: Session,
    to: str,
    subject: str,
    template: str,
    *,
    reply_to: str | None = None,
    **context: Any,
) -> None:
    """Queue an e-mail rendered from templates/mail/<template>.txt until the session commits.

    `reply_to` lets the recipient answer someone other than the Hub (an external expert answers
    the member who wrote to them).
    """
    body = render_template(f"mail/{template}.txt", **context)
    session.info.setdefault(PENDING_KEY, []).append((to, subject, body, reply_to))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    from kmrg.mail import MailError, send_mail

    for to, subject, body, reply_to in session.info.pop(PENDING_KEY, []):
        try:
            send_mail(to, subject, body, reply_to=reply_to)
        except (MailError, ValueError):
            # The change itself stands; a lost notice is logged for the operator to follow up.
            # (ValueError: an address the mail module refuses as a header injection.)
            log.exception("could not send %r to %s", subject, to)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


@contextmanager
def dropping_mail(session: Session) -> Iterator[None]:
    """Drop the e-mails queued inside the block (demo content: its people are invented)."""
    before = list(session.info.get(PENDING_KEY, []))
    try:
        yield
    finally:
        session.info[PENDING_KEY] = before
