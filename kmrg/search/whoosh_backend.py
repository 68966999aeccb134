"""The embedded Whoosh search engine behind the Hub's search interface."""

from __future__ import annotations

import fcntl
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from whoosh import highlight, index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.lang.porter2 import stem as porter2_stem
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import And, Or, Phrase, Query, Term
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter as WhooshWriter

from kmrg.search.backend import Hit
from kmrg.search.registry import SearchDocument

# Whoosh's default stemmer turns "running" into "runn"; Porter2 stems it to "run".
ANALYZER = StemmingAnalyzer(stemfn=porter2_stem)

SCHEMA = Schema(
    key=ID(unique=True, stored=True),
    doc_type=ID(stored=True),
    doc_id=ID(stored=True),
    audience=ID,
    title=TEXT(analyzer=ANALYZER, stored=True, field_boost=3.0),
    body=TEXT(analyzer=ANALYZER),
    tags=KEYWORD(lowercase=True, commas=True, scorable=True, field_boost=2.0),
)
SEARCH_FIELDS = ["title", "body", "tags"]

# Plain OR, without OrGroup.factory's coordination factor: that factor multiplies every score by
# (n - 1) / n, n being the query's terms that exist in a segment, so a one-word query found in one
# field only scored 0 for every document (no ranking, and type weights multiplied nothing).
PARSER = MultifieldParser(SEARCH_FIELDS, schema=SCHEMA, group=OrGroup)
# For text the full syntax cannot take: Whoosh's parser raises IndexError or AssertionError on
# junk such as "( NOT AND AND"; words alone, without operators, always parse.
PLAIN_PARSER = MultifieldParser(SEARCH_FIELDS, schema=SCHEMA, group=OrGroup, plugins=[])
WORD = re.compile(r"\w+")


def parse_query(text: str) -> Query:
    """Parse what a visitor typed; fall back to its plain words when the syntax is broken."""
    try:
        query = PARSER.parse(text)
    except Exception:  # Whoosh's parser fails in many ways on malformed syntax
        query = PLAIN_PARSER.parse(" ".join(WORD.findall(text)))
    return query.accept(_phrase_without_positions)


def _phrase_without_positions(query: Query) -> Query:
    # A phrase on a field that stores no positions (tags) raises QueryError when searched; there
    # every word must simply be present.
    if isinstance(query, Phrase) and not SCHEMA[query.fieldname].supports("positions"):
        return And([Term(query.fieldname, word) for word in query.words])
    return query


class _Writer:
    def __init__(self, writer: WhooshWriter) -> None:
        self._writer = writer

    def update(self, document: SearchDocument) -> None:
        self._writer.update_document(
            key=document.key,
            doc_type=document.doc_type,
            doc_id=document.doc_id,
            audience=str(document.audience),
            title=document.title,
            body=document.body,
            tags=",".join(document.tags),
        )

    def delete(self, key: str) -> None:
        self._writer.delete_by_term("key", key)


class WhooshBackend:
    """A Whoosh index in one folder, with one long-lived searcher refreshed on change."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._searcher: Searcher | None = None
        self._searcher_stamp: tuple[int, bytes] | None = None
        self._ix: index.Index | None = None
        self._lock = threading.Lock()

    def _index(self) -> index.Index:
        # The index object holds no state of its own (each reader reads the table of contents
        # afresh), so one serves the process for good.
        if self._ix is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            if index.exists_in(str(self.directory)):
                self._ix = index.open_dir(str(self.directory))
            else:
                self._ix = self._create(replace=False)
        return self._ix

    def _create(self, *, replace: bool) -> index.Index:
        # Creating an index deletes every table of contents in the folder: a second process
        # creating it too, just after the first had indexed into it, would empty it.
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "create.lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            if not replace and index.exists_in(str(self.directory)):
                return index.open_dir(str(self.directory))
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
    def writer(self) -> Iterator[_Writer]:
        # Separate segment files: opening a searcher at 100k documents drops from ~94 ms to
        # ~0.35 ms, and a one-document update from ~118 ms to ~11 ms.
        writer = self._index().writer(compound=False)
        try:
            yield _Writer(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def _current_searcher(self) -> Searcher:
        # Opening a searcher per query costs ~100 ms at 100k documents with compound segments
        # (well under 1 ms without): keep one and reopen it only when the index changed. Not with
        # Searcher.refresh(): whoosh-reloaded 2.7.5's reader reuse keeps the replaced segments,
        # so a refreshed searcher returns updated documents twice and deleted ones still.
        ix = self._index()
        stamp = self._stamp(ix)
        if self._searcher is None or stamp != self._searcher_stamp:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._searcher = ix.searcher()
            self._searcher_stamp = stamp
        return self._searcher

    def search(
        self,
        text: str,
        audiences: Sequence[str],
        doc_types: Sequence[str] | None = None,
        limit: int = 200,
    ) -> list[Hit]:
        query = parse_query(text)
        allowed = Or([Term("audience", audience) for audience in audiences])
        if doc_types:
            allowed = allowed & Or([Term("doc_type", name) for name in doc_types])
        terms = frozenset(
            value.decode() if isinstance(value, bytes) else str(value)
            for field_name, value in query.all_terms()
            if field_name in {"title", "body"}
        )
        with self._lock:
            searcher = self._current_searcher()
            results = searcher.search(query, filter=allowed, limit=limit)
            return [
                Hit(
                    doc_type=hit["doc_type"],
                    doc_id=hit["doc_id"],
                    score=hit.score or 0.0,
                    terms=terms,
                )
                for hit in results
            ]

    def highlight(self, text: str, terms: frozenset[str]) -> str:
        # Snippets come from the record as it is now, never from stored index text, so a field
        # its owner has just hidden cannot show up in a result.
        if not text or not terms:
            return ""
        return highlight.highlight(
            text,
            terms,
            ANALYZER,
            highlight.ContextFragmenter(maxchars=220, surround=60),
            highlight.HtmlFormatter(tagname="mark", between=" … "),
            top=2,
        )

    def keys(self) -> Iterator[str]:
        # Collected under the lock, so a caller that stops early cannot keep searches waiting.
        with self._lock:
            searcher = self._current_searcher()
            keys = [fields["key"] for fields in searcher.all_stored_fields()]
        return iter(keys)

    def clear(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
                self._searcher_stamp = None
            self._ix = self._create(replace=True)

    def optimize(self) -> None:
        self._index().writer(compound=False).commit(optimize=True)

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
                self._searcher_stamp = None
