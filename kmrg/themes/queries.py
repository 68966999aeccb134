"""Read themes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.themes.models import Theme


def list_themes(session: Session, include_retired: bool = False) -> list[Theme]:
    """Return themes by name; retired ones only when asked."""
    query = select(Theme).order_by(Theme.name)
    if not include_retired:
        query = query.where(Theme.is_retired.is_(False))
    return list(session.scalars(query))


def get_theme_by_slug(session: Session, slug: str) -> Theme | None:
    """Return the theme with this slug, if any."""
    return session.scalar(select(Theme).where(Theme.slug == slug))
