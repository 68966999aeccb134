"""Each process's mail sweep sends what is due on its own timer, without a request or cron."""

from __future__ import annotations

import time

from sqlalchemy import select

from kmrg.mail.models import MailMessage, MailStatus
from kmrg.mail.sweep import EXTENSION_KEY
from kmrg.models import utcnow
from tests.conftest import make_app
from tests.test_mail import LOOPBACK, SmtpServer


def test_the_sweep_sends_mail_a_dead_process_left_queued(
    app, session, migrated, tmp_path, smtp_server: SmtpServer
):
    # Committed, never delivered: what a worker killed straight after its commit leaves.
    session.execute(
        MailMessage.__table__.insert(),
        {
            "recipient": "thandi@durban.example.org",
            "subject": "Your account is active",
            "body": "Welcome.",
            "status": MailStatus.QUEUED,
            "attempts": 0,
            "created_at": utcnow(),
            "next_attempt_at": utcnow(),
        },
    )
    session.commit()

    worker = make_app(
        migrated,
        tmp_path / "worker",
        MAIL_SERVER=LOOPBACK,
        MAIL_PORT=smtp_server.port,
        MAIL_SWEEP_SECONDS=0.05,
    )
    sweep = worker.extensions[EXTENSION_KEY]
    try:
        deadline = time.monotonic() + 60  # a bound for a loaded machine, not a speed target
        while not smtp_server.handler.received and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)  # a few more rounds: none may send it again
    finally:
        sweep.stop()

    assert [r.message["Subject"] for r in smtp_server.handler.received] == [
        "Your account is active"
    ]
    session.expire_all()
    message = session.scalars(select(MailMessage)).one()
    assert message.status is MailStatus.SENT
    assert message.attempts == 1


def test_without_a_sweep_interval_no_thread_starts(app):
    assert EXTENSION_KEY not in app.extensions
