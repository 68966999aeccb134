"""E-mail that goes out only once the change it reports has committed.

A service queues a message as a row of the mail outbox (kmrg.mail) in its own transaction: a
rolled-back change sends nothing, a committed one can never lose its mail. After the commit the
process sends it at once; a failed or missed attempt is retried by `kmrg mail send-queued`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from kmrg.mail.services import queue_message

DROPPING_KEY = "kmrg.mail.dropping"


def send_after_commit(
    session: Session,
    to: str,
    subject: str,
    template: str,
    *,
    reply_to: str | None = None,
    with_html: bool = False,
    unsubscribe_url: str | None = None,
    **context: Any,
) -> None:
    """Queue an e-mail rendered from templates/mail/<template>.txt, sent once the session commits.

    `reply_to` lets the recipient answer someone other than the Hub (an external expert answers
    the member who wrote to them). `with_html` adds an HTML part from <template>.html;
    `unsubscribe_url` becomes the List-Unsubscribe header (one-click, RFC 8058).
    """
    if session.info.get(DROPPING_KEY):
        return
    body = render_template(f"mail/{template}.txt", **context)
    html_body = render_template(f"mail/{template}.html", **context) if with_html else None
    queue_message(
        session,
        to,
        subject,
        body,
        reply_to=reply_to,
        html_body=html_body,
        unsubscribe_url=unsubscribe_url,
    )


@contextmanager
def dropping_mail(session: Session) -> Iterator[None]:
    """Queue no e-mail inside the block (demo content: its people are invented)."""
    before = session.info.get(DROPPING_KEY, 0)
    session.info[DROPPING_KEY] = before + 1
    try:
        yield
    finally:
        session.info[DROPPING_KEY] = before
