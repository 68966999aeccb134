"""The PostgreSQL search backend: the index lives in the Hub's own database.

For several app servers sharing one database (Whoosh's index is a folder on one machine). The
tables and rows are kmrg.search.postgres_index's, the SQL of a search kmrg.search.postgres_query's.
Writers hold a transaction-level advisory lock, so batches from any number of processes or
machines apply one at a time and the statistics they keep never lose an update.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from psycopg.types.json import Jsonb

from kmrg.search.backend import Matches, SearchOptions
from kmrg.search.language import SearchQuery
from kmrg.search.postgres_index import TABLES, Changes, document_row
from kmrg.search.postgres_query import Statement, Statistics, compile_query
from kmrg.search.registry import SearchDocument, split_facet_term
from kmrg.search.spelling import best_corrections, correction_reach

# One writer at a time, in every process that shares the database (pg_advisory_xact_lock).
WRITER_LOCK = 0x6B6D7267  # "kmrg"
BULK_FLUSH = 1000
# Did-you-mean looks at words sharing this much of their trigrams with the misspelt word (low:
# two edits in a six-letter word leave few in common); edit distance then decides.
CORRECTION_SIMILARITY = 0.1
CORRECTION_CANDIDATES = 500
# Memory for a search's sorts and hashes (its own transaction only): at the server's default
# 4 MB a word in most of 100,000 documents spilled the matched set and its sort to temporary files.
SEARCH_WORK_MEM = "64MB"
GIN_INDEXES = (
    "ix_search_documents_matched",
    "ix_search_documents_facets",
    "ix_search_vocabulary_word_trigrams",
)
COLUMNS = (
    "key",
    "doc_type",
    "doc_id",
    "audience",
    "record",
    "date",
    "facets",
    "matched",
    "terms",
    "lengths",
    "vocabulary",
    "facet_ids",
)
# The numbers of a batch's facet tokens (search_facet_terms), numbering those new to the index.
# Only tokens without a number are inserted: ON CONFLICT alone draws an id from the sequence for
# every token of every batch. The SELECT cannot see the rows its own INSERT adds (one snapshot),
# so each token comes back once. Writers hold WRITER_LOCK, so no other inserts race this one.
FACET_IDS = (
    "WITH wanted AS (SELECT DISTINCT unnest(%(terms)s::text[]) AS term),"
    " added AS (INSERT INTO search_facet_terms (term) SELECT term FROM wanted"
    " WHERE NOT EXISTS (SELECT FROM search_facet_terms AS f WHERE f.term = wanted.term)"
    " ORDER BY term ON CONFLICT (term) DO NOTHING RETURNING term, id)"
    " SELECT term, id FROM added"
    " UNION ALL SELECT f.term, f.id FROM search_facet_terms AS f JOIN wanted USING (term)"
)


class _Writer:
    """One batch: documents collected, then replaced a statement at a time (DELETE, then COPY).

    The statistics (document frequencies, field totals, vocabulary) change in the same
    transaction, once at the end: a batch that fails leaves them as they were.
    """

    def __init__(self, connection: sa.Connection, flush_every: int | None) -> None:
        self._connection = connection
        self._flush_every = flush_every
        self._pending: dict[str, SearchDocument | None] = {}
        self._changes = Changes()

    def update(self, document: SearchDocument) -> None:
        # The last change of a key counts, and an updated document is the newest.
        self._pending.pop(document.key, None)
        self._pending[document.key] = document
        if self._flush_every and len(self._pending) >= self._flush_every:
            self.flush()

    def delete(self, key: str) -> None:
        self._pending.pop(key, None)
        self._pending[key] = None

    def flush(self) -> None:
        """Write the documents collected so far (the statistics wait for `finish`)."""
        if not self._pending:
            return
        gone = self._connection.exec_driver_sql(
            "DELETE FROM search_documents WHERE key = ANY(%(keys)s)"
            " RETURNING seq, terms, lengths, vocabulary",
            {"keys": sorted(self._pending)},
        ).all()
        for _seq, frequencies, lengths, words in gone:
            self._changes.count(frequencies, lengths, words, -1)
        if gone:
            self._connection.exec_driver_sql(
                "DELETE FROM search_postings WHERE seq = ANY(%(numbers)s)",
                {"numbers": [seq for seq, *_rest in gone]},
            )
        rows = [document_row(d) for d in self._pending.values() if d is not None]
        self._pending.clear()
        if not rows:
            return
        tokens = sorted({token for row in rows for token in row.values["facets"]})
        ids = dict(self._connection.exec_driver_sql(FACET_IDS, {"terms": tokens}).all())
        for row in rows:
            row.values["facet_ids"] = [ids[token] for token in row.values["facets"]]
        cursor = self._connection.connection.driver_connection.cursor()
        with cursor:
            with cursor.copy(f"COPY search_documents ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    values = dict(row.values, terms=Jsonb(row.values["terms"]))
                    copy.write_row([values[column] for column in COLUMNS])
            # The postings name a document by the number the server just gave its row.
            cursor.execute(
                "SELECT key, seq FROM search_documents WHERE key = ANY(%(keys)s)",
                {"keys": [row.values["key"] for row in rows]},
            )
            numbers = dict(cursor.fetchall())
            with cursor.copy("COPY search_postings (term, seq, frequencies) FROM STDIN") as copy:
                for row in rows:
                    seq = numbers[row.values["key"]]
                    for term, frequencies in row.terms.items():
                        copy.write_row((term, seq, frequencies))
        for row in rows:
            self._changes.count(row.terms, row.lengths, row.vocabulary, 1)

    def finish(self) -> None:
        self.flush()
        self._changes.apply(self._connection)


class PostgresBackend:
    """A search index in the Hub's PostgreSQL database (tables of migrations 0008, 0012, 0017)."""

    name = "postgres"

    def __init__(self, engine: sa.Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise RuntimeError(
                f"the postgres search backend needs PostgreSQL, not {engine.dialect.name}"
            )
        self.engine = engine

    # -- writing ----------------------------------------------------------------------------

    @contextmanager
    def _writing(self, flush_every: int | None) -> Iterator[_Writer]:
        # The lock is taken on entry, before the caller reads the records it will index (the
        # indexer loads them inside the block): a drain on another machine that read an older
        # version of a record cannot write it over a newer one, since it reads only after the
        # writer before it committed (PostgreSQL's READ COMMITTED: a fresh snapshot a statement).
        with self.engine.connect() as connection, connection.begin():
            connection.exec_driver_sql(
                "SELECT pg_advisory_xact_lock(%(lock)s)", {"lock": WRITER_LOCK}
            )
            writer = _Writer(connection, flush_every)
            yield writer
            writer.finish()

    @contextmanager
    def writer(self) -> Iterator[_Writer]:
        with self._writing(None) as writer:
            yield writer

    @contextmanager
    def bulk_writer(self) -> Iterator[_Writer]:
        with self._writing(BULK_FLUSH) as writer:
            yield writer
        with self.engine.connect() as connection, connection.begin():
            # Fresh planner statistics for tables that just grew from nothing, and the GIN
            # indexes' pending entries merged now: searches scan that list entry by entry.
            connection.exec_driver_sql("ANALYZE search_documents, search_terms, search_vocabulary")
            for index in GIN_INDEXES:
                connection.exec_driver_sql(
                    "SELECT gin_clean_pending_list(%(index)s::regclass)", {"index": index}
                )
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # Relevance reads the postings from their index alone only where VACUUM has marked
            # the pages all-visible; until autovacuum came by, it read every posting's page.
            connection.exec_driver_sql("VACUUM (ANALYZE) search_postings")

    def clear(self) -> None:
        with self.engine.connect() as connection, connection.begin():
            connection.exec_driver_sql(
                "SELECT pg_advisory_xact_lock(%(lock)s)", {"lock": WRITER_LOCK}
            )
            connection.exec_driver_sql(f"TRUNCATE {', '.join(t.name for t in TABLES)}")

    def maintain(self, *, busy: bool = False) -> None:
        """Nothing to do after a drain: autovacuum keeps the tables and their indexes."""

    def optimize(self) -> None:
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in TABLES:
                connection.exec_driver_sql(f"VACUUM (ANALYZE) {table.name}")

    def close(self) -> None:
        """Nothing to release: connections belong to the engine's pool."""

    def keys(self) -> Iterator[str]:
        with self.engine.connect() as connection:
            found = connection.exec_driver_sql("SELECT key FROM search_documents ORDER BY seq")
            return iter([key for (key,) in found])

    # -- searching --------------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        # One snapshot for the statistics and the matches.
        with self.engine.connect() as connection:
            connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            with connection.begin():
                yield connection

    def search(
        self, query: SearchQuery, audiences: Sequence[str], options: SearchOptions
    ) -> Matches:
        compiled = compile_query(query)
        if compiled is None:
            return Matches(hits=[], total=0)
        clauses, excluded = compiled
        statement = Statement(clauses, excluded, audiences, options, query)
        with self._reading() as connection:
            connection.exec_driver_sql(
                "SELECT set_config('work_mem', %(memory)s, true)", {"memory": SEARCH_WORK_MEM}
            )
            if statement.ranks_by_score:
                statement.score_with(Statistics.read(connection, statement.stems()))
            sql, params = statement.sql()
            total, facets, page = connection.exec_driver_sql(sql, params).one()
        counts: dict[str, dict[str, int]] = {name: {} for name in options.facets}
        for token, number in (facets or {}).items():
            name, value = split_facet_term(token)
            counts[name][value] = number
        hits = statement.hits(page or [])
        return Matches(hits=hits, total=total, facets=counts)

    def corrections(self, word: str, limit: int = 5) -> list[str]:
        word = word.casefold()
        max_distance = correction_reach(word)
        if not max_distance:
            return []
        with self._reading() as connection:
            known = connection.exec_driver_sql(
                "SELECT 1 FROM search_vocabulary WHERE word = %(word)s", {"word": word}
            ).first()
            if known:
                return []
            connection.exec_driver_sql(
                "SELECT set_config('pg_trgm.similarity_threshold', %(limit)s, true)",
                {"limit": str(CORRECTION_SIMILARITY)},
            )
            candidates = connection.exec_driver_sql(
                "SELECT word, documents FROM search_vocabulary"
                " WHERE word %% %(word)s AND left(word, 1) = %(first)s"
                " AND length(word) BETWEEN %(shortest)s AND %(longest)s"
                " ORDER BY similarity(word, %(word)s) DESC, word LIMIT %(candidates)s",
                {
                    "word": word,
                    "first": word[0],
                    "shortest": len(word) - max_distance,
                    "longest": len(word) + max_distance,
                    "candidates": CORRECTION_CANDIDATES,
                },
            ).all()
        return best_corrections(word, dict(candidates), limit)
