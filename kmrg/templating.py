"""Template globals: permissions for hiding buttons, navigation, and small filters."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from flask import Flask, has_request_context

from kmrg.audit import permissions as audit_permissions
from kmrg.auth import permissions as auth_permissions
from kmrg.auth.forms import LogoutForm
from kmrg.casestudies import permissions as case_study_permissions
from kmrg.experts import permissions as expert_permissions
from kmrg.lessons import permissions as lesson_permissions
from kmrg.organisations import permissions as organisation_permissions
from kmrg.themes import permissions as theme_permissions
from kmrg.urls import external_url

# The areas that work today, in the order the navigation shows them. Add an area when it works.
NAVIGATION = [
    ("casestudies.list_case_studies", "Case studies"),
    ("lessons.list_lessons", "Lessons"),
    ("experts.list_experts", "Experts"),
    ("organisations.list_organisations", "Organisations"),
    ("themes.list_themes", "Themes"),
    ("search.search", "Search"),
]


def format_date(value: datetime | None, with_time: bool = False) -> str:
    """Format a UTC datetime the way South African readers write dates: 7 February 2008."""
    if value is None:
        return ""
    text = f"{value.day} {value:%B %Y}"
    return f"{text}, {value:%H:%M} UTC" if with_time else text


def init_templating(app: Flask) -> None:
    """Expose permission functions, navigation and filters to every template."""
    permissions = SimpleNamespace(
        auth=auth_permissions,
        audit=audit_permissions,
        casestudies=case_study_permissions,
        experts=expert_permissions,
        lessons=lesson_permissions,
        organisations=organisation_permissions,
        themes=theme_permissions,
    )

    @app.context_processor
    def _globals() -> dict[str, object]:
        values: dict[str, object] = {"perms": permissions, "navigation": NAVIGATION}
        if has_request_context():  # e-mails are rendered outside requests and need no form
            values["logout_form"] = LogoutForm(formdata=None)
        return values

    app.jinja_env.filters["date"] = format_date
    app.jinja_env.globals["external_url"] = external_url
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
