"""The Hub answers only for its own host names, e-mails links only to its configured address,
believes forwarded headers only from the proxies it was told about, and refuses to start in
production without a public address (issue 9: password-reset poisoning)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from flask import Flask, request

from kmrg.cli import main
from kmrg.config import ConfigurationError
from tests.conftest import make_app
from tests.factories import csrf_token

# Without KMRG_BASE_URL or SERVER_NAME, the address a test (or development) Hub links to.
CONFIGURED = "http://127.0.0.1:5000/"
EVIL = "evil.example"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def ask_for_reset(client, email: str, base_url: str, headers: dict | None = None):
    """Ask for a reset link the way an attacker would: a form fetched and posted on their terms."""
    page = client.get("/password/reset", base_url=base_url, headers=headers)
    token = _CSRF.search(page.get_data(as_text=True))
    return client.post(
        "/password/reset",
        data={"email": email, "csrf_token": token.group(1) if token else ""},
        base_url=base_url,
        headers=headers,
    )


def links_in(outbox: list) -> list[str]:
    return [link for m in outbox for link in re.findall(r"https?://\S+", m.get_content())]


@pytest.mark.parametrize(
    ("environment", "base_url", "headers", "status"),
    [
        pytest.param({}, f"http://{EVIL}", {}, 400, id="hostile Host"),
        pytest.param({}, "http://localhost.evil.example", {}, 400, id="Host ending like ours"),
        pytest.param(
            {"KMRG_TRUST_PROXY": "1"},
            "http://localhost",
            {"X-Forwarded-Host": EVIL, "X-Forwarded-For": "203.0.113.9"},
            200,
            id="X-Forwarded-Host behind a trusted proxy",
        ),
        pytest.param(
            {},
            "http://localhost",
            {"X-Forwarded-Host": EVIL, "X-Forwarded-For": f"{EVIL}, 203.0.113.9"},
            200,
            id="forwarded headers without a trusted proxy",
        ),
        pytest.param(
            {"KMRG_TRUSTED_PROXIES": "1", "KMRG_TRUST_FORWARDED_HOST": "1"},
            "http://localhost",
            {"X-Forwarded-Host": EVIL},
            400,
            id="trusted X-Forwarded-Host naming another host",
        ),
    ],
)
def test_a_reset_link_never_points_where_the_request_says(
    migrated, tmp_path, member, monkeypatch, environment, base_url, headers, status
):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    # Neither KMRG_BASE_URL nor SERVER_NAME: before issue 9, links then followed the request.
    app = make_app(migrated, tmp_path / "hub", SERVER_NAME=None, MAIL_OUTBOX=[])
    outbox = app.config["MAIL_OUTBOX"]

    response = ask_for_reset(app.test_client(), member.email, base_url, headers)

    assert response.status_code == status
    assert EVIL not in "".join(m.as_string() for m in outbox)
    links = links_in(outbox)
    assert all(link.startswith(CONFIGURED) for link in links), links
    if status == 200:
        assert [m["To"] for m in outbox] == [member.email]
        assert links and links[0].startswith(f"{CONFIGURED}password/reset/")


def test_an_allowed_internal_name_still_gets_the_public_address_in_mail(
    migrated, tmp_path, member, monkeypatch
):
    monkeypatch.setenv("KMRG_ALLOWED_HOSTS", "hub-internal.lan, 10.0.0.7")
    app = make_app(migrated, tmp_path / "hub", BASE_URL="https://hub.example.org", MAIL_OUTBOX=[])

    response = ask_for_reset(app.test_client(), member.email, "http://hub-internal.lan:8000")

    assert response.status_code == 200
    (link,) = links_in(app.config["MAIL_OUTBOX"])
    assert link.startswith("https://hub.example.org/password/reset/")


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("hub.example.org", 200),
        ("hub.example.org:8443", 200),  # the port is the proxy's business
        ("HUB.EXAMPLE.ORG", 200),
        ("www.example.org", 200),  # ".example.org" allows subdomains
        ("example.org", 200),
        ("evil.example", 400),
        ("hub.example.org.evil.example", 400),
        ("localhost", 400),  # a production Hub does not answer to local names
        ("hub.example.org@evil.example", 400),
        ("", 400),
    ],
)
def test_only_allowed_hosts_are_answered(migrated, tmp_path, monkeypatch, host, status):
    monkeypatch.setenv("KMRG_ENV", "production")
    monkeypatch.setenv("KMRG_BASE_URL", "https://hub.example.org/")
    monkeypatch.setenv("KMRG_ALLOWED_HOSTS", ".example.org")
    app = make_app(migrated, tmp_path / "hub", TESTING=False, SERVER_NAME=None)

    response = app.test_client().get("/", headers={"Host": host})

    assert response.status_code == status
    if status == 400:
        assert response.mimetype == "text/plain"
        assert "does not answer to that host name" in response.get_data(as_text=True)


def test_development_answers_on_this_machine_and_links_to_the_development_server(
    migrated, tmp_path, member, monkeypatch
):
    monkeypatch.delenv("KMRG_BASE_URL", raising=False)
    app = make_app(migrated, tmp_path / "hub", TESTING=False, SERVER_NAME=None, MAIL_OUTBOX=[])

    response = ask_for_reset(app.test_client(), member.email, "http://localhost:5000")

    assert response.status_code == 200
    (link,) = links_in(app.config["MAIL_OUTBOX"])
    assert link.startswith("http://127.0.0.1:5000/password/reset/")
    assert app.test_client().get("/", base_url=f"http://{EVIL}").status_code == 400


def test_production_refuses_to_start_without_a_public_address(migrated, tmp_path, monkeypatch):
    monkeypatch.setenv("KMRG_ENV", "production")
    monkeypatch.delenv("KMRG_BASE_URL", raising=False)

    with pytest.raises(ConfigurationError, match="KMRG_BASE_URL is not set"):
        make_app(migrated, tmp_path / "hub", TESTING=False, SERVER_NAME=None)


def test_a_command_in_production_without_a_public_address_says_what_to_set(
    migrated, tmp_path, monkeypatch
):
    monkeypatch.setenv("KMRG_ENV", "production")
    monkeypatch.delenv("KMRG_BASE_URL", raising=False)
    monkeypatch.setenv("KMRG_DATABASE_URL", migrated)
    monkeypatch.setenv("KMRG_INSTANCE_PATH", str(tmp_path / "instance"))

    result = CliRunner().invoke(main, ["search", "check"])

    assert result.exit_code == 1
    assert "KMRG_BASE_URL is not set" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("KMRG_BASE_URL", "hub.example.org", "KMRG_BASE_URL must be an absolute http(s) address"),
        ("KMRG_BASE_URL", "ftp://hub.example.org/", "KMRG_BASE_URL must be"),
        ("KMRG_TRUSTED_PROXIES", "one", "KMRG_TRUSTED_PROXIES must be a whole number"),
        ("KMRG_TRUSTED_PROXIES", "-1", "KMRG_TRUSTED_PROXIES must be a whole number"),
        ("KMRG_REMEMBER_DAYS", "0", "KMRG_REMEMBER_DAYS must be a whole number from 1"),
        ("KMRG_ENV", "staging", "KMRG_ENV must be 'production' or 'development'"),
    ],
)
def test_a_wrong_setting_stops_the_start_naming_it(
    migrated, tmp_path, monkeypatch, name, value, message
):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        make_app(migrated, tmp_path / "hub", SERVER_NAME=None)


def test_the_base_url_may_carry_a_path(migrated, tmp_path, monkeypatch):
    monkeypatch.setenv("KMRG_BASE_URL", "https://example.org/kmrg")
    app = make_app(migrated, tmp_path / "hub")
    assert app.config["BASE_URL"] == "https://example.org/kmrg/"
    assert "example.org" in app.config["ALLOWED_HOSTS"]


# Forwarded headers: request.remote_addr is what the rate limits count by.


def probed_app(migrated, tmp_path, monkeypatch, proxies: str | None) -> Flask:
    if proxies is not None:
        monkeypatch.setenv("KMRG_TRUSTED_PROXIES", proxies)
    app = make_app(migrated, tmp_path / "hub")
    app.add_url_rule(
        "/probe", "probe", lambda: {"addr": request.remote_addr, "scheme": request.scheme}
    )
    return app


def probe(app: Flask, forwarded_for: str, proto: str = "http") -> dict:
    response = app.test_client().get(
        "/probe",
        headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": proto},
        # The proxy in front of the Hub is what connects.
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    return response.get_json()


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "client"),
    [
        (None, "203.0.113.5", "10.0.0.2"),
        ("0", "203.0.113.5", "10.0.0.2"),
        ("1", "203.0.113.5", "203.0.113.5"),
        ("1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client wrote the first hop
        ("2", "6.6.6.6, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        ("2", "203.0.113.5", "10.0.0.2"),  # fewer hops than proxies: nothing to believe
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies_only(
    migrated, tmp_path, monkeypatch, proxies, forwarded_for, client
):
    app = probed_app(migrated, tmp_path, monkeypatch, proxies)
    assert probe(app, forwarded_for)["addr"] == client


@pytest.mark.parametrize(("proxies", "rotated"), [("0", False), ("1", True)])
def test_a_rotating_forwarded_for_changes_nothing_but_the_proxys_last_hop(
    migrated, tmp_path, monkeypatch, proxies, rotated
):
    app = probed_app(migrated, tmp_path, monkeypatch, proxies)
    seen = {probe(app, f"198.51.100.{n}, 203.0.113.5")["addr"] for n in range(10)}
    assert seen == ({"203.0.113.5"} if rotated else {"10.0.0.2"})


def test_the_old_trust_proxy_flag_means_one_proxy(migrated, tmp_path, monkeypatch):
    monkeypatch.setenv("KMRG_TRUST_PROXY", "1")
    app = probed_app(migrated, tmp_path, monkeypatch, None)
    assert probe(app, "6.6.6.6, 203.0.113.5") == {"addr": "203.0.113.5", "scheme": "http"}


@pytest.mark.parametrize(("proxies", "secure"), [("0", False), ("1", True)])
def test_https_at_the_proxy_is_believed_only_from_a_trusted_one(
    migrated, tmp_path, monkeypatch, proxies, secure
):
    monkeypatch.setenv("KMRG_TRUSTED_PROXIES", proxies)
    app = make_app(migrated, tmp_path / "hub")
    response = app.test_client().get(
        "/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    )
    assert ("Strict-Transport-Security" in response.headers) is secure
    assert ("Secure" in response.headers["Set-Cookie"]) is secure


def test_behind_one_proxy_each_client_is_throttled_by_its_own_address(
    migrated, tmp_path, monkeypatch
):
    # Sign-in counts guesses per client address (request.remote_addr): a rotating, client-written
    # X-Forwarded-For prefix is still one client, and another client behind the same proxy is not.
    monkeypatch.setenv("KMRG_TRUSTED_PROXIES", "1")
    client = make_app(migrated, tmp_path / "hub").test_client()
    token = csrf_token(client)

    def guess(number: int, forwarded_for: str) -> int:
        return client.post(
            "/login",
            data={
                "csrf_token": token,
                "email": f"person{number}@example.org",
                "password": "wrong-password",
            },
            headers={"X-Forwarded-For": forwarded_for},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        ).status_code

    statuses = [guess(n, f"198.51.100.{n}, 203.0.113.5") for n in range(31)]

    assert statuses == [200] * 30 + [429]
    assert guess(99, "203.0.113.6") == 200
