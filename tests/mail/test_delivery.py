"""The outbox: every e-mail is a row written with the change that causes it, then delivered.

Delivery goes to a real SMTP server (aiosmtpd) on the loopback interface, or to a closed port to
see it fail.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from kmrg.auth.services import change_password, request_password_reset
from kmrg.extensions import db
from kmrg.mail.delivery import RETRY_DELAYS, deliver_due
from kmrg.mail.models import MailMessage, MailStatus
from kmrg.mail.services import queue_message
from kmrg.models import utcnow
from kmrg.notifications.emails import dropping_mail
from tests.factories import PASSWORD, post
from tests.test_mail import LOOPBACK, SmtpServer


def _messages(session) -> list[MailMessage]:
    session.expire_all()
    return list(session.scalars(select(MailMessage).order_by(MailMessage.id)))


def _make_due(session) -> None:
    """Let the clock pass every retry delay: queued messages are due now."""
    session.execute(
        update(MailMessage)
        .where(MailMessage.status == MailStatus.QUEUED)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()


def _reset_url(token: str) -> str:
    return f"https://hub.test/password/reset/{token}"


def test_without_smtp_a_committed_reset_mail_is_stored_in_the_outbox(client, member, outbox):
    post(client, "/password/reset", {"email": member.email})

    [message] = _messages(db.session)
    assert message.recipient == member.email
    assert message.subject == "Reset your KMRG Knowledge Hub password"
    assert "/password/reset/" in message.body
    assert message.status is MailStatus.STORED
    assert message.attempts == 1
    assert message.sent_at is not None
    # The test hook still sees it, as before the outbox.
    assert [m["To"] for m in outbox] == [member.email]


def test_a_rolled_back_change_leaves_no_mail(app, session, member, outbox):
    change_password(session, member, PASSWORD, "another-long-secret-99")
    assert len(session.scalars(select(MailMessage)).all()) == 1  # written with the change

    session.rollback()

    assert _messages(session) == []
    assert outbox == []


def test_dropping_mail_queues_nothing(app, session, member, outbox):
    with dropping_mail(session):
        change_password(session, member, PASSWORD, "another-long-secret-99")
    session.commit()

    assert _messages(session) == []
    assert outbox == []


def test_smtp_failure_keeps_the_message_queued_and_the_retry_delivers_it(
    app, session, member, closed_port, smtp_server: SmtpServer
):
    app.config.update(MAIL_SERVER=LOOPBACK, MAIL_PORT=closed_port)
    request_password_reset(session, member.email, app.config["SECRET_KEY"], _reset_url)
    started = utcnow()
    session.commit()  # the change stands although the server is down

    [message] = _messages(session)
    assert message.status is MailStatus.QUEUED
    assert message.attempts == 1
    assert f"{LOOPBACK}:{closed_port}" in message.last_error
    assert message.next_attempt_at >= started + RETRY_DELAYS[0]
    assert deliver_due(db.engine) == {}  # not due yet: nothing is tried

    app.config.update(MAIL_PORT=smtp_server.port)
    _make_due(session)
    assert deliver_due(db.engine) == {MailStatus.SENT: 1}

    [received] = smtp_server.handler.received
    assert received.envelope.rcpt_tos == [member.email]
    assert "/password/reset/" in received.message.get_content()
    [message] = _messages(session)
    assert message.status is MailStatus.SENT
    assert message.attempts == 2
    assert message.sent_at is not None
    assert message.next_attempt_at is None


def test_the_delay_grows_then_the_message_fails_after_the_last_attempt(
    app, session, member, closed_port
):
    app.config.update(MAIL_SERVER=LOOPBACK, MAIL_PORT=closed_port, MAIL_MAX_ATTEMPTS=3)
    queue_message(session, member.email, "Hello", "Body")
    session.commit()  # attempt 1

    waits = []
    for _attempt in (2, 3):
        [message] = _messages(session)
        waits.append(message.next_attempt_at - utcnow())
        _make_due(session)
        deliver_due(db.engine)

    assert waits[0] <= RETRY_DELAYS[0] < waits[1] <= RETRY_DELAYS[1]
    [message] = _messages(session)
    assert message.status is MailStatus.FAILED
    assert message.attempts == 3
    assert "Could not send" in message.last_error
    assert message.next_attempt_at is None
    assert deliver_due(db.engine) == {}  # a failed message waits for an administrator


def test_a_message_that_would_inject_headers_fails_at_once(app, session, outbox):
    queue_message(session, "a@example.org\r\nBcc: victim@example.org", "Hello", "Body")
    session.commit()

    [message] = _messages(session)
    assert message.status is MailStatus.FAILED
    assert message.attempts == 1
    assert "line breaks" in message.last_error
    assert outbox == []


def test_concurrent_deliverers_send_each_message_exactly_once(
    app, session, smtp_server: SmtpServer
):
    app.config.update(MAIL_SERVER=LOOPBACK, MAIL_PORT=smtp_server.port)
    later = utcnow() + timedelta(hours=1)
    # Rows as a process that died after its commit leaves them: queued, none delivered yet.
    session.execute(
        MailMessage.__table__.insert(),
        [
            {
                "recipient": f"person{number}@example.org",
                "subject": f"Message {number}",
                "body": "Body",
                "status": MailStatus.QUEUED,
                "attempts": 0,
                "created_at": utcnow(),
                "next_attempt_at": later,
            }
            for number in range(30)
        ],
    )
    session.commit()
    _make_due(session)

    start = threading.Barrier(4)
    outcomes = []
    errors = []

    def deliver() -> None:
        try:
            with app.app_context():
                start.wait()
                outcomes.append(deliver_due(db.engine))
        except Exception as error:  # reported below: a thread's exception would vanish
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    subjects = sorted(r.message["Subject"] for r in smtp_server.handler.received)
    assert subjects == sorted(f"Message {number}" for number in range(30))
    assert sum(outcome[MailStatus.SENT] for outcome in outcomes) == 30
    messages = _messages(session)
    assert {m.status for m in messages} == {MailStatus.SENT}
    assert {m.attempts for m in messages} == {1}


@pytest.mark.parametrize("status", [MailStatus.SENT, MailStatus.STORED, MailStatus.FAILED])
def test_send_queued_command_delivers_due_mail_and_prunes_old_mail(
    app, session, smtp_server: SmtpServer, status
):
    from kmrg.cli import main

    app.config.update(MAIL_SERVER=LOOPBACK, MAIL_PORT=smtp_server.port, MAIL_KEEP_DAYS=90)
    old = utcnow() - timedelta(days=91)
    session.execute(
        MailMessage.__table__.insert(),
        [
            {
                "recipient": "old@example.org",
                "subject": "Old",
                "body": "Body",
                "status": status,
                "attempts": 1,
                "created_at": old,
            },
            {
                "recipient": "recent@example.org",
                "subject": "Recent",
                "body": "Body",
                "status": status,
                "attempts": 1,
                "created_at": utcnow() - timedelta(days=89),
            },
            {
                "recipient": "due@example.org",
                "subject": "Due",
                "body": "Body",
                "status": MailStatus.QUEUED,
                "attempts": 0,
                "created_at": old,
                "next_attempt_at": utcnow() - timedelta(minutes=1),
            },
        ],
    )
    session.commit()

    result = app.test_cli_runner().invoke(main, args=["mail", "send-queued"])

    assert result.exit_code == 0, result.output
    assert "Tried 1 queued message(s): 1 sent." in result.output
    assert "Pruned 1 message(s) older than 90 days." in result.output
    assert [r.message["Subject"] for r in smtp_server.handler.received] == ["Due"]
    remaining = {m.subject: m.status for m in _messages(session)}
    assert remaining == {"Recent": status, "Due": MailStatus.SENT}


def test_a_savepoint_ending_neither_sends_nor_forgets_the_transactions_mail(app, session, outbox):
    # SQLAlchemy reports a savepoint's release as a commit: sending then would mail about a change
    # that may still roll back, and a savepoint's rollback must not drop the outer queue.
    queue_message(session, "first@example.org", "First", "Queued before the savepoint.")
    with session.begin_nested():
        queue_message(session, "second@example.org", "Second", "Queued inside it.")
    assert outbox == []
    savepoint = session.begin_nested()
    queue_message(session, "third@example.org", "Third", "Rolled back with its savepoint.")
    savepoint.rollback()
    assert outbox == []

    session.commit()

    assert sorted(m["To"] for m in outbox) == ["first@example.org", "second@example.org"]
