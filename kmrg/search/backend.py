"""The Hub's own small search interface, so the engine behind it can be swapped."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from kmrg.search.registry import SearchDocument


@dataclass(frozen=True)
class Hit:
    """One match: which document, how well it matched, and the (analysed) terms it matched."""

    doc_type: str
    doc_id: str
    score: float
    terms: frozenset[str]


class IndexWriter(Protocol):
    def update(self, document: SearchDocument) -> None: ...

    def delete(self, key: str) -> None: ...


class SearchBackend(Protocol):
    """What the pipeline needs from a search engine."""

    def writer(self) -> AbstractContextManager[IndexWriter]:
        """Open a batch of changes that becomes visible when the block ends without error."""
        ...

    def search(
        self,
        text: str,
        audiences: Sequence[str],
        doc_types: Sequence[str] | None = None,
        limit: int = 200,
    ) -> list[Hit]:
        """Return the best hits for `text` among documents meant for `audiences`."""
        ...

    def highlight(self, text: str, terms: frozenset[str]) -> str:
        """Return escaped HTML fragments of `text` around `terms`, each match in <mark>."""
        ...

    def keys(self) -> Iterator[str]:
        """Yield the key of every indexed document."""
        ...

    def clear(self) -> None:
        """Remove every document."""
        ...

    def optimize(self) -> None:
        """Merge the index into one segment."""
        ...
