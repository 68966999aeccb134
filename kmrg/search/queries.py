"""Run a search for a viewer: parse, match in the index, and build the page shown.

The backend counts and ranks among what the viewer's audiences may find (the audience of every
document agrees with its area's `can_view`; each area's tests prove it), so totals, facet counts
and suggestions never include what the viewer may not see. Records are loaded, checked again
and turned into snippets for the page shown only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from kmrg.inputs import MAX_ID, bounded_int
from kmrg.pagination import PageNumbers
from kmrg.search.backend import Hit, Matches, SearchOptions, Sort
from kmrg.search.facets import (
    AppliedFilter,
    FacetList,
    applied_filters,
    facet_lists,
    name_values,
)
from kmrg.search.language import (
    MAX_QUERY_LENGTH,
    Filter,
    SearchQuery,
    normalise_query_text,
    parse_query,
)
from kmrg.search.models import SearchTally
from kmrg.search.pipeline import get_pipeline
from kmrg.search.registry import Audience
from kmrg.search.results import DETAIL_FACETS, SearchResult, build_results
from kmrg.search.snippets import QueryTerms

__all__ = ["MAX_QUERY_LENGTH", "SearchPage", "SearchRequest", "match_documents", "search_site"]

PER_PAGE = 20
MAX_PAGE = 50
# Corrections tried per misspelt word, each a count-only search.
CORRECTIONS_TRIED = 3
POPULAR_FACET = "theme"
POPULAR_SHOWN = 8


@dataclass(frozen=True)
class SearchRequest:
    """What someone asked for: the words typed, facet values chosen by link, order and page."""

    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class Suggestion:
    """A corrected search that finds something ("did you mean")."""

    text: str
    total: int


@dataclass(frozen=True)
class SearchPage(PageNumbers):
    """One page of results, with everything the page says about them."""

    text: str
    query: SearchQuery
    results: list[SearchResult]
    total: int
    page: int
    per_page: int
    sort: Sort = Sort.RELEVANCE
    matched_any: bool = False
    all_words_total: int = 0
    suggestion: Suggestion | None = None
    facets: list[FacetList] = field(default_factory=list)
    filters: list[AppliedFilter] = field(default_factory=list)
    popular: list[tuple[str, str, int]] = field(default_factory=list)
    notes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Tell whether nothing was asked (the page shows help instead of results)."""
        return self.query.is_empty


def read_search_request(args: MultiDict[str, str]) -> SearchRequest:
    """Return what the query string asks for; anything unreadable falls back to the default."""
    facet_names = {facet.name for facet in get_pipeline().registry.facets()}
    sort = args.get("sort", "")
    return SearchRequest(
        text=args.get("q", ""),
        filters={name: args.getlist(name) for name in facet_names if name in args},
        sort=Sort(sort) if sort in set(Sort) else Sort.RELEVANCE,
        page=bounded_int(args.get("page"), 1, MAX_ID) or 1,
    )


def audiences_for(viewer: Any) -> list[str]:
    """Return the audiences whose documents `viewer` may find."""
    if getattr(viewer, "is_authenticated", False) and getattr(viewer, "is_active", False):
        extra = get_pipeline().registry.extra_audiences(viewer)
        return [Audience.PUBLIC, Audience.MEMBERS, *extra]
    return [Audience.PUBLIC]


def read_request(text: str, filters: Mapping[str, Sequence[str]]) -> SearchQuery:
    """Return the query typed, narrowed by the facet values chosen by link."""
    registry = get_pipeline().registry
    query = parse_query(text, registry.facets())
    chosen, notes = [], list(query.notes)
    for name, values in filters.items():
        facet = registry.facet(name)
        if facet is None:
            continue
        for value in values:
            normalised = facet.normalise(value) if value else None
            if normalised is None:
                notes.append(f"“{value}” is not a {facet.label.lower()} the Hub knows.")
            else:
                chosen.append(Filter(facet.name, normalised))
    query = query.with_filters(chosen)
    return replace(query, notes=tuple(notes))


