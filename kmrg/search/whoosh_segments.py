"""What each Whoosh segment lends every search, as arrays: postings, lengths, types, dates.

Segments never change once written (a deletion only marks documents in a newer table of
contents), so what is read from a segment is kept for as long as the segment exists and shared
by every searcher that includes it: a new searcher after a commit costs only the new segment's
share. Deletions are applied per searcher, as the `alive` set.

Whoosh reads postings one Python call at a time; decoded once into NumPy arrays, a word found in
90,000 documents is scored in a few milliseconds instead of hundreds.
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import IndexReader

from kmrg.search import bitsets
from kmrg.search.registry import split_facet_term

# Decoded postings kept per segment, least recently used dropped first: 8 bytes a posting, so
# 48 MB holds the words of the longest lists of a 100,000-document index.
POSTINGS_CACHE_BYTES = 48 * 1024 * 1024
# Sets kept per segment for words and phrases (a 100,000-document set is 12.5 kB).
SET_CACHE_SIZE = 512

Postings = tuple[np.ndarray, np.ndarray]
EMPTY_POSTINGS: Postings = (np.zeros(0, np.int32), np.zeros(0, np.float32))


def read_postings(reader: IndexReader, fieldname: str, text: str) -> Postings:
    """Return a term's postings as (document numbers, frequencies), deleted documents included."""
    if (fieldname, text) not in reader:
        return EMPTY_POSTINGS
    matcher = reader.postings(fieldname, text)
    # Deletions are applied by the alive set; the leaf's blocks are read whole, not one posting
    # at a time.
    leaf = getattr(matcher, "child", matcher)
    ids: list[int] = []
    weights: list[float] = []
    if isinstance(leaf, W3LeafMatcher):
        while leaf.is_active():
            leaf._read_ids()
            leaf._read_weights()
            ids.extend(leaf._ids[leaf._i : leaf._blocklength])
            weights.extend(leaf._weights[leaf._i : leaf._blocklength])
            leaf._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)


def column_array(reader: IndexReader, fieldname: str, dtype: str, width: int = 1) -> np.ndarray:
    """Return a fixed-width column of a segment as one array (rows of `width` values)."""
    size = reader.doc_count_all()
    empty = np.zeros((size, width) if width > 1 else size, dtype=np.dtype(dtype).newbyteorder("="))
    if not reader.has_column(fieldname):
        return empty
    column = reader.column_reader(fieldname, translate=False)
    row_bytes = np.dtype(dtype).itemsize * width
    count = min(getattr(column, "_count", 0), size)
    raw = column._dbfile.get(column._basepos, count * row_bytes) if count else b""
    values = np.frombuffer(raw, dtype=dtype).astype(empty.dtype)
    if width > 1:
        values = values.reshape(count, width)
    empty[:count] = values
    return empty


def bits_of(ids: np.ndarray, size: int) -> int:
    """Return the set (a Python int, see kmrg.search.bitsets) of the given document numbers."""
    flags = np.zeros(size, dtype=bool)
    flags[ids] = True
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def flags_of(bits: int, size: int) -> np.ndarray:
    """Return the set as an array of booleans, one per document."""
    packed = np.frombuffer(bitsets.to_bytes(bits, size), dtype=np.uint8)
    return np.unpackbits(packed, bitorder="little", count=size).astype(bool)


@dataclass
class SegmentFacts:
    """Facts about one segment's documents, independent of deletions."""

    size: int
    type_names: list[str]
    type_codes: np.ndarray
    dates: np.ndarray
    lengths: np.ndarray
    records: dict[str, list[int]]


class SegmentCache:
    """What is known about one segment: its facts, and the postings and sets asked for so far."""

    def __init__(self, reader: IndexReader, text_fields: tuple[str, ...]) -> None:
        self.size = reader.doc_count_all()
        self._postings: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._postings_bytes = 0
        self._sets: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._facets: dict[str, list[tuple[str, int]]] = {}
        self.facts = self._read_facts(reader, text_fields)

    def _read_facts(self, reader: IndexReader, text_fields: tuple[str, ...]) -> SegmentFacts:
        type_names = [""]
        type_codes = np.zeros(self.size, dtype=np.uint8)
        for raw in reader.lexicon("doc_type"):
            type_names.append(raw.decode() if isinstance(raw, bytes) else raw)
            ids, _weights = read_postings(reader, "doc_type", type_names[-1])
            type_codes[ids] = len(type_names) - 1
        records: dict[str, list[int]] = {}
        for raw in reader.lexicon("record"):
            record = raw.decode() if isinstance(raw, bytes) else raw
            records[record] = read_postings(reader, "record", record)[0].tolist()
        return SegmentFacts(
            size=self.size,
            type_names=type_names,
            type_codes=type_codes,
            dates=column_array(reader, "date", ">i4"),
            lengths=column_array(reader, "lengths", ">u4", width=len(text_fields)),
            records=records,
        )

    def postings(self, reader: IndexReader, fieldname: str, text: str) -> Postings:
        """Return the postings of `text` in `fieldname`, read once."""
        key = (fieldname, text)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        found = read_postings(reader, fieldname, text)
        self._postings[key] = found
        self._postings_bytes += found[0].nbytes + found[1].nbytes
        while self._postings_bytes > POSTINGS_CACHE_BYTES and len(self._postings) > 1:
            _key, (ids, weights) = self._postings.popitem(last=False)
            self._postings_bytes -= ids.nbytes + weights.nbytes
        return found

    def term(self, reader: IndexReader, fieldname: str, text: str) -> int:
        """Return the set of documents with `text` in `fieldname`."""
        return self.computed(
            (fieldname, text),
            lambda: bits_of(self.postings(reader, fieldname, text)[0], self.size),
        )

    def computed(self, key: tuple[str, str], compute: Callable[[], int]) -> int:
        """Return a cached set under `key`, computing it once."""
        found = self._sets.get(key)
        if found is None:
            found = compute()
            self._sets[key] = found
            if len(self._sets) > SET_CACHE_SIZE:
                self._sets.popitem(last=False)
        else:
            self._sets.move_to_end(key)
        return found

    def facet_values(self, reader: IndexReader, facet: str) -> list[tuple[str, int]]:
        """Return (value, set of documents) for every value of `facet` in this segment."""
        found = self._facets.get(facet)
        if found is None:
            found = []
            for raw in reader.expand_prefix("facets", f"{facet}="):
                term = raw.decode() if isinstance(raw, bytes) else raw
                found.append((split_facet_term(term)[1], self.term(reader, "facets", term)))
            self._facets[facet] = found
        return found


def packed_lengths(lengths: list[int]) -> bytes:
    """Return a document's field lengths as the `lengths` column stores them."""
    return struct.pack(f">{len(lengths)}I", *lengths)


def iter_bits(bits: int, size: int) -> Iterator[int]:
    """Yield the document numbers of a set, in order."""
    yield from np.flatnonzero(flags_of(bits, size)).tolist()
