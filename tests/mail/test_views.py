"""The outbox page: administrators read every message the Hub sent; nobody else sees one."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.extensions import db
from kmrg.mail.models import MailMessage, MailStatus
from kmrg.mail.services import queue_message
from kmrg.mail.views import PER_PAGE
from tests.factories import post, sign_in
from tests.test_mail import LOOPBACK, SmtpServer


@pytest.fixture
def reset_mail(client, member) -> MailMessage:
    """The password-reset mail of a Hub without a mail server: stored, link and all."""
    post(client, "/password/reset", {"email": member.email})
    return db.session.scalars(select(MailMessage)).one()


@pytest.fixture
def failed_mail(session, member) -> MailMessage:
    message = MailMessage(
        recipient=member.email,
        subject="Your case study was published",
        body="Read it at https://hub.test/case-studies/x",
        status=MailStatus.FAILED,
        attempts=5,
        last_error="Could not send: connection refused",
        next_attempt_at=None,
    )
    session.add(message)
    session.commit()
    return message


def _text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def test_the_stored_reset_mail_is_readable_by_an_administrator(client, admin, member, reset_mail):
    sign_in(client, admin)

    listing = client.get("/admin/mail/")
    assert listing.status_code == 200
    assert listing.headers["Cache-Control"] == "no-store"
    text = _text(listing)
    assert member.email in text
    assert "Reset your KMRG Knowledge Hub password" in text
    assert "Stored (no mail server)" in text

    page = client.get(f"/admin/mail/{reset_mail.id}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    link = re.search(r"https?://\S+/password/reset/\S+", reset_mail.body).group(0)
    assert link in page.get_data(as_text=True)
    assert "Retry now" not in page.get_data(as_text=True)  # it was not a failure


@pytest.mark.parametrize("role", ["member", "champion"])
def test_nobody_but_an_administrator_sees_the_outbox(request, client, role, reset_mail):
    sign_in(client, request.getfixturevalue(role))
    for path in ("/admin/mail/", f"/admin/mail/{reset_mail.id}"):
        response = client.get(path)
        assert response.status_code == 403
        assert "/password/reset/" not in response.get_data(as_text=True)
    assert post(client, f"/admin/mail/{reset_mail.id}/retry").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, reset_mail):
    for response in (
        client.get("/admin/mail/"),
        client.get(f"/admin/mail/{reset_mail.id}"),
        post(client, f"/admin/mail/{reset_mail.id}/retry"),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_an_unknown_message_is_404(client, admin):
    sign_in(client, admin)
    assert client.get("/admin/mail/999999").status_code == 404
    assert post(client, "/admin/mail/999999/retry").status_code == 404


def test_a_body_is_shown_as_escaped_plain_text(client, session, admin):
    message = queue_message(
        session, "a@example.org", "<b>Bold</b> subject", "Hello <script>alert(1)</script>\nBye"
    )
    session.commit()
    sign_in(client, admin)

    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;\nBye" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; subject" in page


def test_the_list_filters_by_status_and_pages_newest_first(client, session, admin, failed_mail):
    for number in range(PER_PAGE + 1):
        queue_message(session, f"p{number}@example.org", f"Notice {number:03}", "Body")
    session.commit()
    sign_in(client, admin)

    first = _text(client.get("/admin/mail/"))
    assert f"{PER_PAGE + 2} messages, newest first" in first
    assert "Notice 050" in first and "Notice 000" not in first
    assert "Page 1 of 2" in first
    assert "Notice 000" in _text(client.get("/admin/mail/?page=2"))

    failed = _text(client.get("/admin/mail/?status=failed"))
    assert "1 message" in failed and "Your case study was published" in failed
    assert "Notice" not in failed
    # A status that does not exist shows everything rather than an error.
    assert client.get("/admin/mail/?status=nonsense").status_code == 200


def test_retry_now_sends_a_failed_message(
    app, client, session, admin, member, failed_mail, smtp_server: SmtpServer
):
    app.config.update(MAIL_SERVER=LOOPBACK, MAIL_PORT=smtp_server.port)
    sign_in(client, admin)
    page = client.get(f"/admin/mail/{failed_mail.id}").get_data(as_text=True)
    assert "Retry now" in page

    response = post(client, f"/admin/mail/{failed_mail.id}/retry", follow_redirects=True)

    assert response.status_code == 200
    assert "The message was sent." in _text(response)
    [received] = smtp_server.handler.received
    assert received.envelope.rcpt_tos == [member.email]
    session.expire_all()
    assert failed_mail.status is MailStatus.SENT
    assert failed_mail.attempts == 6
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.retried")).one()
    assert event.actor_id == admin.id


def test_retry_of_a_message_that_has_not_failed_changes_nothing(client, admin, reset_mail):
    sign_in(client, admin)

    response = post(client, f"/admin/mail/{reset_mail.id}/retry", follow_redirects=True)

    assert "it was retried already" in _text(response)
    db.session.expire_all()
    assert reset_mail.status is MailStatus.STORED
    assert reset_mail.attempts == 1


def test_retry_without_the_csrf_token_is_refused(client, admin, failed_mail):
    sign_in(client, admin)
    response = client.post(f"/admin/mail/{failed_mail.id}/retry")
    assert response.status_code == 400
    db.session.expire_all()
    assert failed_mail.status is MailStatus.FAILED


def test_the_dashboard_links_the_outbox_and_counts_failed_mail(client, admin, failed_mail):
    sign_in(client, admin)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/mail/"' in page
    assert 'href="/admin/mail/?status=failed"' in page
    assert "1 failed e-mail</a>" in " ".join(page.split())
