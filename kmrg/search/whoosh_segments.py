"""What each Whoosh segment lends every search: sets of documents per term, types, dates, records.

Segments never change once written (a deletion only marks documents in a newer table of
contents), so what is learnt about a segment is kept for as long as the segment exists and
shared by every searcher that includes it: a new searcher after a commit costs only the new
segment's share. Deletions are applied per searcher, as the `alive` set.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import IndexReader

from kmrg.search import bitsets
from kmrg.search.registry import split_facet_term

# Sets kept per segment for words and phrases, least recently used dropped first (at 100,000
# documents a set is 12.5 kB, so a full cache is about 6 MB).
TERM_CACHE_SIZE = 512


def posting_ids(reader: IndexReader, fieldname: str, text: str) -> Iterator[int]:
    """Yield the document numbers of a term's postings, deleted ones included, a block at a time."""
    if (fieldname, text) not in reader:
        return
    matcher = reader.postings(fieldname, text)
    # Deletions are applied by the alive set; the leaf reads its ids block by block in C arrays
    # instead of one Python call per posting.
    leaf = getattr(matcher, "child", matcher)
    if isinstance(leaf, W3LeafMatcher):
        while leaf.is_active():
            leaf.id()  # loads the block's ids
            yield from leaf._ids[leaf._i : leaf._blocklength]
            leaf._next_block()
        return
    yield from matcher.all_ids()


@dataclass
class SegmentFacts:
    """Facts about one segment's documents, independent of deletions."""

    size: int
    types: list[str]
    dates: list[int]
    records: dict[str, list[int]]
    newest_first: list[int] | None = None


class SegmentCache:
    """What is known about one segment: its facts, and the sets of terms asked for so far."""

    def __init__(self, reader: IndexReader) -> None:
        self.size = reader.doc_count_all()
        self._terms: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._facets: dict[str, list[tuple[str, int]]] = {}
        self.facts = self._read_facts(reader)

    def _read_facts(self, reader: IndexReader) -> SegmentFacts:
        types = [""] * self.size
        for raw in reader.lexicon("doc_type"):
            name = raw.decode() if isinstance(raw, bytes) else raw
            for docnum in posting_ids(reader, "doc_type", name):
                types[docnum] = name
        dates = [0] * self.size
        if reader.has_column("date"):
            column = reader.column_reader("date")
            dates = [column[docnum] or 0 for docnum in range(self.size)]
        records: dict[str, list[int]] = {}
        for raw in reader.lexicon("record"):
            record = raw.decode() if isinstance(raw, bytes) else raw
            records[record] = list(posting_ids(reader, "record", record))
        return SegmentFacts(self.size, types, dates, records)

    def term(self, reader: IndexReader, fieldname: str, text: str) -> int:
        """Return the set of documents with `text` in `fieldname`."""
        key = (fieldname, text)
        found = self._terms.get(key)
        if found is None:
            found = bitsets.from_ids(posting_ids(reader, fieldname, text), self.size)
            self._remember(key, found)
        else:
            self._terms.move_to_end(key)
        return found

    def computed(self, key: tuple[str, str], compute: callable) -> int:  # type: ignore[valid-type]
        """Return a cached set under `key`, computing it once (phrases)."""
        found = self._terms.get(key)
        if found is None:
            found = compute()
            self._remember(key, found)
        else:
            self._terms.move_to_end(key)
        return found

    def _remember(self, key: tuple[str, str], bits: int) -> None:
        self._terms[key] = bits
        if len(self._terms) > TERM_CACHE_SIZE:
            self._terms.popitem(last=False)

    def facet_values(self, reader: IndexReader, facet: str) -> list[tuple[str, int]]:
        """Return (value, set of documents) for every value of `facet` in this segment."""
        found = self._facets.get(facet)
        if found is None:
            prefix = f"{facet}="
            found = []
            for raw in reader.expand_prefix("facets", prefix):
                term = raw.decode() if isinstance(raw, bytes) else raw
                bits = bitsets.from_ids(posting_ids(reader, "facets", term), self.size)
                found.append((split_facet_term(term)[1], bits))
            self._facets[facet] = found
        return found

    def newest_first(self) -> list[int]:
        """Return the segment's document numbers, newest first (by date, then last added)."""
        facts = self.facts
        if facts.newest_first is None:
            dates = facts.dates
            facts.newest_first = sorted(range(self.size), key=lambda d: (dates[d], d), reverse=True)
        return facts.newest_first
