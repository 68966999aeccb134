"""The PostgreSQL search backend: the index lives in the Hub's own database.

For several app servers sharing one database (Whoosh's index is a folder on one machine). Which
documents match, the total, the facet counts, audiences and one-result-per-record are one SQL
statement over the same matched set. Matching uses a GIN index on each document's tsvector, with
the query tree compiled to a tsquery of stems analysed exactly as the Whoosh backend analyses them
(kmrg.search.postgres_index says why). Relevance is the Whoosh backend's (kmrg.search.
whoosh_ranking: BM25 per field times the field's weight, title and phrase bonuses), computed in
SQL over every match from the frequencies each row keeps and the statistics the writer keeps;
`ts_rank` ranks Cranfield's queries 20% worse. The writer holds a transaction-level advisory
lock, so batches from any number of processes or machines apply one at a time and the statistics
never lose an update.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from psycopg.types.json import Jsonb

from kmrg.search.analysis import stem
from kmrg.search.backend import FIELD_WEIGHTS, Hit, Matches, SearchOptions, Sort
from kmrg.search.language import Filter, Phrase, SearchQuery
from kmrg.search.language import Term as QueryTerm
from kmrg.search.postgres_index import (
    DOCUMENTS,
    FIELDS,
    TABLES,
    Changes,
    document_row,
    length_counter,
    tsquery_lexeme,
)
from kmrg.search.registry import SearchDocument, facet_term, split_facet_term
from kmrg.search.spelling import edit_distance

# Relevance as the Whoosh backend ranks (BM25's k1 and b, the title and phrase bonuses, how many
# of the best are checked for the phrase), so both backends put the same records first.
from kmrg.search.whoosh_ranking import K1, PHRASE_BONUS, RERANK_DEPTH, TITLE_BONUS, B

# One writer at a time, in every process that shares the database (pg_advisory_xact_lock).
WRITER_LOCK = 0x6B6D7267  # "kmrg"
BULK_FLUSH = 1000
# Did-you-mean looks at words sharing this much of their trigrams with the misspelt word (low:
# two edits in a six-letter word leave few in common); edit distance then decides.
CORRECTION_SIMILARITY = 0.1
CORRECTION_CANDIDATES = 500
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
)


class _Writer:
    """One batch: documents collected, then written in key order with their statistics."""

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
            " RETURNING terms, lengths, vocabulary",
            {"keys": sorted(self._pending)},
        )
        for frequencies, lengths, words in gone:
            self._changes.count(frequencies, lengths, words, -1)
        rows = [document_row(d) for d in self._pending.values() if d is not None]
        self._pending.clear()
        if not rows:
            return
        cursor = self._connection.connection.driver_connection.cursor()
        with (
            cursor,
            cursor.copy(f"COPY search_documents ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                values = dict(row.values, terms=Jsonb(row.values["terms"]))
                copy.write_row([values[column] for column in COLUMNS])
        for row in rows:
            self._changes.count(row.terms, row.lengths, row.vocabulary, 1)

    def finish(self) -> None:
        self.flush()
        self._changes.apply(self._connection)


@dataclass(frozen=True)
class _Part:
    """One compiled term: a word's stem, a phrase's stems, or a facet token."""

    kind: str  # "word", "phrase" or "facet"
    texts: tuple[str, ...]

    def tsquery(self) -> str:
        if self.kind == "word":
            return tsquery_lexeme(self.texts[0])
        return "(" + " <-> ".join(map(tsquery_lexeme, self.texts)) + ")"


class PostgresBackend:
    """A search index in the Hub's PostgreSQL database (tables made by migration 0008)."""

    name = "postgres"

    def __init__(self, engine: sa.Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise RuntimeError(
                f"the postgres search backend needs PostgreSQL, not {engine.dialect.name}"
            )
        self.engine = engine

    # -- writing ----------------------------------------------------------------------------

    @contextmanager
    def _writing(self, flush_every: int | None) -> Iterator[tuple[sa.Connection, _Writer]]:
        # The lock is taken on entry, before the caller reads the records it will index (the
        # indexer loads them inside the block): a drain on another machine that read an older
        # version of a record cannot write it over a newer one, since it reads only after the
        # writer before it committed (PostgreSQL's READ COMMITTED: a fresh snapshot a statement).
        with self.engine.connect() as connection, connection.begin():
            connection.exec_driver_sql(
                "SELECT pg_advisory_xact_lock(%(lock)s)", {"lock": WRITER_LOCK}
            )
            writer = _Writer(connection, flush_every)
            yield connection, writer
            writer.finish()

    @contextmanager
    def writer(self) -> Iterator[_Writer]:
        with self._writing(None) as (_connection, writer):
            yield writer

    @contextmanager
    def bulk_writer(self) -> Iterator[_Writer]:
        with self._writing(BULK_FLUSH) as (connection, writer):
            yield writer
            writer.finish()
            # Fresh planner statistics for tables that just grew from nothing, and the GIN
            # indexes' pending entries merged now: searches scan that list entry by entry.
            connection.exec_driver_sql("ANALYZE search_documents, search_terms, search_vocabulary")
            for index in GIN_INDEXES:
                connection.exec_driver_sql(
                    "SELECT gin_clean_pending_list(%(index)s::regclass)", {"index": index}
                )

    def clear(self) -> None:
        with self.engine.connect() as connection, connection.begin():
            connection.exec_driver_sql(
                "SELECT pg_advisory_xact_lock(%(lock)s)", {"lock": WRITER_LOCK}
            )
            connection.exec_driver_sql(f"TRUNCATE {', '.join(t.name for t in TABLES)}")

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
        # A clause of common words only ("of" in "community of practice") is left out, as the
        # Whoosh index leaves those words out.
        clauses = [parts for parts in (_compile_clause(c.options) for c in query.clauses) if parts]
        if query.clauses and not clauses:
            return Matches(hits=[], total=0)
        excluded = [part for part in map(_compile_term, query.excluded) if part is not None]
        statement = _Statement(clauses, excluded, audiences, options, query)
        with self._reading() as connection:
            if statement.ranks_by_score:
                statement.score_with(_Statistics.read(connection, statement.stems()))
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
        if len(word) < 4 or not word.isalpha():
            return []
        max_distance = 1 if len(word) < 6 else 2
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
        frequency: Counter[str] = Counter()
        distance: dict[str, int] = {}
        for candidate, documents in candidates:
            found = edit_distance(word, candidate)
            if found <= max_distance:
                frequency[candidate], distance[candidate] = documents, found
        ranked = sorted(frequency, key=lambda w: (distance[w], -frequency[w], w))
        return ranked[:limit]


# -- compiling the query ------------------------------------------------------------------------


def _compile_term(term: QueryTerm) -> _Part | None:
    if isinstance(term, Filter):
        return _Part("facet", (facet_term(term.facet, term.value),))
    words = term.words if isinstance(term, Phrase) else (term.text,)
    stems = tuple(s for s in (stem(word) for word in words) if s)
    if not stems:
        return None
    return _Part("word" if len(stems) == 1 else "phrase", stems)


def _compile_clause(options: Sequence[QueryTerm]) -> list[_Part]:
    return [part for part in map(_compile_term, options) if part is not None]


def _real(number: float) -> str:
    """Return a float8 constant: a bare 0.3 is numeric in SQL, whose arithmetic is far slower."""
    return f"float8 '{float(number)!r}'"


@dataclass
class _Statistics:
    """What BM25 needs of the whole index: its size, mean field lengths, frequencies per field."""

    documents: int
    mean_lengths: list[float]
    frequencies: dict[tuple[str, int], int]

    @classmethod
    def read(cls, connection: sa.Connection, stems: Sequence[str]) -> _Statistics:
        counters = dict(connection.exec_driver_sql("SELECT name, value FROM search_counters").all())
        documents = int(counters.get(DOCUMENTS, 0))
        means = [
            (counters.get(length_counter(index), 0) / documents if documents else 0.0) or 1.0
            for index in range(len(FIELDS))
        ]
        found = connection.exec_driver_sql(
            "SELECT term, field, documents FROM search_terms WHERE term = ANY(%(stems)s)",
            {"stems": list(stems)},
        )
        return cls(documents, means, {(term, f): n for term, f, n in found})

    def idf(self, term: str, field: int) -> float:
        # Lucene's idf, as the Whoosh backend computes it.
        frequency = self.frequencies.get((term, field), 0)
        return max(math.log(1 + (self.documents - frequency + 0.5) / (frequency + 0.5)), 1e-3)


class _Statement:
    """The one SQL statement that answers a search: total, facet counts and the page."""

    def __init__(
        self,
        clauses: list[list[_Part]],
        excluded: list[_Part],
        audiences: Sequence[str],
        options: SearchOptions,
        query: SearchQuery,
    ) -> None:
        self.clauses = clauses
        self.excluded = excluded
        self.options = options
        self.params: dict[str, Any] = {
            "audiences": list(audiences),
            "types": list(options.weights),
            "weights": [float(w) for w in options.weights.values()],
        }
        self.scored = [parts for parts in clauses if any(p.kind != "facet" for p in parts)]
        self.ranks_by_score = (
            options.sort is Sort.RELEVANCE and bool(self.scored) and options.limit > 0
        )
        phrase = [s for s in (stem(word) for word in query.implied_phrase() or ()) if s]
        self.phrase = _Part("phrase", tuple(phrase)) if len(phrase) > 1 else None
        self.score = "0.0"

    def _param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    def stems(self) -> list[str]:
        """Return the stems relevance is computed from: every word's and phrase's, once each."""
        texts = (
            text for parts in self.scored for p in parts if p.kind != "facet" for text in p.texts
        )
        return list(dict.fromkeys(texts))

    def conditions(self) -> list[str]:
        where = ["d.audience = ANY(%(audiences)s)"]
        text = []
        for parts in self.clauses:
            words = [p.tsquery() for p in parts if p.kind != "facet"]
            facets = [p.texts[0] for p in parts if p.kind == "facet"]
            if words and not facets:
                text.append("(" + " | ".join(words) + ")")
                continue
            either = []
            if words:
                either.append(f"d.matched @@ {self._param(' | '.join(words))}::tsquery")
            if facets:
                either.append(f"d.facets && {self._param(facets)}::text[]")
            where.append("(" + " OR ".join(either) + ")")
        if text:
            # One tsquery for every clause of words: one pass through the GIN index.
            where.append(f"d.matched @@ {self._param(' & '.join(text))}::tsquery")
        words = [p.tsquery() for p in self.excluded if p.kind != "facet"]
        if words:
            where.append(f"NOT d.matched @@ {self._param(' | '.join(words))}::tsquery")
        facets = [p.texts[0] for p in self.excluded if p.kind == "facet"]
        if facets:
            where.append(f"NOT d.facets && {self._param(facets)}::text[]")
        return where

    def score_with(self, statistics: _Statistics) -> None:
        """Build the relevance expression from the index's statistics, as the Whoosh backend ranks.

        Each stem scores, in each field, the field's weight times BM25: `idf * tf * (K1 + 1) /
        (tf + K1 * (1 - B + B * length / mean length))`, written with `tf` once and skipped for
        documents without the stem (this is evaluated for every match and costs most of a
        search); a title holding every stem doubles the sum.
        """
        variables = {text: f"t.t{n}" for n, text in enumerate(self.stems())}
        self.lateral = ", ".join(
            f"d.terms -> {self._param(text)} AS {name.removeprefix('t.')}"
            for text, name in variables.items()
        )
        scored = []
        for text, variable in variables.items():
            addends = []
            for field, name in enumerate(FIELDS):
                if (text, field) not in statistics.frequencies:
                    continue  # no document has it there
                scale = FIELD_WEIGHTS[name] * statistics.idf(text, field) * (K1 + 1)
                slope = K1 * B / statistics.mean_lengths[field]
                rest = f"({_real(K1 * (1 - B))} + {_real(slope)} * d.lengths[{field + 1}])"
                tf = f"({variable} ->> {field})::float8"
                addends.append(f"{_real(scale)} * (1 - {rest} / ({tf} + {rest}))")
            if addends:
                scored.append(f"CASE WHEN {variable} IS NULL THEN 0 ELSE {' + '.join(addends)} END")
        in_title = " AND ".join(f"({variable} ->> 0)::int > 0" for variable in variables.values())
        if scored:
            bonus = f"CASE WHEN {in_title} THEN {_real(TITLE_BONUS)} ELSE 1.0 END"
            self.score = f"({' + '.join(scored)}) * {bonus}"

    def sql(self) -> tuple[str, dict[str, Any]]:
        # Built from fixed fragments: every text of the query is a bound parameter, and only
        # numbers computed here (scores' constants, the depth) are written into the SQL.
        ranking = self.ranks_by_score
        # OFFSET 0 keeps the subquery whole: each stem's frequencies are looked up once a row.
        lateral = f" CROSS JOIN LATERAL (SELECT {self.lateral} OFFSET 0) AS t" if ranking else ""
        score = f"coalesce(w.weight, 1.0) * ({self.score})" if ranking else "0.0"
        matched = (
            "SELECT d.seq, d.doc_type, d.doc_id, d.record, d.date, d.facets,"  # noqa: S608
            f" coalesce(w.weight, 1.0) AS weight, {score} AS score"
            " FROM search_documents AS d"
            " LEFT JOIN unnest(%(types)s::text[], %(weights)s::float8[]) AS w(doc_type, weight)"
            f" ON w.doc_type = d.doc_type{lateral}"
            f" WHERE {' AND '.join(self.conditions())}"
        )
        # Of a record's documents only the heaviest type counts (then the earliest added).
        kept = (
            "SELECT * FROM matched WHERE record IS NULL UNION ALL"
            " (SELECT DISTINCT ON (record) * FROM matched WHERE record IS NOT NULL"
            " ORDER BY record, weight DESC, doc_type DESC, seq)"
        )
        facets = "NULL"
        if self.options.facets:
            self.params["facet_names"] = list(self.options.facets)
            facets = (
                "(SELECT jsonb_object_agg(value, n) FROM (SELECT value, count(*) AS n"
                " FROM kept CROSS JOIN unnest(kept.facets) AS value"
                " WHERE split_part(value, '=', 1) = ANY(%(facet_names)s) GROUP BY value) AS c)"
            )
        page = "NULL"
        wanted = self.options.offset + self.options.limit
        if self.options.limit > 0:
            if ranking:
                order = "score DESC, seq"
                depth = max(wanted, RERANK_DEPTH) if self.phrase else wanted
            else:
                order = "date DESC NULLS LAST, seq DESC"
                depth = wanted
            together = "false"
            if ranking and self.phrase:
                together = f"d.matched @@ {self._param(self.phrase.tsquery())}::tsquery"
            page = (
                "(SELECT json_agg(json_build_array(p.doc_type, p.doc_id, p.score, p.seq,"  # noqa: S608
                f" {together}) ORDER BY p.n) FROM (SELECT *, row_number() OVER (ORDER BY {order})"
                f" AS n FROM kept ORDER BY {order} LIMIT {int(depth)}) AS p"
                " JOIN search_documents AS d ON d.seq = p.seq)"
            )
        sql = (
            f"WITH matched AS ({matched}), kept AS MATERIALIZED ({kept})"  # noqa: S608
            f" SELECT (SELECT count(*) FROM kept), {facets}, {page}"
        )
        return sql, self.params

    def hits(self, page: list[list[Any]]) -> list[Hit]:
        """Return the requested slice of the page's rows, with the phrase bonus applied."""
        ranked = [
            (score * (PHRASE_BONUS if together else 1.0), -seq, doc_type, doc_id)
            for doc_type, doc_id, score, seq, together in page
        ]
        if self.phrase is not None and self.ranks_by_score:
            ranked.sort(reverse=True)
        wanted = self.options.offset + self.options.limit
        return [
            Hit(doc_type, doc_id, float(score))
            for score, _order, doc_type, doc_id in ranked[self.options.offset : wanted]
        ]
