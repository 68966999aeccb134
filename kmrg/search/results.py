"""What the search page shows of each hit on it, built from the records themselves.

Only the hits of the page shown come here, so loading, permission checks, document building and
snippets cost the same whether a search matched ten records or ten thousand: one load per
document type, and whatever that type's `build_many` needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from kmrg.search.backend import Hit
from kmrg.search.registry import AttachedText, SearchDocument, SearchRegistry
from kmrg.search.snippets import QueryTerms, make_snippet

# Facets a result names under its title, in this order, when it has them.
DETAIL_FACETS = ("org", "province", "year", "stage")


@dataclass(frozen=True)
class SearchResult:
    """One result as a page shows it."""

    doc_type: str
    type_label: str
    title: str
    url: str
    snippet: Markup
    found_in: AttachedText | None
    facets: dict[str, tuple[str, ...]]
    date: date | None
    score: float
    details: tuple[str, ...] = ()

    def named(self, labels: Mapping[str, Mapping[str, str]]) -> SearchResult:
        """Return the result with its organisation, province, years and stage named.

        A result whose type described it already keeps its own details.
        """
        if self.details:
            return self
        details = []
        for name in DETAIL_FACETS:
            values = sorted(self.facets.get(name, ()))
            if name == "year" and len(values) > 1:
                details.append(f"{values[0]}–{values[-1]}")
                continue
            named = [labels.get(name, {}).get(value) for value in values]
            if any(named):
                details.append(", ".join(label for label in named if label))
        return replace(self, details=tuple(details))


def build_results(
    session: Session,
    registry: SearchRegistry,
    hits: Sequence[Hit],
    viewer: Any,
    terms: QueryTerms,
) -> list[SearchResult]:
    """Return the results for `hits`, in their order, leaving out any `viewer` may not see.

    The index may lag the database by a moment, so what a result shows, and whether it is
    shown at all, comes from the record as it is now.
    """
    wanted: dict[str, list[str]] = defaultdict(list)
    for hit in hits:
        wanted[hit.doc_type].append(hit.doc_id)
    documents: dict[tuple[str, str], tuple[Any, SearchDocument]] = {}
    for doc_type, ids in wanted.items():
        document_type = registry.get(doc_type)
        if document_type is None:
            continue
        loaded = document_type.load(session, ids)
        visible = [obj for obj in loaded.values() if document_type.can_view(viewer, obj)]
        built = document_type.documents(session, visible)
        for obj in visible:
            document = built.get(str(obj.id))
            if document is not None:
                documents[(doc_type, str(obj.id))] = (obj, document)
    results = []
    for hit in hits:
        found = documents.get((hit.doc_type, hit.doc_id))
        document_type = registry.get(hit.doc_type)
        if found is None or document_type is None:
            continue
        obj, document = found
        snippet = make_snippet(document, terms)
        results.append(
            SearchResult(
                doc_type=hit.doc_type,
                type_label=document_type.label,
                title=document.title,
                url=document_type.url(obj),
                snippet=snippet.html,
                found_in=snippet.attachment,
                facets={name: tuple(values) for name, values in document.facets.items()},
                date=document.date,
                score=hit.score,
                details=tuple(document_type.describe(obj)) if document_type.describe else (),
            )
        )
    return results
