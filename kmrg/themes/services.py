"""Change the theme taxonomy."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import StaleEditError
from kmrg.text import slugify
from kmrg.themes.models import Theme
from kmrg.themes.permissions import can_manage_themes

# The taxonomy a fresh Hub starts with; administrators edit it from there.
STARTER_THEMES = [
    (
        "Revenue collection",
        "Billing, credit control, indigent support and growing the revenue base.",
    ),
    (
        "Urban renewal",
        "Turning around declining urban nodes: the Urban Renewal Programme and after.",
    ),
    ("Integrated development planning", "The IDP cycle, community participation and the SDBIP."),
    (
        "District Development Model and One Plan",
        "Joint planning, budgeting and delivery by all three spheres in the 52 district and metro "
        "spaces.",
    ),
    ("E-government", "Digital services, e-government strategy and ICT governance."),
    ("Local economic development", "Growing local economies, tourism and small business."),
    ("Infrastructure", "Planning, building and maintaining municipal infrastructure."),
    ("Human settlements", "Housing, informal settlement upgrading and spatial transformation."),
    (
        "Knowledge-management practice",
        "KM strategies, champions networks, case-study writing, peer assists and communities.",
    ),
    ("Intergovernmental relations", "How the spheres of government work together."),
    ("Major events", "Planning for and learning from events such as the 2010 FIFA World Cup."),
    ("Water and sanitation", "Bulk and reticulated services, water conservation and demand."),
]


def _check(session: Session, name: str, theme: Theme | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Enter the theme's name.", "name")
    if len(name) > 120:
        raise ValidationError("Keep the name under 120 characters.", "name")
    clash = session.scalar(select(Theme).where(func.lower(Theme.name) == name.lower()))
    if clash is not None and clash is not theme:
        raise ValidationError(f"There is already a theme called {clash.name}.", "name")
    return name


def create_theme(session: Session, actor: Any, name: str, description: str = "") -> Theme:
    """Add a theme to the taxonomy."""
    if actor is not None and not can_manage_themes(actor):
        raise PermissionDenied("Only administrators change themes.")
    name = _check(session, name)
    slug = slugify(name)
    if not slug:
        raise ValidationError("Use some letters or digits in the theme's name.", "name")
    if session.scalar(select(Theme.id).where(Theme.slug == slug)):
        raise ValidationError("A theme with a very similar name already exists.", "name")
    theme = Theme(name=name, slug=slug, description=description.strip())
    try:
        # In a savepoint: another administrator may add the same theme between the check above
        # and this insert (PostgreSQL lets both see it missing); they are told as if it had been
        # there when they checked.
        with session.begin_nested():
            session.add(theme)
            session.flush()
    except IntegrityError:
        clash = select(Theme.id).where((Theme.slug == slug) | (Theme.name == name))
        if session.scalar(clash) is None:
            raise
        raise ValidationError(f"There is already a theme called {name}.", "name") from None
    record_event(session, actor, "theme.created", theme)
    return theme


def update_theme(
    session: Session,
    actor: Any,
    theme: Theme,
    *,
    name: str,
    description: str,
    expected_version: int,
) -> None:
    """Rename or re-describe a theme (its slug stays, so links keep working)."""
    if not can_manage_themes(actor):
        raise PermissionDenied("Only administrators change themes.")
    if theme.version != expected_version:
        raise StaleEditError("Someone changed this theme since you opened the page.")
    name = _check(session, name, theme)
    description = description.strip()
    if (name, description) == (theme.name, theme.description):
        return
    summary = f"{theme.name} → {name}" if name != theme.name else "Description changed"
    theme.name, theme.description = name, description
    record_event(session, actor, "theme.updated", theme, summary)


def set_theme_retired(session: Session, actor: Any, theme: Theme, retired: bool) -> None:
    """Retire a theme (kept on existing records, no longer offered) or restore it."""
    if not can_manage_themes(actor):
        raise PermissionDenied("Only administrators change themes.")
    if theme.is_retired == retired:
        return
    theme.is_retired = retired
    record_event(session, actor, "theme.retired" if retired else "theme.restored", theme)


def ensure_starter_themes(session: Session) -> int:
    """Add any starter theme that is missing; return how many were added."""
    existing = {slug for (slug,) in session.execute(select(Theme.slug))}
    added = 0
    for name, description in STARTER_THEMES:
        if slugify(name) not in existing:
            create_theme(session, None, name, description)
            added += 1
    return added
