"""Outgoing e-mail: build a message with the standard library, then send it over SMTP.

Without a configured server, mail is written to the log instead, so a fresh development machine
works without any mail set-up and its password-reset links can be read from the console.

This is the transport only. The Hub's code queues mail in the outbox (kmrg.notifications.emails
.send_after_commit); kmrg.mail.delivery hands each queued message to `send_mail`.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from typing import Any

from flask import current_app

__all__ = [
    "DEFAULT_SENDER",
    "MailError",
    "MailSettings",
    "build_message",
    "deliver",
    "send_mail",
]

DEFAULT_SENDER = "KMRG Knowledge Hub <no-reply@kmrg.example.org>"
log = logging.getLogger("kmrg.mail")

# A line break in a header value would let the caller start a header (or the body) of their own.
_FORBIDDEN_IN_HEADERS = frozenset("\r\n\x00")


class MailError(Exception):
    """The mail server could not be reached, refused the login or refused the message."""


@dataclass(frozen=True)
class MailSettings:
    """How the Hub reaches its SMTP server; without a server, mail goes to the log."""

    server: str | None
    port: int
    username: str | None
    # Kept out of repr so that settings in a traceback or log line do not leak the secret.
    password: str | None = field(repr=False)
    use_tls: bool
    use_ssl: bool
    sender: str
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if self.use_tls and self.use_ssl:
            # STARTTLS upgrades a plain connection; on an SMTPS connection it has nothing to do.
            raise ValueError("MAIL_USE_TLS and MAIL_USE_SSL exclude each other; choose one.")
        _check_header("sender", self.sender)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        """Read the settings from a Flask config (the MAIL_* keys)."""
        return cls(
            server=config.get("MAIL_SERVER") or None,
            port=int(config.get("MAIL_PORT") or 25),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            use_tls=bool(config.get("MAIL_USE_TLS", False)),
            use_ssl=bool(config.get("MAIL_USE_SSL", False)),
            sender=config.get("MAIL_SENDER") or DEFAULT_SENDER,
            timeout=float(config.get("MAIL_TIMEOUT") or 10.0),
        )


def _check_header(name: str, value: str) -> None:
    if any(char in _FORBIDDEN_IN_HEADERS for char in value):
        raise ValueError(f"The {name} of an e-mail may not contain line breaks or NUL characters.")


def _check_address(name: str, value: str) -> str:
    _check_header(name, value)
    # One string must name one mailbox: "a@x, b@y" would quietly add a recipient nobody chose.
    addresses = getaddresses([value])
    if len(addresses) != 1 or "@" not in addresses[0][1]:
        raise ValueError(f"The {name} of an e-mail must be exactly one address, not {value!r}.")
    return value.strip()


def build_message(
    settings: MailSettings,
    to: str | Sequence[str],
    subject: str,
    body: str,
    reply_to: str | None = None,
    *,
    html_body: str | None = None,
    unsubscribe_url: str | None = None,
) -> EmailMessage:
    """Build a plain-text UTF-8 message; raise ValueError on anything that could inject headers.

    With `html_body` the message is multipart/alternative; with `unsubscribe_url` it carries
    List-Unsubscribe and List-Unsubscribe-Post (RFC 8058: mail clients unsubscribe in one click).
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        raise ValueError("An e-mail needs at least one recipient.")
    recipients = [_check_address("recipient", recipient) for recipient in recipients]
    _check_header("subject", subject)

    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(recipients)
    if reply_to is not None:
        message["Reply-To"] = _check_address("reply-to address", reply_to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    # The sender's domain, not socket.getfqdn(): that can stall on DNS and would reveal the host.
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "kmrg.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    if unsubscribe_url is not None:
        _check_header("unsubscribe address", unsubscribe_url)
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable keeps the message 7-bit clean for any relay while staying legible.
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    if html_body is not None:
        message.add_alternative(html_body, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def _as_log_text(message: EmailMessage) -> str:
    headers = "\n".join(f"{name}: {value}" for name, value in message.items())
    # The decoded body, not the quoted-printable one, so links can be copied from the log intact.
    plain = message.get_body(preferencelist=("plain",)) or message
    return f"{headers}\n\n{plain.get_content()}"


def _tls_context() -> ssl.SSLContext:
    # Without an explicit context smtplib verifies neither the certificate nor the host name.
    return ssl.create_default_context()


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    try:
        smtp.login(username, password)
    except UnicodeEncodeError as error:
        # smtplib encodes credentials as ASCII; a ValueError here would slip past callers that
        # are prepared for MailError.
        raise MailError(
            "Could not log in: smtplib accepts only ASCII user names and passwords."
        ) from error


def deliver(settings: MailSettings, message: EmailMessage) -> None:
    """Send the message over SMTP, or write it to the log when no server is configured.

    Raises MailError when the server cannot be reached, the TLS handshake or login fails, or the
    server refuses the message for every recipient. If only some recipients are refused, the
    message has gone to the others, so the refusals are logged as a warning instead.
    """
    if not settings.server:
        log.info("without a server, mail is written to the log:\n%s", _as_log_text(message))
        return

    try:
        if settings.use_ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.server, settings.port, timeout=settings.timeout, context=_tls_context()
            )
        else:
            smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.use_tls:
                smtp.starttls(context=_tls_context())
            if settings.username:
                _login(smtp, settings.username, settings.password or "")
            refused = smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(
            f"Could not send {message['Subject']!r} via {settings.server}:{settings.port}: {error}"
        ) from error
    if refused:
        log.warning("%s refused %r for %s", settings.server, message["Subject"], sorted(refused))


def send_mail(
    to: str | Sequence[str],
    subject: str,
    body: str,
    reply_to: str | None = None,
    *,
    html_body: str | None = None,
    unsubscribe_url: str | None = None,
) -> None:
    """Send an e-mail using the current app's MAIL_* settings.

    Raises ValueError if a header would be injected, and MailError if the SMTP server cannot be
    reached or refuses the message; callers decide whether that failure should stop them. When
    the app's MAIL_OUTBOX config is a list, each delivered message is also appended to it so that
    tests can observe what was sent.
    """
    config = current_app.config
    settings = MailSettings.from_config(config)
    message = build_message(
        settings, to, subject, body, reply_to, html_body=html_body, unsubscribe_url=unsubscribe_url
    )
    deliver(settings, message)
    outbox = config.get("MAIL_OUTBOX")
    if isinstance(outbox, list):
        outbox.append(message)
