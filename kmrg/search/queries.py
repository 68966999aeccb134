"""Run a search for a viewer: match in the index, load back, and keep only what they may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from kmrg.pagination import PageNumbers
from kmrg.search.backend import Hit
from kmrg.search.pipeline import get_pipeline
from kmrg.search.registry import Audience

MAX_HITS = 500
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class SearchResult:
    """One result as a page shows it."""

    doc_type: str
    type_label: str
    title: str
    url: str
    snippet: Markup
    score: float


@dataclass(frozen=True)
class SearchPage(PageNumbers):
    """One page of results."""

    query: str
    results: list[SearchResult]
    total: int
    page: int
    per_page: int


def audiences_for(viewer: Any) -> list[str]:
    """Return the audiences whose documents `viewer` may find."""
    if getattr(viewer, "is_authenticated", False) and getattr(viewer, "is_active", False):
        return [Audience.PUBLIC, Audience.MEMBERS]
    return [Audience.PUBLIC]


def search_documents(
    session: Session,
    text: str,
    viewer: Any,
    doc_type: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """Search everything `viewer` may see, best first, weighted so documented lessons lead."""
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    page = max(1, page)
    if not text:
        return SearchPage(query="", results=[], total=0, page=page, per_page=per_page)
    pipeline = get_pipeline()
    types = [doc_type] if doc_type and pipeline.registry.get(doc_type) else None
    hits = pipeline.backend.search(text, audiences_for(viewer), types, limit=MAX_HITS)
    results = _visible_results(session, hits, viewer)
    start = (page - 1) * per_page
    return SearchPage(
        query=text,
        results=results[start : start + per_page],
        total=len(results),
        page=page,
        per_page=per_page,
    )


def _visible_results(session: Session, hits: list[Hit], viewer: Any) -> list[SearchResult]:
    registry = get_pipeline().registry
    wanted: dict[str, list[str]] = defaultdict(list)
    for hit in hits:
        wanted[hit.doc_type].append(hit.doc_id)
    loaded: dict[str, dict[str, Any]] = {}
    for doc_type, ids in wanted.items():
        document_type = registry.get(doc_type)
        loaded[doc_type] = document_type.load(session, ids) if document_type else {}
    backend = get_pipeline().backend
    results = []
    for hit in hits:
        document_type = registry.get(hit.doc_type)
        obj = loaded.get(hit.doc_type, {}).get(hit.doc_id)
        if document_type is None or obj is None or not document_type.can_view(viewer, obj):
            continue
        # The index may lag the database by a moment: what a result shows comes from the record.
        document = document_type.build(obj)
        if document is None:
            continue
        results.append(
            SearchResult(
                doc_type=hit.doc_type,
                type_label=document_type.label,
                title=document.title,
                url=document_type.url(obj),
                # The backend escapes the text and adds only <mark> around matches.
                snippet=Markup(backend.highlight(document.body, hit.terms)),  # noqa: S704
                score=hit.score * document_type.weight,
            )
        )
    results.sort(key=lambda result: result.score, reverse=True)
    return results


def match_documents(text: str, viewer: Any, doc_type: str, limit: int = 5_000) -> list[Hit]:
    """Return the hits of one document type for `text` among what `viewer`'s audiences may find.

    Best first, with the terms each matched; the caller loads the records back and applies its
    own permission check, as search_documents does. An unknown type or empty text finds nothing.
    """
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    pipeline = get_pipeline()
    if not text or pipeline.registry.get(doc_type) is None:
        return []
    return pipeline.backend.search(text, audiences_for(viewer), [doc_type], limit=limit)
