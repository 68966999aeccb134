"""The application factory: a short table of contents of register_* steps."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

from kmrg import database  # noqa: F401  (registers the SQLite engine events)
from kmrg.config import load_config
from kmrg.extensions import csrf, db, limiter, login_manager, migrate
from kmrg.hosts import allowed_hosts
from kmrg.urls import public_base_url

PACKAGE_DIR = Path(__file__).resolve().parent

# The feature areas, each a package with an `init_app(app)` (see kmrg.areas), in the order their
# blueprints are registered; a test or deployment adds more with the EXTRA_AREAS setting.
AREAS = (
    "kmrg.home",
    "kmrg.auth",
    "kmrg.organisations",
    "kmrg.themes",
    "kmrg.casestudies",
    "kmrg.lessons",
    "kmrg.experts",
    "kmrg.events",
    "kmrg.communities",
    "kmrg.inbox",
    "kmrg.notifications",
    "kmrg.attachments",
    "kmrg.audit",
    "kmrg.mail",
    "kmrg.admin",
    "kmrg.search",
    "kmrg.api",
)


def resource_dir(name: str) -> Path:
    """Return a top-level resource folder: inside the installed wheel, or beside the package."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / name


def create_app(config: Mapping[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Create and configure the Hub; `config` overrides settings read from the environment."""
    app = Flask(
        "kmrg",
        instance_path=instance_path or os.environ.get("KMRG_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(PACKAGE_DIR / "static"),
    )
    configure(app, config or {})
    register_extensions(app)
    register_input_cleaning(app)
    register_security(app)
    register_areas(app)
    register_search(app)
    register_attachment_extraction(app)
    register_mail(app)
    register_templates(app)
    register_error_pages(app)
    return app


def configure(app: Flask, overrides: Mapping[str, Any]) -> None:
    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(overrides)
    # Settled once every setting is in: without a public address, production refuses to start.
    app.config["BASE_URL"] = public_base_url(app.config)
    app.config["ALLOWED_HOSTS"] = allowed_hosts(app.config)
    logging.getLogger("kmrg").setLevel(logging.INFO)


def register_input_cleaning(app: Flask) -> None:
    # Before any route is added, so the bounded id converter serves every `<int:…>`; after the
    # extensions, whose first hook gives each request its own `g`.
    from kmrg.inputs import init_inputs

    init_inputs(app)


def register_extensions(app: Flask) -> None:
    from kmrg.auth.queries import get_user_by_session_id

    db.init_app(app)
    # Sessions are scoped per request (see session_scope); end each with its request.
    app.teardown_request(lambda _error: db.session.remove())
    migrate.init_app(app, db, directory=str(resource_dir("migrations")), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    # Every sign-in is dated (User.new_sign_in_id), and none is honoured longer than "Remember
    # me" lasts: a stolen remember-me cookie expires on the server, not only in the browser.
    login_manager.id_attribute = "new_sign_in_id"
    login_manager.user_loader(
        lambda session_id: get_user_by_session_id(
            session_id, lasts=current_app.config["REMEMBER_COOKIE_DURATION"]
        )
    )

    @app.before_request
    def _start_with_empty_g() -> None:
        # Flask-Login (the user) and Flask-WTF (the CSRF token) cache on `g`, which lives as long
        # as the app context; a request run inside a longer one (the CLI, tests) needs its own.
        for name in list(g):
            g.pop(name)


def register_security(app: Flask) -> None:
    from kmrg.hosts import init_hosts
    from kmrg.security import init_security

    init_security(app)
    init_hosts(app)  # last: its proxy fix wraps everything, the host check all but that


def register_areas(app: Flask) -> None:
    """Let every area register what it contributes, then settle what refers across areas."""
    from kmrg.areas import init_areas, settle_areas
    from kmrg.search.registry import registry

    init_areas(app, (*AREAS, *app.config.get("EXTRA_AREAS", ())))
    settle_areas(app, registry.settle)


def register_search(app: Flask) -> None:
    """Start the indexing pipeline, once every area's documents are registered and settled."""
    from kmrg.search.pipeline import init_search

    init_search(app)


def register_attachment_extraction(app: Flask) -> None:
    """Start reading uploaded files' text in the background, after their uploads commit."""
    from kmrg.attachments.background import init_extraction

    init_extraction(app)


def register_mail(app: Flask) -> None:
    """Start sending the due mail on a timer (retries; what a dead process left queued)."""
    from kmrg.mail.sweep import init_mail_sweep

    init_mail_sweep(app)


def register_templates(app: Flask) -> None:
    from kmrg.templating import init_templating

    init_templating(app)


def register_error_pages(app: Flask) -> None:
    from kmrg.errors import init_error_pages

    init_error_pages(app)
