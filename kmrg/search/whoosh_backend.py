"""The embedded Whoosh search engine behind the Hub's search interface.

Whoosh stores and analyses; the rest is done on arrays. Which documents match, the total, the
facet counts, audiences, exclusions and one-result-per-record are sets of document numbers per
segment (kmrg.search.bitsets); ranking is weighted BM25 over the segment's decoded postings in
NumPy (kmrg.search.whoosh_ranking). Segments never change, so what is read from one is kept
(kmrg.search.whoosh_segments).
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.query import Or, Phrase, Query
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from kmrg.search import bitsets
from kmrg.search.analysis import stem
from kmrg.search.backend import FIELD_WEIGHTS, Hit, Matches, SearchOptions, Sort
from kmrg.search.language import Filter, SearchQuery
from kmrg.search.language import Phrase as PhraseTerm
from kmrg.search.language import Term as QueryTerm
from kmrg.search.registry import facet_term
from kmrg.search.spelling import best_corrections, correction_reach
from kmrg.search.whoosh_ranking import (
    RERANK_DEPTH,
    FieldStats,
    Leaf,
    best,
    field_stats,
    newest,
    with_phrase_bonus,
)
from kmrg.search.whoosh_segments import SegmentCache
from kmrg.search.whoosh_writing import (
    SCHEMA,
    TEXT_FIELDS,
    UNCOMPRESSED,
    DocumentWriter,
    IndexWriter,
    SegmentReaders,
    merge_one_tier,
    tier_to_merge,
)

log = logging.getLogger("kmrg.search")


@dataclass
class _View:
    """The current searcher, its segments, field statistics, and the records with more than one
    live document."""

    searcher: Searcher
    stamp: tuple[int, bytes]
    leaves: list[Leaf]
    stats: list[FieldStats]
    groups: list[list[tuple[int, int]]]


@dataclass(frozen=True)
class _Part:
    """One compiled term: the key of its documents' set, a phrase's Whoosh query, its terms."""

    key: tuple[str, str]
    query: Query | None
    stems: tuple[str, ...]


class WhooshBackend:
    """A Whoosh index in one folder, with one long-lived searcher refreshed on change."""

    name = "whoosh"

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._view: _View | None = None
        self._segments: dict[str, SegmentCache] = {}
        # The readers of the current searcher's segments, with the deletions each was opened at.
        self._readers: dict[str, tuple[frozenset[int], SegmentReader]] = {}
        self._ix: index.Index | None = None
        self._lock = threading.Lock()
        # Only the writer holding the indexer lock uses them.
        self._writer_readers = SegmentReaders()

    # -- the index on disk -----------------------------------------------------------------

    def _index(self) -> index.Index:
        # The index object holds no state of its own (each reader reads the table of contents
        # afresh), so one serves the process for good.
        if self._ix is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._ix = self._create(replace=False)
        return self._ix

    def _create(self, *, replace: bool) -> index.Index:
        # Creating an index deletes every table of contents in the folder: a second process
        # creating it too, just after the first had indexed into it, would empty it.
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "create.lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            if not replace and index.exists_in(str(self.directory)):
                existing = index.open_dir(str(self.directory))
                if existing.schema.names() == SCHEMA.names():
                    return existing
                log.warning(
                    "the search index in %s has an older schema: it was emptied; "
                    "run `kmrg search rebuild` to fill it again",
                    self.directory,
                )
            return index.create_in(str(self.directory), SCHEMA)

    def _stamp(self, ix: index.Index) -> tuple[int, bytes]:
        # The generation alone is not enough: clear() (a rebuild, maybe in another process)
        # starts again at generation 0, and the rebuilt index can reach the generation a searcher
        # was opened at. The table of contents of a generation (a few kilobytes) names its
        # segments, whose ids are random: equal contents, same index.
        generation = ix.latest_generation()
        try:
            toc = (self.directory / f"_{ix.indexname}_{generation}.toc").read_bytes()
        except FileNotFoundError:  # replaced by a newer generation meanwhile
            toc = b""
        return (generation, toc)

    @contextmanager
    def writer(self) -> Iterator[DocumentWriter]:
        # Separate segment files: opening a searcher at 100k documents drops from ~94 ms to
        # ~0.35 ms, and a one-document update from ~118 ms to ~11 ms.
        with self._writing(codec=UNCOMPRESSED) as writer:
            yield writer

    @contextmanager
    def bulk_writer(self) -> Iterator[DocumentWriter]:
        # One writer for a whole rebuild, with room to sort postings in memory: one segment
        # written once, instead of a segment per batch merged again and again.
        with self._writing(limitmb=256) as writer:
            yield writer

    @contextmanager
    def _writing(self, **options: Any) -> Iterator[DocumentWriter]:
        writer = IndexWriter(self._index(), self._writer_readers, compound=False, **options)
        try:
            yield DocumentWriter(writer)
        except BaseException:
            writer.cancel()
            raise
        # Never merge here: Whoosh's default policy sometimes rewrote a large segment inside
        # this commit (4.3 s to index one lesson at 100,000 documents). maintain() merges.
        writer.commit(merge=False)

    def maintain(self, *, busy: bool = False) -> None:
        """Merge small segments of one size, a few at a time, once enough have piled up.

        A merge rewrites every posting of the segments it merges (it costs more per document
        than indexing them did) while the indexer lock is held, so changes committed meanwhile
        wait for it: it waits for a quiet index, with nothing waiting (`busy` false) and no change
        for QUIET_SECONDS. Segments piling up past BUSY_SEGMENTS are merged at once, a few
        at a time, as every search reads every segment.
        """
        ix = self._index()
        segments = ix._segments()
        if len(segments) < BUSY_SEGMENTS and (busy or not self._quiet(ix)):
            return
        if tier_to_merge(segments) is None:
            return
        IndexWriter(ix, compound=False).commit(mergetype=merge_one_tier)

    def _quiet(self, ix: index.Index) -> bool:
        toc = self.directory / f"_{ix.indexname}_{ix.latest_generation()}.toc"
        try:
            changed = toc.stat().st_mtime
        except FileNotFoundError:  # replaced by a newer generation meanwhile
            return False
        return time.time() - changed >= QUIET_SECONDS

    # -- the current searcher ---------------------------------------------------------------

    def _current_view(self) -> _View:
        # Opening a searcher per query costs ~100 ms at 100k documents with compound segments
        # (well under 1 ms without): keep one and reopen it only when the index changed. Not with
        # Searcher.refresh(): whoosh-reloaded 2.7.5's reader reuse keeps the replaced segments,
        # so a refreshed searcher returns updated documents twice and deleted ones still.
        ix = self._index()
        stamp = self._stamp(ix)
        if self._view is None or stamp != self._view.stamp:
            self._close_view()
            self._view = self._open_view(self._open_searcher(ix), stamp)
        return self._view

    def _open_searcher(self, ix: index.Index) -> Searcher:
        # Whoosh opens a reader of every segment (its term table, ~0.5 ms) for each searcher: at
        # 50 segments every change cost every searching process ~30 ms. A segment never changes
        # but for its deletions, so the reader of a segment with the same deletions is kept.
        info = ix._read_toc()
        kept: dict[str, tuple[frozenset[int], SegmentReader]] = {}
        for segment in info.segments:
            deleted = frozenset(segment.deleted_docs())
            known = self._readers.get(segment.segment_id())
            if known is None or known[0] != deleted:
                reader = SegmentReader(ix.storage, info.schema, segment, generation=info.generation)
                known = (deleted, reader)
            kept[segment.segment_id()] = known
        for segment_id, (_deleted, reader) in self._readers.items():
            if kept.get(segment_id, (None, None))[1] is not reader:
                reader.close()
        self._readers = kept
        readers = [reader for _deleted, reader in kept.values()]
        if not readers:
            return Searcher(EmptyReader(info.schema), closereader=False)
        return Searcher(MultiReader(readers, generation=info.generation), closereader=False)

    def _open_view(self, searcher: Searcher, stamp: tuple[int, bytes]) -> _View:
        leaves = []
        segments = {}
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            if reader.doc_count_all() == 0:
                continue
            segment_id = reader.segment().segment_id()
            cache = self._segments.get(segment_id) or SegmentCache(reader, TEXT_FIELDS)
            segments[segment_id] = cache
            alive = bitsets.everything(cache.size)
            if reader.has_deletions():
                alive &= ~bitsets.from_ids(reader.deleted_docs_set, cache.size)
            leaves.append(Leaf(sub, offset, cache, alive))
        # Segments merged away are forgotten with what was read from them.
        self._segments = segments
        stats = [field_stats(leaves, position) for position in range(len(TEXT_FIELDS))]
        return _View(searcher, stamp, leaves, stats, _record_groups(leaves))

    def _close_view(self) -> None:
        if self._view is not None:
            self._view.searcher.close()
            self._view = None

    def _forget(self) -> None:
        """Drop the searcher and everything read from the segments, to read them afresh."""
        self._close_view()
        for _deleted, reader in self._readers.values():
            reader.close()
        self._readers = {}
        self._segments = {}

    # -- searching --------------------------------------------------------------------------

    def search(
        self, query: SearchQuery, audiences: Sequence[str], options: SearchOptions
    ) -> Matches:
        # A clause of common words only ("of" in "community of practice") is left out, as the
        # index left those words out.
        clauses = [parts for parts in (_compile_clause(c.options) for c in query.clauses) if parts]
        if query.clauses and not clauses:
            return Matches(hits=[], total=0)
        excluded = [part for part in map(_compile_term, query.excluded) if part is not None]
        with self._lock:
            try:
                return self._search(
                    self._current_view(), query, clauses, excluded, audiences, options
                )
            except Exception:  # Whoosh fails in many ways when files change under a searcher
                # Another process merged segments away while this searcher read them (seen once
                # in 861 searches during heavy indexing): read the index afresh, once.
                log.warning("search failed on a changing index; reopening it", exc_info=True)
                self._forget()
                return self._search(
                    self._current_view(), query, clauses, excluded, audiences, options
                )

    def _search(
        self,
        view: _View,
        query: SearchQuery,
        clauses: list[list[_Part]],
        excluded: list[_Part],
        audiences: Sequence[str],
        options: SearchOptions,
    ) -> Matches:
        finals = [
            _matching(leaf, clauses, excluded, audiences) if leaf.alive else 0
            for leaf in view.leaves
        ]
        _keep_one_per_record(view, finals, options.weights)
        total = sum(bits.bit_count() for bits in finals)
        facets = {name: _count(view, finals, name) for name in options.facets}
        terms = _scored_terms(clauses)
        wanted = options.offset + options.limit
        if not total or options.limit <= 0:
            ranked: list[tuple[float, int, int]] = []
        elif options.sort is Sort.NEWEST or not terms:
            ranked = newest(view.leaves, finals, wanted)
        else:
            phrase = _implied_phrase(query)
            depth = max(wanted, RERANK_DEPTH) if phrase is not None else wanted
            weights = options.weights
            ranked = best(view.leaves, finals, terms, FIELD_WEIGHTS, view.stats, weights, depth)
            if phrase is not None:
                ranked = with_phrase_bonus(view.leaves, ranked, phrase, TEXT_FIELDS)
        hits = []
        for score, leaf_index, docnum in ranked[options.offset : wanted]:
            stored = view.leaves[leaf_index].searcher.stored_fields(docnum)
            hits.append(Hit(stored["doc_type"], stored["doc_id"], score))
        return Matches(hits=hits, total=total, facets=facets)

    def corrections(self, word: str, limit: int = 5) -> list[str]:
        word = word.casefold()
        max_distance = correction_reach(word)
        if not max_distance:
            return []
        with self._lock:
            view = self._current_view()
            readers = [leaf.searcher.reader() for leaf in view.leaves]
            if any(("vocabulary", word) in reader for reader in readers):
                return []
            frequency: Counter[str] = Counter()
            for reader in readers:
                for raw in reader.terms_within("vocabulary", word, max_distance, prefix=1):
                    candidate = raw.decode() if isinstance(raw, bytes) else raw
                    if candidate != word:
                        frequency[candidate] += reader.doc_frequency("vocabulary", candidate)
        return best_corrections(word, frequency, limit)

    def keys(self) -> Iterator[str]:
        # Collected under the lock, so a caller that stops early cannot keep searches waiting.
        with self._lock:
            searcher = self._current_view().searcher
            keys = [fields["key"] for fields in searcher.all_stored_fields()]
        return iter(keys)

    def clear(self) -> None:
        with self._lock:
            self._forget()
            self._writer_readers.close()
            self._ix = self._create(replace=True)

    def optimize(self) -> None:
        IndexWriter(self._index(), compound=False).commit(optimize=True)

    def close(self) -> None:
        with self._lock:
            self._forget()
        self._writer_readers.close()


# Merges wait until the index has not changed for this long (writers flat out never pause)...
QUIET_SECONDS = 2.0
# ...or until this many segments have piled up. Small segments cost a search little: at 10,000
# documents, 60 of them searched about as fast as one (bench/README.md).
BUSY_SEGMENTS = 60


# -- compiling the query ------------------------------------------------------------------------


def _compile_term(term: QueryTerm) -> _Part | None:
    if isinstance(term, Filter):
        return _Part(("facets", facet_term(term.facet, term.value)), None, ())
    words = term.words if isinstance(term, PhraseTerm) else (term.text,)
    stems = tuple(s for s in (stem(word) for word in words) if s)
    if not stems:
        return None
    if len(stems) == 1:
        return _Part(("word", stems[0]), None, stems)
    return _Part(("phrase", " ".join(stems)), _phrase_query(stems), stems)


def _compile_clause(options: Sequence[QueryTerm]) -> list[_Part]:
    return [part for part in map(_compile_term, options) if part is not None]


def _phrase_query(stems: Sequence[str]) -> Query:
    return Or([Phrase(name, list(stems)) for name in TEXT_FIELDS])


def _scored_terms(clauses: list[list[_Part]]) -> list[str]:
    """Return the terms relevance is computed from: every word's and phrase's, once each."""
    return list(dict.fromkeys(term for parts in clauses for part in parts for term in part.stems))


def _implied_phrase(query: SearchQuery) -> list[str] | None:
    words = query.implied_phrase()
    stems = [s for s in (stem(word) for word in words or ()) if s]
    return stems if len(stems) > 1 else None


# -- sets of documents ----------------------------------------------------------------------


def _part_bits(leaf: Leaf, part: _Part) -> int:
    cache, reader = leaf.cache, leaf.searcher.reader()
    kind, text = part.key
    if kind == "facets":
        return cache.term(reader, "facets", text)
    if kind == "word":

        def word_bits() -> int:
            bits = 0
            for name in TEXT_FIELDS:
                bits |= cache.term(reader, name, text)
            return bits

        return cache.computed(part.key, word_bits)

    def phrase_bits() -> int:
        searcher = leaf.searcher
        matcher = part.query.matcher(searcher, searcher.boolean_context())
        return bitsets.from_ids(matcher.all_ids(), cache.size)

    return cache.computed(part.key, phrase_bits)


def _matching(
    leaf: Leaf, clauses: list[list[_Part]], excluded: list[_Part], audiences: Sequence[str]
) -> int:
    allowed = 0
    for audience in audiences:
        allowed |= leaf.cache.term(leaf.searcher.reader(), "audience", audience)
    bits = leaf.alive & allowed
    for parts in clauses:
        if not bits:
            return 0
        either = 0
        for part in parts:
            either |= _part_bits(leaf, part)
        bits &= either
    for part in excluded:
        bits &= ~_part_bits(leaf, part)
    return bits


def _record_groups(leaves: list[Leaf]) -> list[list[tuple[int, int]]]:
    documents: dict[str, list[tuple[int, int]]] = {}
    for leaf_index, leaf in enumerate(leaves):
        packed = bitsets.to_bytes(leaf.alive, leaf.cache.size)
        for record, docnums in leaf.cache.facts.records.items():
            for docnum in docnums:
                if bitsets.contains(packed, docnum):
                    documents.setdefault(record, []).append((leaf_index, docnum))
    return [found for found in documents.values() if len(found) > 1]


def _keep_one_per_record(view: _View, finals: list[int], weights: dict[str, float]) -> None:
    if not view.groups:
        return
    packed = [
        bitsets.to_bytes(bits, leaf.cache.size)
        for bits, leaf in zip(finals, view.leaves, strict=True)
    ]
    dropped: dict[int, list[int]] = {}
    for documents in view.groups:
        present = [(i, d) for i, d in documents if bitsets.contains(packed[i], d)]
        if len(present) < 2:
            continue

        def heaviest(found: tuple[int, int]) -> tuple[float, str]:
            facts = view.leaves[found[0]].cache.facts
            doc_type = facts.type_names[facts.type_codes[found[1]]]
            return (weights.get(doc_type, 1.0), doc_type)

        kept = max(present, key=heaviest)
        for found in present:
            if found != kept:
                dropped.setdefault(found[0], []).append(found[1])
    for leaf_index, docnums in dropped.items():
        size = view.leaves[leaf_index].cache.size
        finals[leaf_index] &= ~bitsets.from_ids(docnums, size)


def _count(view: _View, finals: list[int], facet: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for leaf, bits in zip(view.leaves, finals, strict=True):
        if not bits:
            continue
        for value, having in leaf.cache.facet_values(leaf.searcher.reader(), facet):
            found = (bits & having).bit_count()
            if found:
                counts[value] += found
    return dict(counts)
