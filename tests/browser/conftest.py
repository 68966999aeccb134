"""Browser journeys: the Hub served over real HTTP to Debian's headless Chromium.

Playwright drives the system `chromium` package because `playwright install` cannot download
browsers here. axe-core (from `npm ci`) checks each page a journey visits for WCAG 2.1 A/AA.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext
from werkzeug.serving import make_server

from kmrg.extensions import db
from tests.browser.axe import AXE_SCRIPT
from tests.conftest import empty_database, make_app

CHROMIUM = Path("/usr/bin/chromium")

# The machine's closed network refuses the connections Chromium makes on its own (updates,
# sync, field trials, QUIC probes); without these flags each one stalls or logs errors.
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _browser_tools_installed() -> None:
    """Skip every journey, saying what to install, when the browser or axe-core is missing
    (in CI, fail them instead).

    Session-scoped and autouse, so it runs before pytest-playwright tries to launch anything.
    """
    if not CHROMIUM.exists():
        _skip_outside_ci(
            f"Chromium is not installed at {CHROMIUM}: on Debian/Ubuntu run "
            "`apt-get install chromium` to run the browser journeys"
        )
    if not AXE_SCRIPT.exists():
        _skip_outside_ci(f"{AXE_SCRIPT} is missing: run `npm ci` to install axe-core")


def _skip_outside_ci(reason: str) -> None:
    # .ci/run installs both; in CI a skipped journey would pass a run that tested nothing.
    if os.environ.get("CI", "").lower() not in {"", "0", "false"}:
        pytest.fail(f"{reason} (CI must run the browser journeys)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Headless unless pytest-playwright's --headed asked otherwise.
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url() -> None:
    """No --base-url: each context gets the live server's address (see `context`).

    This also replaces pytest-playwright 0.10's own fixture, a session fixture defined as an
    instance method, which pytest 9 deprecates with a warning (an error in this suite).
    """


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # The Hub's Content-Security-Policy (script-src 'self') would refuse the injected axe-core;
    # bypassing it affects only the test's own scripts, the pages run no JavaScript of their own.
    return {
        **browser_context_args,
        "bypass_csp": True,
        "locale": "en-ZA",
        "timezone_id": "Africa/Johannesburg",
    }


def make_live_app(database_url: str, tmp_path: Path, **overrides: object) -> Flask:
    """Make the Hub as a browser sees it: no SERVER_NAME, so it answers on 127.0.0.1:<port>."""
    settings = {"SEARCH_INDEXING": "inline", "SERVER_NAME": None, "MAIL_OUTBOX": []}
    return make_app(database_url, tmp_path, **{**settings, **overrides})


def close_live_app(app: Flask) -> None:
    """Empty the database a journey's Hub wrote, and close its connections and index."""
    with app.app_context():
        db.session.remove()
        empty_database(db.engine)
        app.extensions["kmrg.search"].backend.close()
        db.engine.dispose()


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve the Hub over HTTP in a background thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # E-mailed links point at the Hub's configured address: here, this server's.
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}/"
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def live_app(migrated: str, tmp_path: Path) -> Iterator[Flask]:
    """The Hub of one journey."""
    app = make_live_app(migrated, tmp_path)
    yield app
    close_live_app(app)


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve the journey's Hub; yield its base URL."""
    with serving(live_app) as url:
        yield url


@pytest.fixture
def outbox(live_app: Flask) -> list:
    """Every e-mail the Hub sent during the journey (email.message.EmailMessage objects)."""
    return live_app.config["MAIL_OUTBOX"]


@pytest.fixture
def context(new_context, live_server: str) -> BrowserContext:
    """A fresh browser profile whose relative URLs resolve against the live Hub."""
    return new_context(base_url=live_server)