def search_site(session: Session, viewer: Any, request: SearchRequest) -> SearchPage:
    """Search everything `viewer` may see: one page of results, facets, and help when needed."""
    pipeline = get_pipeline()
    registry = pipeline.registry
    text = normalise_query_text(request.text)
    query = read_request(text, request.filters)
    per_page = max(1, min(request.per_page, 100))
    page = min(max(1, request.page), MAX_PAGE)
    if query.is_empty:
        return SearchPage(
            text=text,
            query=query,
            results=[],
            total=0,
            page=1,
            per_page=per_page,
            popular=most_searched(session, viewer),
            notes=query.notes,
        )
    audiences = audiences_for(viewer)
    facets = registry.facets()
    options = SearchOptions(
        weights=registry.weights(),
        sort=request.sort,
        offset=(page - 1) * per_page,
        limit=per_page,
        facets=[facet.name for facet in facets],
    )
    matches = pipeline.backend.search(query, audiences, options)
    all_words_total, matched_any, suggestion = matches.total, False, None
    if not matches.total and query.has_text:
        suggestion = _suggestion(query, audiences, registry.weights())
        broader = query.any_words()
        if broader is not None:
            any_matches = pipeline.backend.search(broader, audiences, options)
            if any_matches.total:
                matches, matched_any = any_matches, True
    terms = QueryTerms.of(query.words(), query.phrases())
    results = build_results(session, registry, matches.hits, viewer, terms)
    wanted: dict[str, set[str]] = {name: set(values) for name, values in matches.facets.items()}
    for chosen in query.filters:
        wanted.setdefault(chosen.facet, set()).add(chosen.value)
    for result in results:
        for name in DETAIL_FACETS:
            wanted.setdefault(name, set()).update(result.facets.get(name, ()))
    labels = name_values(session, facets, wanted)
    return SearchPage(
        text=query.typed,
        query=query,
        results=[result.named(labels) for result in results],
        total=matches.total,
        page=page,
        per_page=per_page,
        sort=request.sort,
        matched_any=matched_any,
        all_words_total=all_words_total,
        suggestion=suggestion,
        facets=facet_lists(facets, matches.facets, labels, query.filters),
        filters=applied_filters(facets, query.filters, labels),
        notes=query.notes,
    )


def _suggestion(
    query: SearchQuery, audiences: Sequence[str], weights: Mapping[str, float]
) -> Suggestion | None:
    """Return a corrected query that finds something for these audiences, if there is one."""
    backend = get_pipeline().backend
    candidates = {word: backend.corrections(word, CORRECTIONS_TRIED) for word in query.words()}
    candidates = {word: found for word, found in candidates.items() if found}
    if not candidates:
        return None
    count_only = SearchOptions(weights=weights, limit=0)
    for attempt in range(CORRECTIONS_TRIED):
        corrections = {
            word: found[min(attempt, len(found) - 1)] for word, found in candidates.items()
        }
        corrected = query.with_words_replaced(corrections)
        # Checked under the viewer's audiences: a word only members' records hold is never
        # offered to the public.
        total = backend.search(corrected, audiences, count_only).total
        if total:
            return Suggestion(text=corrected.to_text(), total=total)
    return None


def most_searched(session: Session, viewer: Any) -> list[tuple[str, str, int]]:
    """Return (value, name, results) of the themes searched most, then those with most records.

    Only themes with something `viewer` may find are offered.
    """
    pipeline = get_pipeline()
    registry = pipeline.registry
    facet = registry.facet(POPULAR_FACET)
    if facet is None:
        return []
    everything = pipeline.backend.search(
        SearchQuery(),
        audiences_for(viewer),
        SearchOptions(weights=registry.weights(), limit=0, facets=[facet.name]),
    )
    counts = everything.facets.get(facet.name, {})
    searched = session.execute(
        select(SearchTally.value, SearchTally.searches)
        .where(SearchTally.facet == facet.name)
        .order_by(SearchTally.searches.desc(), SearchTally.value)
        .limit(POPULAR_SHOWN * 3)
    ).all()
    order = [value for value, _searches in searched if counts.get(value)]
    order += sorted((v for v in counts if v not in order), key=lambda v: (-counts[v], v))
    labels = facet.labels(session, order[: POPULAR_SHOWN * 2])
    shown = [value for value in order if value in labels][:POPULAR_SHOWN]
    return [(value, labels[value], counts[value]) for value in shown]


@dataclass(frozen=True)
class TextMatches:
    """The hits of one document type for a text, best first, and the terms the text became."""

    hits: list[Hit]
    terms: frozenset[str]


def match_documents(text: str, viewer: Any, doc_type: str, limit: int = 5_000) -> TextMatches:
    """Return the hits of one document type for `text` among what `viewer`'s audiences may find.

    All words must match; when together they match nothing, any of them may. The caller loads
    the records back and applies its own permission check. Unknown type or no words: no hits.
    """
    pipeline = get_pipeline()
    query = parse_query(normalise_query_text(text))
    if not query.has_text or pipeline.registry.get(doc_type) is None:
        return TextMatches(hits=[], terms=frozenset())
    options = SearchOptions(weights=pipeline.registry.weights(), limit=limit)
    audiences = audiences_for(viewer)
    narrowed = query.with_filters([Filter("type", doc_type)])
    matches: Matches = pipeline.backend.search(narrowed, audiences, options)
    broader = narrowed.any_words()
    if not matches.total and broader is not None:
        matches = pipeline.backend.search(broader, audiences, options)
    return TextMatches(hits=matches.hits, terms=QueryTerms.of(query.words()).terms)
