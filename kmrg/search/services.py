"""The search area's writes: tallies of what people narrow their searches to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kmrg.models import utcnow
from kmrg.search.language import Filter
from kmrg.search.models import SearchTally

# Only themes are offered as "most searched"; other facets are not worth a write per search.
TALLIED_FACETS = frozenset({"theme"})


def tally_search(session: Session, filters: Iterable[Filter]) -> None:
    """Count one search narrowed to each of these facet values (themes only); flush.

    The count is raised in the database (`searches + 1`), so concurrent searches lose none.
    """
    now = utcnow()
    for chosen in sorted({f for f in filters if f.facet in TALLIED_FACETS}, key=str):
        facet, value = chosen.facet, chosen.value[:120]
        if _count_one_more(session, facet, value, now):
            continue
        try:
            with session.begin_nested():
                session.add(SearchTally(facet=facet, value=value, searches=1, last_searched_at=now))
        except IntegrityError:
            # Another search counted the first one meanwhile: count this one on top.
            _count_one_more(session, facet, value, now)
    session.flush()


def _count_one_more(session: Session, facet: str, value: str, now: datetime) -> bool:
    raised = session.execute(
        update(SearchTally)
        .where(SearchTally.facet == facet, SearchTally.value == value)
        .values(searches=SearchTally.searches + 1, last_searched_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(raised.rowcount)
