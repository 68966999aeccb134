"""The application factory: a short table of contents of register_* steps."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, g

from kmrg import database  # noqa: F401  (registers the SQLite engine events)
from kmrg.config import load_config
from kmrg.extensions import csrf, db, limiter, login_manager, migrate
from kmrg.hosts import allowed_hosts
from kmrg.urls import public_base_url

PACKAGE_DIR = Path(__file__).resolve().parent


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
    register_blueprints(app)
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
    login_manager.user_loader(get_user_by_session_id)

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


def register_blueprints(app: Flask) -> None:
    # Importing an area's views attaches its routes to the area's blueprint; models never pull
    # views in, so the CLI and the indexer stay light.
    from kmrg.admin import blueprint as admin
    from kmrg.admin import views as _admin_views  # noqa: F401
    from kmrg.api import blueprint as api
    from kmrg.api import views as _api_views  # noqa: F401
    from kmrg.attachments import blueprint as attachments
    from kmrg.attachments import views as _attachment_views  # noqa: F401
    from kmrg.audit import blueprint as audit
    from kmrg.audit import views as _audit_views  # noqa: F401
    from kmrg.auth import admin_views as _auth_admin_views  # noqa: F401
    from kmrg.auth import blueprint as auth
    from kmrg.auth import views as _auth_views  # noqa: F401
    from kmrg.casestudies import blueprint as casestudies
    from kmrg.casestudies import views as _casestudy_views  # noqa: F401
    from kmrg.experts import blueprint as experts
    from kmrg.experts import endorsement_views as _expert_endorsement_views  # noqa: F401
    from kmrg.experts import evidence_views as _expert_evidence_views  # noqa: F401
    from kmrg.experts import views as _expert_views  # noqa: F401
    from kmrg.home import blueprint as home
    from kmrg.home import views as _home_views  # noqa: F401
    from kmrg.inbox import blueprint as inbox
    from kmrg.inbox import views as _inbox_views  # noqa: F401
    from kmrg.lessons import blueprint as lessons
    from kmrg.lessons import views as _lesson_views  # noqa: F401
    from kmrg.mail import blueprint as mail
    from kmrg.mail import views as _mail_views  # noqa: F401
    from kmrg.organisations import blueprint as organisations
    from kmrg.organisations import views as _organisation_views  # noqa: F401
    from kmrg.search import blueprint as search
    from kmrg.search import views as _search_views  # noqa: F401
    from kmrg.themes import blueprint as themes
    from kmrg.themes import views as _theme_views  # noqa: F401

    areas = (
        home,
        auth,
        organisations,
        themes,
        casestudies,
        lessons,
        experts,
        inbox,
        attachments,
        audit,
        mail,
        admin,
    )
    for blueprint in (*areas, search, api):
        app.register_blueprint(blueprint)
    from kmrg.events import init_app as init_events

    init_events(app)


def register_search(app: Flask) -> None:
    """Register every area's search documents, then start the indexing pipeline."""
    from kmrg.auth.search import register_search_documents as register_profiles
    from kmrg.casestudies.expert_evidence import register_expert_evidence as case_study_evidence
    from kmrg.casestudies.search import register_search_documents as register_case_studies
    from kmrg.experts.search import register_search_documents as register_experts
    from kmrg.lessons.expert_evidence import register_expert_evidence as lesson_evidence
    from kmrg.lessons.search import register_search_documents as register_lessons
    from kmrg.organisations.search import register_search_facets as register_place_facets
    from kmrg.search.pipeline import init_search
    from kmrg.themes.search import register_search_facets as register_theme_facet

    register_theme_facet()
    register_place_facets()
    # Evidence providers before everything: expert documents show evidence, and register_experts
    # reads the providers' `dependents` to re-index a person whose records change.
    case_study_evidence()
    lesson_evidence()
    register_profiles()
    register_case_studies()
    register_experts()
    register_lessons()  # after every lesson source's area, so their changes re-index lessons
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
