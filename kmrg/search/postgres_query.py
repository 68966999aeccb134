"""How the PostgreSQL search backend asks: the query tree as a tsquery, relevance as SQL.

Which documents match, the total, the facet counts, audiences and one-result-per-record are one
statement over one matched set (a CTE, materialized once). Relevance is the Whoosh backend's
(kmrg.search.whoosh_ranking: BM25 per field times the field's weight, a title and a phrase
bonus), computed for every match from its postings of the query's stems and the statistics the
writer keeps; plain `ts_rank` ranks Cranfield's queries 20% worse.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from kmrg.search.analysis import stem
from kmrg.search.backend import FIELD_WEIGHTS, Hit, SearchOptions, Sort
from kmrg.search.language import Filter, Phrase, SearchQuery
from kmrg.search.language import Term as QueryTerm
from kmrg.search.postgres_index import ANY_FIELD, DOCUMENTS, FIELDS, length_counter, tsquery_lexeme
from kmrg.search.registry import facet_term

# Relevance as the Whoosh backend ranks (BM25's k1 and b, the title and phrase bonuses, how many
# of the best are checked for the phrase), so both backends put the same records first.
from kmrg.search.whoosh_ranking import K1, PHRASE_BONUS, RERANK_DEPTH, TITLE_BONUS, B


@dataclass(frozen=True)
class Part:
    """One compiled term: a word's stem, a phrase's stems, or a facet token."""

    kind: str  # "word", "phrase" or "facet"
    texts: tuple[str, ...]

    def tsquery(self) -> str:
        """Return the term as tsquery text: a stem, or stems one position apart."""
        if self.kind == "word":
            return tsquery_lexeme(self.texts[0])
        return "(" + " <-> ".join(map(tsquery_lexeme, self.texts)) + ")"


def _compile_term(term: QueryTerm) -> Part | None:
    if isinstance(term, Filter):
        return Part("facet", (facet_term(term.facet, term.value),))
    words = term.words if isinstance(term, Phrase) else (term.text,)
    stems = tuple(s for s in (stem(word) for word in words) if s)
    if not stems:
        return None
    return Part("word" if len(stems) == 1 else "phrase", stems)


def _compile_clause(options: Sequence[QueryTerm]) -> list[Part]:
    return [part for part in map(_compile_term, options) if part is not None]


def compile_query(query: SearchQuery) -> tuple[list[list[Part]], list[Part]] | None:
    """Return the clauses and the excluded terms, or None when nothing can match."""
    # A clause of common words only ("of" in "community of practice") is left out, as the
    # index leaves those words out; a query of nothing else matches nothing.
    clauses = [parts for parts in (_compile_clause(c.options) for c in query.clauses) if parts]
    if query.clauses and not clauses:
        return None
    return clauses, [part for part in map(_compile_term, query.excluded) if part is not None]


def _real(number: float) -> str:
    """Return a float8 constant: a bare 0.3 is numeric in SQL, whose arithmetic is far slower."""
    return f"float8 '{float(number)!r}'"


@dataclass
class Statistics:
    """What BM25 needs of the whole index: its size, mean field lengths, frequencies per field."""

    documents: int
    mean_lengths: list[float]
    frequencies: dict[tuple[str, int], int]

    @classmethod
    def read(cls, connection: sa.Connection, stems: Sequence[str]) -> Statistics:
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

    def idf(self, term: str) -> float:
        # Lucene's idf over documents holding the term in any field, as the Whoosh backend has it.
        frequency = self.frequencies.get((term, ANY_FIELD), 0)
        return max(math.log(1 + (self.documents - frequency + 0.5) / (frequency + 0.5)), 1e-3)


class Statement:
    """The one SQL statement that answers a search: total, facet counts and the page."""

    def __init__(
        self,
        clauses: list[list[Part]],
        excluded: list[Part],
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
        self.phrase = Part("phrase", tuple(phrase)) if len(phrase) > 1 else None
        self.score = "0.0"
        self.joins = ""
        self.combined = "0 AS unused"

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

    def score_with(self, statistics: Statistics) -> None:
        """Build the relevance expression from the index's statistics, as the Whoosh backend ranks.

        BM25F: for each stem, its frequency in each field, times the field's weight, over
        `1 - B + B * length / mean length`, added up (`c`); the stem scores
        `idf * c * (K1 + 1) / (c + K1)`. A title holding every stem doubles the sum. Each stem's
        frequencies come from its postings (a join a stem) and its `c` is computed once a row
        (a lateral subquery): this runs for every match.
        """
        variables = {text: f"p{n}.frequencies" for n, text in enumerate(self.stems())}
        self.joins = "".join(
            f" LEFT JOIN search_postings AS p{n} ON p{n}.term = {self._param(text)}"
            f" AND p{n}.seq = d.seq"
            for n, text in enumerate(variables)
        )
        combined, scored = [], []
        for number, (text, variable) in enumerate(variables.items()):
            addends = []
            for field, name in enumerate(FIELDS):
                if (text, field) not in statistics.frequencies:
                    continue  # no document has it there
                weight = _real(FIELD_WEIGHTS[name])
                slope = _real(B / statistics.mean_lengths[field])
                tf = f"coalesce({variable}[{field + 1}]::float8, 0)"
                addends.append(
                    f"{weight} * {tf} / ({_real(1 - B)} + {slope} * d.lengths[{field + 1}])"
                )
            if addends:
                combined.append(f"{' + '.join(addends)} AS c{number}")
                scale = _real(statistics.idf(text) * (K1 + 1))
                scored.append(f"{scale} * c.c{number} / (c.c{number} + {_real(K1)})")
        if combined:
            self.combined = ", ".join(combined)
        in_title = " AND ".join(f"{variable}[1] > 0" for variable in variables.values())
        if scored:
            bonus = f"CASE WHEN {in_title} THEN {_real(TITLE_BONUS)} ELSE 1.0 END"
            self.score = f"({' + '.join(scored)}) * {bonus}"

    def sql(self) -> tuple[str, dict[str, Any]]:
        # Built from fixed fragments: every text of the query is a bound parameter, and only
        # numbers computed here (scores' constants, the depth) are written into the SQL.
        ranking = self.ranks_by_score
        # OFFSET 0 keeps the subquery whole: each stem's sum is computed once a row.
        lateral = ""
        if ranking:
            lateral = f"{self.joins} CROSS JOIN LATERAL (SELECT {self.combined} OFFSET 0) AS c"
        score = f"coalesce(w.weight, 1.0) * ({self.score})" if ranking else "0.0"
        matched = (
            "SELECT d.seq, d.doc_type, d.doc_id, d.record, d.date, d.facet_ids,"  # noqa: S608
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
            # A word in most of 100,000 documents brings some 680,000 facet values. They are
            # counted as numbers, named after (only the few hundred groups are split by facet
            # name), and unnested in the select list, where a lateral unnest() starts a function
            # scan for each row. For 89,635 matches: 668 ms grouping the text as before, 364 ms
            # numbers with a lateral unnest, 236 ms as here (medians of 12, load 6-7).
            facets = (
                "(SELECT jsonb_object_agg(f.term, c.n) FROM (SELECT id, count(*) AS n"
                " FROM (SELECT unnest(facet_ids) AS id FROM kept) AS v GROUP BY id) AS c"
                " JOIN search_facet_terms AS f ON f.id = c.id"
                " WHERE split_part(f.term, '=', 1) = ANY(%(facet_names)s))"
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
                "(SELECT json_agg(json_build_array(p.doc_type, p.doc_id, p.score,"  # noqa: S608
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
        """Return the requested slice of the page's rows, with the phrase bonus applied.

        As the Whoosh backend does: the first RERANK_DEPTH holding the query's words together
        score more and are ordered again, stably (equal scores keep their order).
        """
        ranked = [Hit(doc_type, doc_id, float(score)) for doc_type, doc_id, score, _ in page]
        if self.phrase is not None and self.ranks_by_score:
            head = [
                Hit(hit.doc_type, hit.doc_id, hit.score * (PHRASE_BONUS if row[3] else 1.0))
                for hit, row in zip(ranked[:RERANK_DEPTH], page, strict=False)
            ]
            head.sort(key=lambda hit: -hit.score)
            ranked = head + ranked[RERANK_DEPTH:]
        return ranked[self.options.offset : self.options.offset + self.options.limit]
