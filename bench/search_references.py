"""The engines the Hub's search is measured against, each used the plain way its manual shows.

- raw SQLite FTS5: one FTS5 table (title, summary, body), Porter stemming, ranked by `bm25()`
  with the Hub's field weights, in a database file of its own;
- plain Whoosh: a simple schema (the same three fields and weights, Whoosh's stemming analyzer),
  `searcher.search(query, limit=20)` on one reused searcher;
- raw PostgreSQL: a table with a GIN-indexed `to_tsvector('english', title || summary || body)`
  column, `@@ to_tsquery(...)`, `ORDER BY ts_rank(...) LIMIT 20`.

Every reference reads the same texts from the Hub's lessons table (summary = the lesson, body =
driving event, recommendation, evidence and applies-to, as the Hub's lesson document has them),
of the lessons the Hub's index holds: the published ones (members-only drafts stay out of search).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup

from kmrg.search.backend import FIELD_WEIGHTS

FIELDS = ("title", "summary", "body")
WEIGHTS = tuple(FIELD_WEIGHTS[name] for name in FIELDS)
Row = tuple[int, str, str, str]


# The lessons the Hub's index holds: published ones (the bench writes no lesson with a source).
LESSON_ROWS = (
    "SELECT id, title, lesson, driving_event, recommendation, evidence, applies_to "
    "FROM lessons WHERE status = 'published' ORDER BY id"
)


def lesson_rows(database: Path) -> Iterator[Row]:
    """Yield (id, title, summary, body) of every public lesson in the Hub's SQLite database."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        cursor = connection.execute(LESSON_ROWS)
        for lesson_id, title, summary, *body in cursor:
            yield lesson_id, title, summary, "\n\n".join(part for part in body if part)
    finally:
        connection.close()


def folder_size(directory: Path) -> int:
    """Return the bytes of every file in a folder."""
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


# -- SQLite FTS5 ----------------------------------------------------------------------------------


def fts5_match(words: Sequence[str], *, any_word: bool = False) -> str:
    """Return an FTS5 MATCH expression: the words, each quoted, AND-ed (or OR-ed)."""
    joiner = " OR " if any_word else " AND "
    return joiner.join('"' + word.replace('"', '""') + '"' for word in words)


class Fts5Reference:
    """An FTS5 table in its own SQLite file, ranked by bm25 with the Hub's field weights."""

    name = "raw FTS5"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.connection = sqlite3.connect(path)

    def build(self, rows: Iterable[Row]) -> int:
        """Create the table and add every row in one transaction; return how many."""
        connection = self.connection
        connection.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(title, summary, body, "
            "tokenize = 'porter unicode61')"
        )
        # `ORDER BY rank` then ranks by the weighted bm25 (and can use FTS5's fast path).
        weights = ", ".join(str(weight) for weight in WEIGHTS)
        connection.execute("INSERT INTO docs(docs, rank) VALUES ('rank', ?)", (f"bm25({weights})",))
        count = 0
        with connection:
            for row in rows:
                connection.execute(
                    "INSERT INTO docs(rowid, title, summary, body) VALUES (?, ?, ?, ?)", row
                )
                count += 1
        return count

    def top(self, match: str, limit: int = 20) -> list[int]:
        """Return the ids of the best `limit` documents."""
        return [
            rowid
            for (rowid,) in self.connection.execute(
                "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?", (match, limit)
            )
        ]

    def count(self, match: str) -> int:
        """Return how many documents match."""
        return self.connection.execute(
            "SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)
        ).fetchone()[0]

    def size(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        self.connection.close()


# -- plain Whoosh --------------------------------------------------------------------------------


def plain_schema() -> Schema:
    analyzer = StemmingAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        **{
            name: TEXT(analyzer=analyzer, field_boost=weight)
            for name, weight in zip(FIELDS, WEIGHTS, strict=True)
        },
    )


