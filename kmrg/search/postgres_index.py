"""The PostgreSQL search backend's tables, and how a search document becomes one of their rows.

Text is analysed here, in Python, by the analysis every other part of the search engine uses
(kmrg.search.analysis: Whoosh's words, stop words and Porter2 stems), never by a PostgreSQL
text search configuration: 'english' has other stop words and another parser, so a word would
match here and not be marked in its snippet, or the reverse. The row holds:

- `matched`, a tsvector of the document's stems with positions, for matching words and phrases
  through a GIN index; each field's positions carry a weight label (title A, summary B, body and
  attachments C, keywords D), so a query can ask for a word in the title (`'word':A`);
- `terms`, each stem's frequency per field, and `lengths`, each field's number of words, for
  BM25, with the document frequencies and field totals the writer keeps in `search_terms` and
  `search_counters`; the same frequencies are also a row per stem in `search_postings`, which
  relevance reads (only the query's stems), while the writer reads `terms` back to take a
  replaced document's share out of the statistics;
- `vocabulary`, the words it lends to did-you-mean (`search_vocabulary` counts documents);
- `facets`, its facet tokens (`theme=water`), which filters match, and `facet_ids`, the same
  tokens as the numbers `search_facet_terms` gives them, which the facet counts group.

These tables are not the Hub's models (they exist only on PostgreSQL), so they live in their own
MetaData; migrations 0008, 0012 and 0017 create them and tests/test_migrations.py compares the two.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

from kmrg.models import NAMING_CONVENTION
from kmrg.search.analysis import TOKEN, tokens
from kmrg.search.registry import SearchDocument
from kmrg.search.spelling import document_vocabulary

log = logging.getLogger("kmrg.search")

# The matched fields in the order of `lengths` and of each stem's frequencies in `terms`.
FIELDS = ("title", "summary", "body", "attachments", "keywords")
# search_terms counts a term's documents per field and, under this number, in any field (BM25F).
ANY_FIELD = len(FIELDS)
LABELS = ("A", "B", "C", "C", "D")
# PostgreSQL's limits: positions above 16383 are all counted as 16383, a stem keeps at most 256
# positions, a stem is at most 2047 bytes and a tsvector's stems at most 1 MB together.
MAX_POSITION = 16383
MAX_POSITIONS = 256
MAX_STEM_BYTES = 2047
MAX_STEMS_BYTES = 1_000_000

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

documents = sa.Table(
    "search_documents",
    metadata,
    sa.Column("key", sa.Text(), primary_key=True),
    # Insertion order: an update is a new row, last; it breaks ties the way Whoosh's document
    # numbers do (equal scores: earlier first; equal dates: later first).
    sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False, unique=True),
    sa.Column("doc_type", sa.Text(), nullable=False),
    sa.Column("doc_id", sa.Text(), nullable=False),
    sa.Column("audience", sa.Text(), nullable=False),
    sa.Column("record", sa.Text(), nullable=True),
    sa.Column("date", sa.Date(), nullable=True),
    sa.Column("facets", ARRAY(sa.Text()), nullable=False),
    sa.Column("matched", TSVECTOR(), nullable=False),
    sa.Column("terms", JSONB(), nullable=False),
    sa.Column("lengths", ARRAY(sa.Integer()), nullable=False),
    sa.Column("vocabulary", ARRAY(sa.Text()), nullable=False),
    # `facets` as numbers (search_facet_terms), in the same order: the facet counts group these,
    # where grouping the text tokens of a word in most documents was most of its search.
    sa.Column("facet_ids", ARRAY(sa.Integer()), nullable=False),
    sa.Index("ix_search_documents_matched", "matched", postgresql_using="gin"),
    sa.Index("ix_search_documents_facets", "facets", postgresql_using="gin"),
    # Rows up to a page stay whole and uncompressed: relevance reads every match's frequencies,
    # and decompressing them on each read tripled the time of a search.
    postgresql_with={"toast_tuple_target": 8160},
)

postings = sa.Table(
    "search_postings",
    metadata,
    # A stem's frequency per field in one document, a row per (stem, document): relevance reads
    # only the query's stems' rows, from the primary key's index alone (the frequencies ride in
    # it), where looking each stem up in every match's jsonb was most of a common word's search.
    sa.Column("term", sa.Text(), nullable=False),
    # No foreign key: the writer deletes a document's postings with it, and checking 120-odd
    # postings a document against search_documents would slow every rebuild.
    sa.Column("seq", sa.BigInteger(), nullable=False),
    sa.Column("frequencies", ARRAY(sa.Integer()), nullable=False),
    sa.PrimaryKeyConstraint("term", "seq", postgresql_include=["frequencies"]),
    sa.Index("ix_search_postings_seq", "seq"),
)

facet_terms = sa.Table(
    "search_facet_terms",
    metadata,
    # A number for each facet token (`theme=water`) any document has had; a token whose last
    # document went stays (a few hundred rows at most), so ids never change under a search.
    sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
    sa.Column("term", sa.Text(), nullable=False, unique=True),
)

terms = sa.Table(
    "search_terms",
    metadata,
    sa.Column("term", sa.Text(), primary_key=True),
    sa.Column("field", sa.SmallInteger(), primary_key=True),
    sa.Column("documents", sa.Integer(), nullable=False),
)

counters = sa.Table(
    "search_counters",
    metadata,
    sa.Column("name", sa.Text(), primary_key=True),
    sa.Column("value", sa.BigInteger(), nullable=False),
)

vocabulary = sa.Table(
    "search_vocabulary",
    metadata,
    sa.Column("word", sa.Text(), primary_key=True),
    sa.Column("documents", sa.Integer(), nullable=False),
    sa.Index(
        "ix_search_vocabulary_word_trigrams",
        "word",
        postgresql_using="gin",
        postgresql_ops={"word": "gin_trgm_ops"},
    ),
)

TABLES = (documents, postings, facet_terms, terms, counters, vocabulary)
DOCUMENTS = "documents"


def length_counter(index: int) -> str:
    """Return the counter that sums the lengths of one field over every document."""
    return f"words:{FIELDS[index]}"


def tsquery_lexeme(stem: str) -> str:
    """Return a stem quoted as a tsvector or tsquery lexeme."""
    return "'" + stem.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass
class Row:
    """One document as the documents table stores it."""

    values: dict[str, Any]
    terms: dict[str, list[int]]
    lengths: list[int]
    vocabulary: list[str]


def document_row(document: SearchDocument) -> Row:
    """Return the row of a document: its stems, frequencies, lengths and vocabulary."""
    texts = (
        document.title,
        document.summary,
        document.body,
        "\n\n".join(attached.text for attached in document.attachments),
        document.keywords,
    )
    frequencies: dict[str, list[int]] = {}
    positions: dict[str, list[str]] = {}
    lengths = []
    budget = MAX_STEMS_BYTES
    start = 1
    for index, (text, label) in enumerate(zip(texts, LABELS, strict=True)):
        count = 0
        for token in tokens(text):
            count += 1
            term = token.term
            found = frequencies.get(term)
            if found is None:
                size = len(term.encode())
                if size > MAX_STEM_BYTES or size > budget:
                    continue
                budget -= size
                found = frequencies[term] = [0] * len(FIELDS)
                positions[term] = []
            found[index] += 1
            places = positions[term]
            if len(places) < MAX_POSITIONS:
                places.append(f"{min(start + token.position, MAX_POSITION)}{label}")
        # A field's length counts its common words too, as the Whoosh backend counts it.
        lengths.append(len(TOKEN.findall(text)))
        # One position left empty between fields, so no phrase runs from one into the next.
        start += count + 1
    if budget <= 0:
        log.warning(
            "%s has more distinct words than a tsvector holds; some are left out", document.key
        )
    matched = " ".join(
        f"{tsquery_lexeme(term)}:{','.join(dict.fromkeys(places))}"
        for term, places in positions.items()
    )
    words = document_vocabulary(document.title, document.summary, document.keywords)
    values = {
        "key": document.key,
        "doc_type": document.doc_type,
        "doc_id": document.doc_id,
        "audience": str(document.audience),
        "record": document.record or None,
        "date": document.date,
        "facets": document.facet_terms(),
        "matched": matched,
        "terms": frequencies,
        "lengths": lengths,
        "vocabulary": words,
    }
    return Row(values, frequencies, lengths, words)


@dataclass
class Changes:
    """How a batch moves the statistics: document frequencies, totals and vocabulary counts."""

    terms: Counter[tuple[str, int]] = field(default_factory=Counter)
    counters: Counter[str] = field(default_factory=Counter)
    vocabulary: Counter[str] = field(default_factory=Counter)

    def count(
        self, frequencies: dict[str, list[int]], lengths: list[int], words: list[str], sign: int
    ) -> None:
        """Add (sign 1) or take away (sign -1) one document's share of the statistics."""
        for term, per_field in frequencies.items():
            for index, frequency in enumerate(per_field):
                if frequency:
                    self.terms[(term, index)] += sign
            if any(per_field):
                self.terms[(term, ANY_FIELD)] += sign
        self.counters[DOCUMENTS] += sign
        for index, length in enumerate(lengths):
            self.counters[length_counter(index)] += sign * length
        for word in words:
            self.vocabulary[word] += sign

    def apply(self, connection: sa.Connection) -> None:
        """Write the changes to the statistics tables (in the writer's transaction)."""
        changed_terms = sorted((key, delta) for key, delta in self.terms.items() if delta)
        if changed_terms:
            connection.exec_driver_sql(
                "INSERT INTO search_terms (term, field, documents)"
                " SELECT * FROM unnest("
                "%(terms)s::text[], %(fields)s::smallint[], %(deltas)s::int[])"
                " ON CONFLICT (term, field)"
                " DO UPDATE SET documents = search_terms.documents + excluded.documents",
                {
                    "terms": [term for (term, _index), _delta in changed_terms],
                    "fields": [index for (_term, index), _delta in changed_terms],
                    "deltas": [delta for _key, delta in changed_terms],
                },
            )
            fewer = [term for (term, _index), delta in changed_terms if delta < 0]
            if fewer:
                connection.exec_driver_sql(
                    "DELETE FROM search_terms WHERE term = ANY(%(terms)s) AND documents <= 0",
                    {"terms": fewer},
                )
        changed_counters = sorted((name, delta) for name, delta in self.counters.items() if delta)
        if changed_counters:
            connection.exec_driver_sql(
                "INSERT INTO search_counters (name, value)"
                " SELECT * FROM unnest(%(names)s::text[], %(deltas)s::bigint[])"
                " ON CONFLICT (name) DO UPDATE SET value = search_counters.value + excluded.value",
                {
                    "names": [name for name, _delta in changed_counters],
                    "deltas": [delta for _name, delta in changed_counters],
                },
            )
        changed_words = sorted((word, delta) for word, delta in self.vocabulary.items() if delta)
        if changed_words:
            connection.exec_driver_sql(
                "INSERT INTO search_vocabulary (word, documents)"
                " SELECT * FROM unnest(%(words)s::text[], %(deltas)s::int[])"
                " ON CONFLICT (word)"
                " DO UPDATE SET documents = search_vocabulary.documents + excluded.documents",
                {
                    "words": [word for word, _delta in changed_words],
                    "deltas": [delta for _word, delta in changed_words],
                },
            )
            fewer = [word for word, delta in changed_words if delta < 0]
            if fewer:
                connection.exec_driver_sql(
                    "DELETE FROM search_vocabulary WHERE word = ANY(%(words)s) AND documents <= 0",
                    {"words": fewer},
                )
        self.terms.clear()
        self.counters.clear()
        self.vocabulary.clear()
