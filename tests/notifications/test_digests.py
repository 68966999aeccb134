"""Digests through a real SMTP server, and the one-click unsubscribe link (valid, tampered,
expired)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.cli import main
from kmrg.notifications import services
from kmrg.notifications.models import Delivery
from kmrg.notifications.queries import list_notifications, preferences_of
from kmrg.notifications.tokens import TOKEN_LIFETIME, make_unsubscribe_token
from kmrg.themes.models import Theme
from tests import factories
from tests.notifications.conftest import DIGEST_KIND, KIND
from tests.test_mail import LOOPBACK, SmtpServer

pytestmark = pytest.mark.usefixtures("kinds")


def _digest_news(session: Session, theme: Theme, recipient: User, actor: User, text: str) -> None:
    services.notify(
        session,
        [recipient],
        DIGEST_KIND,
        theme,
        text,
        "/themes/#revenue-enhancement",
        actor=actor,
        excerpt=f"The first lines of {text}, to read on the way.",
    )
    session.commit()


def _run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(main, args=["notify", "digests", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_daily_digest_carries_the_content_and_never_sends_an_item_twice(
    app: Flask,
    session: Session,
    theme: Theme,
    follower: User,
    member: User,
    admin: User,
    smtp_server: SmtpServer,
) -> None:
    app.config.update(MAIL_SERVER=LOOPBACK, MAIL_PORT=smtp_server.port)
    _digest_news(session, theme, follower, admin, "Rates collection up 12 per cent")
    _digest_news(session, theme, follower, admin, "Indigent register cleaned")
    services.set_preferences(session, member, {DIGEST_KIND: Delivery.WEEKLY})
    _digest_news(session, theme, member, admin, "For the weekly digest")
    assert smtp_server.handler.received == []  # digest kinds wait

    assert "Queued 1 daily digest." in _run(app, "--daily")
    [received] = smtp_server.handler.received
    message = received.message
    assert received.envelope.rcpt_tos == [follower.email]
    assert message["Subject"] == "Your daily digest from the KMRG Knowledge Hub: 2 new items"
    assert message["List-Unsubscribe"].startswith("<http://hub.test/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (plain, html):
        assert "Rates collection up 12 per cent" in part
        assert "The first lines of Indigent register cleaned, to read on the way." in part
        assert "http://hub.test/themes/#revenue-enhancement" in part
        assert "http://hub.test/unsubscribe/" in part
    assert "For the weekly digest" not in plain

    # Again: nothing new waits, so nothing is sent.
    assert "Queued 0 daily digests." in _run(app, "--daily")
    assert len(smtp_server.handler.received) == 1

    # Only what came since goes in the next one.
    _digest_news(session, theme, follower, admin, "Smart meters tender")
    _run(app, "--daily")
    latest = smtp_server.handler.received[-1].message.get_body(("plain",)).get_content()
    assert "Smart meters tender" in latest and "Rates collection" not in latest

    assert "Queued 1 weekly digest." in _run(app, "--weekly")
    assert smtp_server.handler.received[-1].envelope.rcpt_tos == [member.email]


def test_the_command_asks_which_digest(app: Flask) -> None:
    result = app.test_cli_runner().invoke(main, args=["notify", "digests"])
    assert result.exit_code != 0
    assert "--daily or --weekly" in result.output


def test_immediate_kinds_never_reach_a_digest(
    app: Flask, session: Session, theme: Theme, follower: User, admin: User, outbox: list
) -> None:
    services.notify(session, [follower], KIND, theme, "At once", "/themes/", actor=admin)
    session.commit()
    assert len(outbox) == 1
    assert "Queued 0 daily digests." in _run(app, "--daily")


def _unsubscribe_path(token: str) -> str:
    return f"/unsubscribe/{token}"


def test_a_valid_link_unsubscribes_without_signing_in(
    app: Flask, client: FlaskClient, session: Session, theme: Theme, follower: User, admin: User
) -> None:
    _digest_news(session, theme, follower, admin, "Waiting")
    token = make_unsubscribe_token(follower.id, "digest:daily")

    page = client.get(_unsubscribe_path(token))
    assert page.status_code == 200
    assert "Stop the daily digest" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"

    # What a mail client's one-click sends (RFC 8058): no session, no CSRF token.
    response = client.post(_unsubscribe_path(token), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Digest news in a theme" in response.get_data(as_text=True)
    session.rollback()
    assert preferences_of(session, follower)[DIGEST_KIND] is Delivery.NEVER
    # What already waited is not sent either.
    assert [n.delivery for n in list_notifications(session, follower)] == [Delivery.NEVER]
    assert "Queued 0 daily digests." in _run(app, "--daily")


def test_a_kind_link_stops_that_kind_only(
    client: FlaskClient, session: Session, follower: User
) -> None:
    token = make_unsubscribe_token(follower.id, f"kind:{KIND}")
    client.post(_unsubscribe_path(token))
    session.rollback()
    preferences = preferences_of(session, follower)
    assert preferences[KIND] is Delivery.NEVER
    assert preferences[DIGEST_KIND] is Delivery.DAILY


def test_a_tampered_link_is_refused_with_a_clear_page(
    client: FlaskClient, session: Session, follower: User, member: User
) -> None:
    token = make_unsubscribe_token(follower.id, f"kind:{KIND}")
    # Someone swaps in another person's id, keeping the signature.
    other = make_unsubscribe_token(member.id, f"kind:{KIND}")
    forged = other.split(".")[0] + "." + ".".join(token.split(".")[1:])
    for bad in (forged, token[:-3] + "abc", "nonsense"):
        for method in (client.get, client.post):
            response = method(_unsubscribe_path(bad))
            assert response.status_code == 400
            text = response.get_data(as_text=True)
            assert "This unsubscribe link does not work" in text
            assert "not one the Hub sent" in text
    session.rollback()
    assert preferences_of(session, member)[KIND] is Delivery.IMMEDIATELY


def test_an_expired_link_is_refused_with_a_clear_page(
    client: FlaskClient, session: Session, follower: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_ago = int(time.time() - (TOKEN_LIFETIME + timedelta(days=1)).total_seconds())
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda _self: long_ago)
        token = make_unsubscribe_token(follower.id, f"kind:{KIND}")
    response = client.post(_unsubscribe_path(token))
    assert response.status_code == 400
    assert "The link has expired" in response.get_data(as_text=True)
    session.rollback()
    assert preferences_of(session, follower)[KIND] is Delivery.IMMEDIATELY


def test_a_digest_leaves_out_what_the_recipient_may_no_longer_see(
    app: Flask, session: Session, follower: User, admin: User, outbox: list
) -> None:
    from kmrg.notifications import add_notification_kind

    hidden: set[int] = set()
    add_notification_kind(
        app,
        "theme_private_news",
        "Private news in a theme",
        default=Delivery.DAILY,
        model=Theme,
        can_view=lambda _user, theme: theme.id not in hidden,
    )
    kept = factories.make_theme(session, "Kept theme")
    lost = factories.make_theme(session, "Lost theme")
    for theme in (kept, lost):
        services.notify(
            session,
            [follower],
            "theme_private_news",
            theme,
            f"News in {theme.name}",
            "/themes/",
            actor=admin,
        )
    session.commit()
    hidden.add(lost.id)  # e.g. the theme's community became members-only meanwhile

    assert "Queued 1 daily digest." in _run(app, "--daily")
    text = outbox[-1].get_body(("plain",)).get_content()
    assert "News in Kept theme" in text and "News in Lost theme" not in text
    # Neither is sent again.
    assert "Queued 0 daily digests." in _run(app, "--daily")
