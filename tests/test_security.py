"""Headers, cookies, error pages and rate limits that protect every page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from kmrg.security import safe_next_url
from tests.conftest import make_app
from tests.factories import PASSWORD, csrf_token, sign_in


def test_every_page_carries_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_is_httponly_and_lax(client, member):
    sign_in(client, member)
    cookie = client.get_cookie("kmrg_session", domain="hub.test")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure  # plain http on a developer machine


def test_cookies_are_secure_over_https(app, member):
    client = app.test_client()
    token_page = client.get("/login", base_url="https://hub.test")
    assert "Secure" in token_page.headers["Set-Cookie"]
    assert token_page.headers["Strict-Transport-Security"].startswith("max-age=")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": member.email, "password": PASSWORD, "remember": "y"},
        base_url="https://hub.test",
        headers={"Referer": "https://hub.test/login"},
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [("/no-such-page", 404, "Page not found"), ("/admin/users/", 302, "")],
)
def test_friendly_error_pages(client, path, status, text):
    response = client.get(path)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/organisations/NOPE")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/case-studies/x?page=2", "/case-studies/x?page=2"),
        ("/", "/"),
        ("", None),
        (None, None),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("http:///evil.example", None),
        ("javascript:alert(1)", None),
        ("/\x00/evil.example", None),
        ("/\u2028//evil.example", None),
    ],
)
def test_safe_next_url(target, expected):
    assert safe_next_url(target) == expected


def test_secret_key_is_generated_once_per_instance(tmp_path, monkeypatch, migrated):
    monkeypatch.delenv("KMRG_SECRET_KEY", raising=False)
    from kmrg import create_app

    instance = tmp_path / "instance"
    first = create_app({"SQLALCHEMY_DATABASE_URI": migrated}, instance_path=str(instance))
    second = create_app({"SQLALCHEMY_DATABASE_URI": migrated}, instance_path=str(instance))
    key_file = Path(instance) / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 40
    assert oct(key_file.stat().st_mode)[-3:] == "600"


def remember_me_expiry(client, member) -> datetime:
    """Sign in with "Remember me" ticked; return when the browser is told to forget it."""
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": member.email, "password": PASSWORD, "remember": "y"},
    )
    (cookie,) = [
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("kmrg_remember=")
    ]
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    return parsedate_to_datetime(expires)


def test_remember_me_lasts_30_days(client, member):
    expires = remember_me_expiry(client, member)
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(hours=1)


def test_remember_me_lasts_as_long_as_configured(migrated, tmp_path, monkeypatch, member):
    monkeypatch.setenv("KMRG_REMEMBER_DAYS", "7")
    client = make_app(migrated, tmp_path / "hub").test_client()
    expires = remember_me_expiry(client, member)
    assert abs(expires - (datetime.now(UTC) + timedelta(days=7))) < timedelta(hours=1)
