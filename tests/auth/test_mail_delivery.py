"""Account e-mails go through a real SMTP server the test starts."""

from __future__ import annotations

from tests.conftest import make_app
from tests.factories import post
from tests.test_mail import smtp_server  # noqa: F401  (the real aiosmtpd server fixture)


def test_registration_e_mails_reach_the_smtp_server(
    migrated,
    tmp_path,
    organisation,
    champion,
    smtp_server,  # noqa: F811
):
    app = make_app(migrated, tmp_path / "smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    client = app.test_client()
    response = post(
        client,
        "/register",
        {
            "name": "Lindiwe Zulu",
            "email": "lindiwe@example.org",
            "organisation": "BUF",
            "job_title": "Records manager",
            "password": "river-stone-harvest-7",
            "confirm": "river-stone-harvest-7",
        },
    )
    assert response.status_code == 200

    delivered = {r.message["To"]: r.message for r in smtp_server.handler.received}
    assert set(delivered) == {"lindiwe@example.org", champion.email}
    assert "waiting for approval" in delivered["lindiwe@example.org"].get_content()
    assert "Lindiwe Zulu" in delivered[champion.email].get_content()
