"""Outgoing mail, sent to a real SMTP server (aiosmtpd) listening on the loopback interface."""

from __future__ import annotations

import email
import logging
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from flask import Flask

from kmrg.mail import (
    DEFAULT_SENDER,
    MailError,
    MailSettings,
    build_message,
    deliver,
    send_mail,
)

LOOPBACK = "127.0.0.1"
USERNAME = "champion"
PASSWORD = "s3cret"
# Spelled with a named escape because ruff flags a literal en dash as a likely typo.
NON_ASCII = "eThekwini \N{EN DASH} Ŝ ü"


@dataclass
class Received:
    """One message as the server saw it, with the login its session authenticated, if any."""

    envelope: Envelope
    login: bytes | None

    @property
    def message(self) -> EmailMessage:
        """Parse the delivered bytes the way a mail client would."""
        parsed = email.message_from_bytes(self.envelope.original_content, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that accepts every message and keeps it for the test."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        """Refuse the addresses in `refuse` and accept the rest."""
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        """Keep the envelope and accept it."""
        login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None
        self.received.append(Received(envelope, login))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    """A running test server: where it listens and what it has received."""

    port: int
    handler: RecordingHandler

    def settings(self, **changes: Any) -> MailSettings:
        """Return settings that point at this server."""
        base = MailSettings(
            server=LOOPBACK,
            port=self.port,
            username=None,
            password=None,
            use_tls=False,
            use_ssl=False,
            sender=DEFAULT_SENDER,
            timeout=5.0,
        )
        return replace(base, **changes)


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    valid = isinstance(auth_data, LoginPassword) and auth_data == (
        USERNAME.encode(),
        PASSWORD.encode(),
    )
    # handled=False lets aiosmtpd answer a failure with its standard 535 reply.
    return AuthResult(success=valid, handled=False, auth_data=auth_data)


def _free_port() -> int:
    # Controller needs a concrete port: it connects to it once to check the server is up.
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _run_server(**smtp_options: Any) -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    controller = Controller(
        handler,
        hostname=LOOPBACK,
        port=_free_port(),
        # A fixed name spares the server a reverse lookup of its own host.
        server_hostname="localhost",
        **smtp_options,
    )
    controller.start()
    try:
        yield SmtpServer(controller.port, handler)
    finally:
        # Stopping closes the server's socket and event loop, which would otherwise be reported
        # as unclosed resources.
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """Run an SMTP server that accepts mail without a login."""
    yield from _run_server()


@pytest.fixture
def auth_smtp_server() -> Iterator[SmtpServer]:
    """Run an SMTP server that offers AUTH over plain text and checks the credentials."""
    # Plain-text AUTH is only acceptable because the server is on the loopback interface.
    yield from _run_server(auth_require_tls=False, authenticator=_authenticate)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """Yield a loopback port that refuses connections."""
    # A bound socket that never listens refuses connections and keeps the port from being reused.
    with socket.socket() as holder:
        holder.bind((LOOPBACK, 0))
        yield holder.getsockname()[1]


def test_message_arrives_with_headers_and_non_ascii_body(smtp_server: SmtpServer) -> None:
    settings = smtp_server.settings(sender=f"{NON_ASCII} <hub@kmrg.example.org>")
    body = f"Sawubona,\n\nA new case study from {NON_ASCII} is waiting for you.\n"
    deliver(
        settings,
        build_message(settings, "thandi@durban.example.org", f"Welcome to {NON_ASCII}", body),
    )

    [received] = smtp_server.handler.received
    assert received.envelope.mail_from == "hub@kmrg.example.org"
    assert received.envelope.rcpt_tos == ["thandi@durban.example.org"]
    message = received.message
    assert message["From"] == f"{NON_ASCII} <hub@kmrg.example.org>"
    assert message["To"] == "thandi@durban.example.org"
    assert message["Subject"] == f"Welcome to {NON_ASCII}"
    assert message["Date"]
    assert message["Message-ID"].endswith("@kmrg.example.org>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    # The wire uses CRLF line ends, which the parsed body keeps.
    assert message.get_content().replace("\r\n", "\n") == body
    # Quoted-printable keeps the wire 7-bit clean for relays that do not accept 8BITMIME.
    assert received.envelope.original_content.isascii()


def test_multiple_recipients_receive_one_message(smtp_server: SmtpServer) -> None:
    settings = smtp_server.settings()
    to = ["thandi@durban.example.org", "Pieter <pieter@capetown.example.org>"]
    deliver(settings, build_message(settings, to, "Theme meeting", "See you on Thursday."))

    [received] = smtp_server.handler.received
    assert received.envelope.rcpt_tos == [
        "thandi@durban.example.org",
        "pieter@capetown.example.org",
    ]
    assert received.message["To"].addresses[1].display_name == "Pieter"


def test_partly_refused_recipients_are_logged(
    smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.handler.refuse.add("gone@example.org")
    settings = smtp_server.settings()
    message = build_message(settings, ["a@example.org", "gone@example.org"], "Hello", "Body")

    with caplog.at_level(logging.WARNING, logger="kmrg.mail"):
        deliver(settings, message)

    [received] = smtp_server.handler.received
    assert received.envelope.rcpt_tos == ["a@example.org"]
    assert "gone@example.org" in caplog.text


def test_all_recipients_refused_raises_mail_error(smtp_server: SmtpServer) -> None:
    smtp_server.handler.refuse.add("gone@example.org")
    settings = smtp_server.settings()

    with pytest.raises(MailError, match=re.escape("gone@example.org")):
        deliver(settings, build_message(settings, "gone@example.org", "Hello", "Body"))
    assert smtp_server.handler.received == []


def test_reply_to_is_set(smtp_server: SmtpServer) -> None:
    settings = smtp_server.settings()
    message = build_message(
        settings, "a@example.org", "Question", "Body", reply_to="champion@example.org"
    )
    deliver(settings, message)

    [received] = smtp_server.handler.received
    assert received.message["Reply-To"] == "champion@example.org"


@pytest.mark.parametrize(
    ("to", "subject", "reply_to"),
    [
        ("a@example.org", "Hello\r\nBcc: victim@example.org", None),
        ("a@example.org", "Hello\nX-Injected: yes", None),
        ("a@example.org\r\nBcc: victim@example.org", "Hello", None),
        (["a@example.org", "b@example.org\nBcc: victim@example.org"], "Hello", None),
        ("a@example.org", "Hello", "r@example.org\r\nBcc: victim@example.org"),
        # One string holding two addresses would quietly add a recipient.
        ("a@example.org, victim@example.org", "Hello", None),
        ([], "Hello", None),
    ],
)
def test_header_injection_raises_and_sends_nothing(
    smtp_server: SmtpServer, to: str | list[str], subject: str, reply_to: str | None
) -> None:
    app = Flask(__name__)
    app.config.update(MAIL_SERVER=LOOPBACK, MAIL_PORT=smtp_server.port, MAIL_OUTBOX=[])

    with app.app_context(), pytest.raises(ValueError, match="e-mail"):
        send_mail(to, subject, "Body", reply_to=reply_to)

    assert smtp_server.handler.received == []
    assert app.config["MAIL_OUTBOX"] == []


def test_without_a_server_mail_is_written_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    settings = MailSettings.from_config({})
    body = "Reset your password: https://hub.example.org/reset/" + "x" * 90
    message = build_message(settings, "thandi@durban.example.org", NON_ASCII, body)

    with caplog.at_level(logging.INFO, logger="kmrg.mail"):
        deliver(settings, message)

    [record] = caplog.records
    assert record.name == "kmrg.mail"
    assert record.levelno == logging.INFO
    text = record.getMessage()
    assert f"Subject: {NON_ASCII}" in text
    assert "To: thandi@durban.example.org" in text
    assert f"From: {DEFAULT_SENDER}" in text
    assert "Message-ID: <" in text
    # Decoded, so the long link survives intact rather than being broken by soft line breaks.
    assert body in text


def test_closed_port_raises_mail_error(closed_port: int) -> None:
    settings = replace(MailSettings.from_config({"MAIL_SERVER": LOOPBACK}), port=closed_port)
    message = build_message(settings, "a@example.org", "Hello", "Body")

    with pytest.raises(MailError, match=re.escape(f"{LOOPBACK}:{closed_port}")) as caught:
        deliver(settings, message)
    assert isinstance(caught.value.__cause__, OSError)


def test_login_sends_credentials(auth_smtp_server: SmtpServer) -> None:
    settings = auth_smtp_server.settings(username=USERNAME, password=PASSWORD)
    deliver(settings, build_message(settings, "a@example.org", "Hello", "Body"))

    [received] = auth_smtp_server.handler.received
    assert received.login == USERNAME.encode()


def test_non_ascii_password_raises_mail_error(auth_smtp_server: SmtpServer) -> None:
    # smtplib encodes credentials as ASCII, so such a password can never be sent.
    settings = auth_smtp_server.settings(username=USERNAME, password=NON_ASCII)

    with pytest.raises(MailError, match="ASCII"):
        deliver(settings, build_message(settings, "a@example.org", "Hello", "Body"))
    assert auth_smtp_server.handler.received == []


def test_wrong_password_raises_mail_error(auth_smtp_server: SmtpServer) -> None:
    settings = auth_smtp_server.settings(username=USERNAME, password="wrong")

    with pytest.raises(MailError, match="535") as caught:
        deliver(settings, build_message(settings, "a@example.org", "Hello", "Body"))
    assert caught.value.__cause__ is not None
    assert auth_smtp_server.handler.received == []


def test_send_mail_reads_app_config_and_records_outbox(smtp_server: SmtpServer) -> None:
    app = Flask(__name__)
    app.config.update(
        MAIL_SERVER=LOOPBACK,
        MAIL_PORT=smtp_server.port,
        MAIL_SENDER="Hub <hub@kmrg.example.org>",
        MAIL_OUTBOX=[],
    )

    with app.app_context():
        send_mail("thandi@durban.example.org", "Approved", "Your account is active.")

    [received] = smtp_server.handler.received
    assert received.envelope.mail_from == "hub@kmrg.example.org"
    assert received.message["Subject"] == "Approved"
    [recorded] = app.config["MAIL_OUTBOX"]
    assert recorded["Message-ID"] == received.message["Message-ID"]


def test_send_mail_raises_mail_error_and_records_nothing_when_unreachable(
    closed_port: int,
) -> None:
    app = Flask(__name__)
    app.config.update(MAIL_SERVER=LOOPBACK, MAIL_PORT=closed_port, MAIL_OUTBOX=[])

    with app.app_context(), pytest.raises(MailError):
        send_mail("a@example.org", "Hello", "Body")
    assert app.config["MAIL_OUTBOX"] == []


def test_from_config_defaults_and_hidden_password() -> None:
    settings = MailSettings.from_config({"MAIL_USERNAME": "hub", "MAIL_PASSWORD": "top-secret"})

    assert settings.server is None
    assert settings.port == 25
    assert settings.sender == DEFAULT_SENDER
    assert not settings.use_tls
    assert not settings.use_ssl
    assert settings.timeout == 10.0
    assert "top-secret" not in repr(settings)


def test_tls_and_ssl_together_are_rejected() -> None:
    with pytest.raises(ValueError, match="exclude each other"):
        MailSettings.from_config({"MAIL_USE_TLS": True, "MAIL_USE_SSL": True})
