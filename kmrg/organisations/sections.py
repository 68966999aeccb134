"""Sections other areas add to an organisation's page, so organisations imports none of them.

An area registers a section in its `init_app`: a partial template and a loader called with the
database session, the viewer and the organisation. The loader returns the values its partial
reads (as `section`), or None to leave the section out for this viewer and organisation. The
loader applies the viewer's permissions itself, as the area's own pages do.

    add_organisation_section(app, "meetings", "events/_organisation_meetings.html",
                             load_hosted_meetings, order=20)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from kmrg.organisations.models import Organisation

EXTENSION_KEY = "kmrg.organisations.sections"

SectionLoader = Callable[[Session, Any, Organisation], dict[str, Any] | None]


@dataclass(frozen=True)
class OrganisationSection:
    """A part of the organisation's page: lower `order` comes first, after the people."""

    name: str
    template: str
    load: SectionLoader
    order: int


@dataclass(frozen=True)
class SectionOnPage:
    """A section to render: its partial and the values the loader gave it."""

    template: str
    values: dict[str, Any]


def add_organisation_section(
    app: Flask, name: str, template: str, load: SectionLoader, *, order: int = 50
) -> None:
    """Show `template` on every organisation's page with the values `load` returns."""
    sections: dict[str, OrganisationSection] = app.extensions.setdefault(EXTENSION_KEY, {})
    if name in sections:
        raise ValueError(f"an organisation page section called {name!r} is already registered")
    sections[name] = OrganisationSection(name, template, load, order)


def sections_for(
    app: Flask, session: Session, viewer: Any, organisation: Organisation
) -> list[SectionOnPage]:
    """Return the sections the viewer sees on the organisation's page, in order."""
    registered = sorted(
        app.extensions.get(EXTENSION_KEY, {}).values(), key=lambda s: (s.order, s.name)
    )
    shown = []
    for section in registered:
        values = section.load(session, viewer, organisation)
        if values is not None:
            shown.append(SectionOnPage(section.template, values))
    return shown
