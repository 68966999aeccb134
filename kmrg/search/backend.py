"""The Hub's own small search interface, so the engine behind it can be swapped.

A backend answers a parsed `SearchQuery` for a set of audiences with one page of hits, the total
and facet counts, all over the same documents: the ones the audiences may find, one per record.
It never loads records; the caller builds what the page shows for the hits on it only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from kmrg.search.language import SearchQuery
from kmrg.search.registry import SearchDocument


class Sort(StrEnum):
    """The orders a search can come in."""

    RELEVANCE = "relevance"
    NEWEST = "newest"


@dataclass(frozen=True)
class Hit:
    """One match: which document, and how well it matched (weights applied)."""

    doc_type: str
    doc_id: str
    score: float


@dataclass(frozen=True)
class Matches:
    """What a backend found: the requested slice of hits, the total, and counts per facet value.

    `facets` maps a facet name to {stored value: number of matching documents}; values no
    matching document has are left out.
    """

    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchOptions:
    """How to run a search: type weights, order, the slice wanted and the facets to count."""

    weights: Mapping[str, float] = field(default_factory=dict)
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 20
    facets: Sequence[str] = ()


class IndexWriter(Protocol):
    def update(self, document: SearchDocument) -> None: ...

    def delete(self, key: str) -> None: ...


class SearchBackend(Protocol):
    """What the pipeline and the search page need from a search engine."""

    name: str

    def writer(self) -> AbstractContextManager[IndexWriter]:
        """Open a batch of changes that becomes visible when the block ends without error."""
        ...

    def bulk_writer(self) -> AbstractContextManager[IndexWriter]:
        """Open one large batch (a rebuild): as fast as the engine can take documents."""
        ...

    def search(
        self, query: SearchQuery, audiences: Sequence[str], options: SearchOptions
    ) -> Matches:
        """Return what `query` matches among the documents meant for `audiences`.

        Every clause must match and no excluded term may; among the documents of one record
        only the heaviest type counts. Relevance is BM25F over title, summary, body, attachments
        and keywords (weighted by FIELD_WEIGHTS) times the type's weight, as
        kmrg.search.whoosh_ranking defines it; newest is by date.
        """
        ...

    def corrections(self, word: str, limit: int = 5) -> list[str]:
        """Return indexed words close to `word` (a likely misspelling), most used first.

        The words may come from documents any audience may find: the caller keeps only a
        correction that finds something for its viewer.
        """
        ...

    def keys(self) -> Iterator[str]:
        """Yield the key of every indexed document."""
        ...

    def clear(self) -> None:
        """Remove every document."""
        ...

    def maintain(self, *, busy: bool = False) -> None:
        """Do the index's housekeeping that must not slow a commit (merging small segments).

        The indexer calls it between batches (busy) and after every drain, holding the indexer
        lock; `busy` says more changes wait, so only what cannot wait should be done.
        """
        ...

    def optimize(self) -> None:
        """Compact the index after a rebuild."""
        ...

    def close(self) -> None:
        """Release what the backend holds open (searchers, connections)."""
        ...


# How much a word counts in each field, for every backend. Keywords (organisation names and
# codes, theme names, a lesson's source, a person's evidence) count half: they say what a record
# is filed under, not what it says.
FIELD_WEIGHTS: Mapping[str, float] = {
    "title": 3.0,
    "summary": 2.0,
    "body": 1.0,
    "attachments": 0.7,
    "keywords": 0.5,
}
