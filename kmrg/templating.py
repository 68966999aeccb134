"""Template globals: can() for hiding buttons, person() for naming people, navigation, filters."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from kmrg.areas import areas_of, template_permission
from kmrg.auth.models import User
from kmrg.auth.people import describe_person
from kmrg.localtime import LOCAL_ZONE_LABEL, to_local
from kmrg.urls import external_url


def format_date(value: datetime | date | None, with_time: bool = False) -> str:
    """Format a moment as South African readers write it, in SAST: 7 February 2008, 09:00 SAST.

    Datetimes are stored in UTC (naive ones mean UTC); a plain date is shown as it is.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    text = f"{value.day} {value:%B %Y}"
    if with_time and isinstance(value, datetime):
        return f"{text}, {value:%H:%M} {LOCAL_ZONE_LABEL}"
    return text


def format_time_span(starts_at: datetime, ends_at: datetime | None = None) -> str:
    """Format when something happens, in SAST: "7 February 2008, 09:00–16:00 SAST".

    A span over several days names both days: "7 February 2008, 09:00 to 8 February 2008,
    13:00 SAST".
    """
    start = to_local(starts_at)
    day = f"{start.day} {start:%B %Y}"
    if ends_at is None:
        return f"{day}, {start:%H:%M} {LOCAL_ZONE_LABEL}"
    end = to_local(ends_at)
    if end.date() == start.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M} {LOCAL_ZONE_LABEL}"
    return f"{day}, {start:%H:%M} to {end.day} {end:%B %Y}, {end:%H:%M} {LOCAL_ZONE_LABEL}"


class PersonOnPage:
    """A person as the current viewer may see them: `{{ person(user) }}` prints it as HTML.

    `text` is the name or label alone, as plain words (for titles and labels); `is_named` tells
    whether it names the person.
    """

    def __init__(self, text: str, html: Markup, is_named: bool) -> None:
        self.text, self.is_named, self._html = text, is_named, html

    def __html__(self) -> Markup:
        return self._html

    def __str__(self) -> str:
        return self.text


def person(
    user: User | None,
    *,
    organisation: bool = False,
    addressed: bool = False,
    anonymous: str | None = None,
    capitalise: bool = False,
) -> PersonOnPage:
    """Show `user` to the current viewer the way kmrg.auth.people decides (POPIA).

    `organisation` adds the named person's organisation; `addressed` is for a person who
    addressed the viewer (see describe_person); `anonymous` replaces the default label where the
    person is not named with one fitting the place ("a KM champion"); `capitalise` starts a
    sentence or a table cell.
    """
    shown = describe_person(current_user, user, addressed_to_viewer=addressed)
    text = shown.text if shown.is_named or anonymous is None else anonymous
    if capitalise and not shown.is_named:
        text = text[:1].upper() + text[1:]
    html = escape(text)
    if shown.profile_user_id is not None:
        url = url_for("auth.show_person", user_id=shown.profile_user_id)
        html = Markup('<a href="{}">{}</a>').format(url, text)
    if organisation and shown.organisation is not None:
        html = Markup("{}, {}").format(html, shown.organisation.name)
    return PersonOnPage(text, html, shown.is_named)


def can(name: str, *objs: object) -> bool:
    """Ask, for the current user, the permission registered as `can_<name>` (see kmrg.areas)."""
    return bool(template_permission(current_app, name)(current_user, *objs))


def init_templating(app: Flask) -> None:
    """Expose can(), person(), the navigation and the filters to every template."""
    # The areas' header links, in their order (see kmrg.areas.add_navigation).
    navigation = [(entry.endpoint, entry.label) for entry in areas_of(app).navigation]
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["time_span"] = format_time_span
    app.jinja_env.globals["external_url"] = external_url
    # Templates ask permissions one way, so a button shows exactly when its view would allow it.
    app.jinja_env.globals["can"] = can
    # Every template names people through this, so none can forget their choice (POPIA).
    app.jinja_env.globals["person"] = person
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
