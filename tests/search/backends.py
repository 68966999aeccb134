"""Backends under test, and small helpers to fill and search them.

Every backend must pass tests/search/test_backend_contract.py; `BACKENDS` names those this
machine can run (the PostgreSQL backend needs KMRG_TEST_DATABASE_URL).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from kmrg.search.backend import Matches, SearchBackend, SearchOptions, Sort
from kmrg.search.language import parse_query
from kmrg.search.postgres_backend import PostgresBackend
from kmrg.search.registry import AttachedText, Audience, Facet, SearchDocument
from kmrg.search.whoosh_backend import WhooshBackend

# The search language as a backend sees it: facet values arrive already read, so here every
# facet takes its values as typed (the areas' own facets are tested with the app).
FACETS = [
    Facet(name, name.title(), normalise=lambda value: value, labels=lambda _s, values: {})
    for name in ("type", "theme", "province", "category", "org", "year", "stage")
]
WEIGHTS = {"profile": 1.0, "expert": 1.05, "case_study": 1.2, "lesson": 1.5}


def doc(
    doc_id: str,
    body: str = "",
    *,
    title: str = "Someone",
    summary: str = "",
    audience: Audience = Audience.PUBLIC,
    doc_type: str = "profile",
    keywords: str = "",
    attachments: Sequence[AttachedText] = (),
    facets: dict[str, list[str]] | None = None,
    when: date | None = None,
    record: str = "",
) -> SearchDocument:
    return SearchDocument(
        doc_type=doc_type,
        doc_id=doc_id,
        title=title,
        audience=audience,
        summary=summary,
        body=body,
        keywords=keywords,
        attachments=attachments,
        facets=facets or {},
        date=when,
        record=record,
    )


def put(backend: SearchBackend, *documents: SearchDocument) -> None:
    with backend.writer() as writer:
        for document in documents:
            writer.update(document)


def search(
    backend: SearchBackend,
    text: str,
    audiences: Sequence[str] = ("public",),
    *,
    sort: Sort = Sort.RELEVANCE,
    offset: int = 0,
    limit: int = 20,
    facets: Sequence[str] = (),
    weights: dict[str, float] | None = None,
) -> Matches:
    query = parse_query(text, FACETS)
    options = SearchOptions(
        weights=WEIGHTS if weights is None else weights,
        sort=sort,
        offset=offset,
        limit=limit,
        facets=facets,
    )
    return backend.search(query, list(audiences), options)


def found(backend: SearchBackend, text: str, audiences: Sequence[str] = ("public",), **kw) -> list:
    """Return the ids found, best first ("type:id" when not a profile)."""
    return [
        hit.doc_id if hit.doc_type == "profile" else f"{hit.doc_type}:{hit.doc_id}"
        for hit in search(backend, text, audiences, **kw).hits
    ]


@contextmanager
def whoosh_backend(tmp_path: Path) -> Iterator[WhooshBackend]:
    backend = WhooshBackend(tmp_path / "index")
    try:
        yield backend
    finally:
        backend.close()


@contextmanager
def postgres_backend(_tmp_path: Path) -> Iterator[PostgresBackend]:
    """The backend on the test database, migrated once per run, emptied before and after."""
    from tests.conftest import migrate_test_database

    engine = sa.create_engine(migrate_test_database())
    backend = PostgresBackend(engine)
    backend.clear()
    try:
        yield backend
    finally:
        backend.clear()
        backend.close()
        engine.dispose()


BACKENDS = {"whoosh": whoosh_backend}
if os.environ.get("KMRG_TEST_DATABASE_URL"):
    BACKENDS["postgres"] = postgres_backend
