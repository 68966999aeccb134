"""E-mail with a Reply-To, sent only once the message it carries has committed.

kmrg.notifications.send_after_commit has no Reply-To; an external expert (no Hub account) needs
one to answer the sender directly. This queue works the same way — sent after commit, dropped on
rollback — and can go once send_after_commit accepts a reply_to.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import render_template
from sqlalchemy import event
from sqlalchemy.orm import Session

PENDING_KEY = "kmrg.inbox.mail.pending"
log = logging.getLogger("kmrg.mail")


def send_after_commit_with_reply_to(
    session: Session, to: str, reply_to: str, subject: str, template: str, **context: Any
) -> None:
    """Queue an e-mail from templates/mail/<template>.txt, answered to `reply_to`, until commit."""
    body = render_template(f"mail/{template}.txt", **context)
    session.info.setdefault(PENDING_KEY, []).append((to, reply_to, subject, body))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    from kmrg.mail import MailError, send_mail

    for to, reply_to, subject, body in session.info.pop(PENDING_KEY, []):
        try:
            send_mail(to, subject, body, reply_to=reply_to)
        except (MailError, ValueError):
            # The message is stored in the sender's inbox; a lost notice is for the operator.
            # (ValueError: an address the mail module refuses; the commit has happened anyway.)
            log.exception("could not send %r to %s", subject, to)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
