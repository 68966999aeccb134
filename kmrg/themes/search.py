"""The theme facet of search: every area tags its documents with theme slugs."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.search.registry import Facet, registry
from kmrg.text import slugify
from kmrg.themes.models import Theme

FACET = "theme"


def theme_values(themes: Sequence[Theme]) -> list[str]:
    """Return the theme facet values of a record's themes (retired ones left out)."""
    return [theme.slug for theme in themes if not theme.is_retired]


def _normalise(typed: str) -> str | None:
    # "Revenue collection", "revenue-collection" and "revenue_collection" name one theme.
    return slugify(typed) or None


def _labels(session: Session, values: Collection[str]) -> dict[str, str]:
    rows = session.execute(
        select(Theme.slug, Theme.name).where(Theme.slug.in_(sorted(values)), ~Theme.is_retired)
    )
    return dict(rows.all())


def register_search_facets() -> None:
    """Let searches be narrowed by theme."""
    registry.register_facet(
        Facet(
            name=FACET,
            label="Theme",
            normalise=_normalise,
            labels=_labels,
            aliases=("themes", "topic"),
            example="theme:revenue-collection",
        )
    )
