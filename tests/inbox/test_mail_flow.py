"""A message to an expert travels through a real SMTP server (aiosmtpd) the test starts."""

from __future__ import annotations

from tests.conftest import make_app
from tests.factories import post, sign_in
from tests.inbox.conftest import EXTERNAL_EMAIL, HIDDEN_EMAIL, HIDDEN_PHONE
from tests.test_mail import smtp_server  # noqa: F401  (the real aiosmtpd server fixture)

FORM = {
    "subject": "Advice on a meter audit",
    "need": "We are starting a meter audit in Msunduzi. Could we talk about sampling?",
    "preferred_dates": "Any Tuesday in March",
}


def _smtp_app(migrated, tmp_path, port):
    return make_app(migrated, tmp_path / "smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)


def test_the_expert_receives_the_message_and_the_sender_learns_no_address(
    migrated,
    tmp_path,
    member,
    expert,
    expert_profile,
    smtp_server,  # noqa: F811
):
    app = _smtp_app(migrated, tmp_path, smtp_server.port)
    client = app.test_client()
    sign_in(client, member)
    response = post(client, f"/experts/{expert_profile.slug}/contact", FORM)
    assert response.status_code == 302
    conversation_url = "http://hub.test" + response.headers["Location"]

    received = {r.envelope.rcpt_tos[0]: r for r in smtp_server.handler.received}
    assert set(received) == {HIDDEN_EMAIL, member.email}
    to_expert = received[HIDDEN_EMAIL].message
    assert to_expert["To"] == HIDDEN_EMAIL
    # A long subject is folded onto its own line; unfolding leaves a leading space.
    assert to_expert["Subject"].strip() == (
        "Sipho Member wrote to you through the KMRG Hub: Advice on a meter audit"
    )
    body = to_expert.get_content()
    assert "Could we talk about sampling?" in body
    assert "Any Tuesday in March" in body
    assert "Buffalo City Metropolitan Municipality" in body
    assert conversation_url in body
    # The expert is not handed the sender's address either: they answer in the Hub.
    assert member.email not in received[HIDDEN_EMAIL].envelope.original_content.decode()

    copy = received[member.email].envelope.original_content.decode()
    assert "Advice on a meter audit" in copy
    assert HIDDEN_EMAIL not in copy
    assert HIDDEN_PHONE not in copy

    # The expert answers in the Hub; the sender is told by e-mail, still without the address.
    expert_client = app.test_client()
    sign_in(expert_client, expert)
    smtp_server.handler.received.clear()
    reply = post(expert_client, response.headers["Location"] + "/reply", {"body": "Gladly."})
    assert reply.status_code == 302
    [notice] = smtp_server.handler.received
    assert notice.envelope.rcpt_tos == [member.email]
    assert "Gladly." in notice.message.get_content()
    assert HIDDEN_EMAIL not in notice.envelope.original_content.decode()


def test_an_external_expert_can_answer_the_sender_directly(
    migrated,
    tmp_path,
    member,
    external_profile,
    smtp_server,  # noqa: F811
):
    app = _smtp_app(migrated, tmp_path, smtp_server.port)
    client = app.test_client()
    sign_in(client, member)
    assert post(client, f"/experts/{external_profile.slug}/contact", FORM).status_code == 302

    received = {r.envelope.rcpt_tos[0]: r for r in smtp_server.handler.received}
    assert set(received) == {EXTERNAL_EMAIL, member.email}
    to_expert = received[EXTERNAL_EMAIL].message
    assert to_expert["To"] == EXTERNAL_EMAIL
    assert to_expert["Reply-To"] == f"Sipho Member <{member.email}>"
    assert "Could we talk about sampling?" in to_expert.get_content()
    assert EXTERNAL_EMAIL not in received[member.email].envelope.original_content.decode()