class PlainWhoosh:
    """A Whoosh index with a simple schema, built and searched as Whoosh's manual shows."""

    name = "plain Whoosh"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.searcher: Any = None
        self._parsers: dict[bool, MultifieldParser] = {}

    def build(self, rows: Iterable[Row]) -> int:
        """Create the index and add every row with one writer; return how many."""
        self.directory.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(self.directory), plain_schema())
        writer = ix.writer(limitmb=256)
        count = 0
        for lesson_id, title, summary, body in rows:
            writer.add_document(id=str(lesson_id), title=title, summary=summary, body=body)
            count += 1
        writer.commit()
        return count

    def open(self) -> None:
        ix = index.open_dir(str(self.directory))
        self.searcher = ix.searcher()
        for any_word, group in ((False, AndGroup), (True, OrGroup)):
            self._parsers[any_word] = MultifieldParser(list(FIELDS), ix.schema, group=group)

    def search(self, text: str, limit: int = 20, *, any_word: bool = False) -> list[str]:
        """Return the ids of the best `limit` documents for the words of `text`."""
        results = self.searcher.search(self._parsers[any_word].parse(text), limit=limit)
        return [hit["id"] for hit in results]

    def search_counted(self, text: str, limit: int = 20) -> int:
        """Return the total of all words' matches, ranking the best `limit` on the way."""
        results = self.searcher.search(self._parsers[False].parse(text), limit=limit)
        return len(results)

    def size(self) -> int:
        return folder_size(self.directory)

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()


# -- PostgreSQL tsvector -------------------------------------------------------------------------


def tsquery(words: Sequence[str], *, any_word: bool = False) -> str:
    """Return to_tsquery text for words of letters and digits: AND-ed (or OR-ed)."""
    return (" | " if any_word else " & ").join(words)


class RawTsvector:
    """A PostgreSQL table with a GIN-indexed tsvector of title, summary and body."""

    name = "raw tsvector"

    def __init__(self, connection: Any, table: str = "bench_raw_docs") -> None:
        self.connection = connection
        self.table = table  # an identifier of the bench's own, never user input

    def build(self, rows: Iterable[Row]) -> int:
        """Create the table, copy the rows in, index the tsvector; return how many."""
        from psycopg import sql

        table = sql.Identifier(self.table)
        count = 0
        with self.connection.cursor() as cursor:
            cursor.execute(
                sql.SQL(
                    "CREATE TABLE {} (id integer PRIMARY KEY, title text, summary text, body text,"
                    " tsv tsvector GENERATED ALWAYS AS (to_tsvector('english',"
                    " title || ' ' || summary || ' ' || body)) STORED)"
                ).format(table)
            )
            copy = sql.SQL("COPY {} (id, title, summary, body) FROM STDIN").format(table)
            with cursor.copy(copy) as copying:
                for row in rows:
                    copying.write_row(row)
                    count += 1
            cursor.execute(
                sql.SQL("CREATE INDEX {} ON {} USING gin (tsv)").format(
                    sql.Identifier(f"{self.table}_tsv"), table
                )
            )
            cursor.execute(sql.SQL("ANALYZE {}").format(table))
        return count

    def _sql(self, text: str) -> Any:
        from psycopg import sql

        return sql.SQL(text).format(sql.Identifier(self.table))

    def top(self, query: str, limit: int = 20) -> list[int]:
        """Return the ids of the best `limit` rows by ts_rank."""
        statement = self._sql(
            "SELECT id FROM {}, to_tsquery('english', %s) AS q WHERE tsv @@ q "
            "ORDER BY ts_rank(tsv, q) DESC, id LIMIT %s"
        )
        return [row[0] for row in self.connection.execute(statement, (query, limit))]

    def count(self, query: str) -> int:
        statement = self._sql("SELECT count(*) FROM {} WHERE tsv @@ to_tsquery('english', %s)")
        return self.connection.execute(statement, (query,)).fetchone()[0]

    def size(self) -> int:
        return self.connection.execute(
            "SELECT pg_total_relation_size(%s::regclass)", (self.table,)
        ).fetchone()[0]


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Return (seconds, result) of one call."""
    began = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - began, result
