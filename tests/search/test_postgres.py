"""The PostgreSQL backend's own promises, beyond the contract every backend keeps.

Its statistics (document frequencies, field lengths, did-you-mean's vocabulary) are kept up to
date by the writer as documents come and go, so they must always equal what a rebuild of the same
documents would hold; a failed batch must leave them as they were; the text is analysed as the
Whoosh index analyses it, not by a PostgreSQL configuration; and on the same documents both
backends find, count and rank alike. Skipped without PostgreSQL.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from kmrg.auth.models import ProfileVisibility
from kmrg.extensions import db
from kmrg.search.backend import Sort
from kmrg.search.pipeline import get_pipeline
from kmrg.search.postgres_backend import PostgresBackend
from kmrg.search.postgres_index import MAX_POSITION
from kmrg.search.registry import AttachedText, Audience, SearchDocument
from tests import factories
from tests.conftest import SEARCH_BACKEND, make_app
from tests.search.backends import doc, found, postgres_backend, put, search, whoosh_backend

needs_postgres = pytest.mark.skipif(
    not os.environ.get("KMRG_TEST_DATABASE_URL"), reason="needs KMRG_TEST_DATABASE_URL"
)


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[PostgresBackend]:
    with postgres_backend(tmp_path) as made:
        yield made


def statistics(backend: PostgresBackend) -> dict[str, Any]:
    """Return everything the writer keeps besides the documents."""
    with backend.engine.connect() as connection:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return sorted(tuple(row) for row in connection.exec_driver_sql(sql))

        return {
            "terms": rows("SELECT term, field, documents FROM search_terms"),
            "counters": rows("SELECT name, value FROM search_counters WHERE value <> 0"),
            "vocabulary": rows("SELECT word, documents FROM search_vocabulary"),
            # A posting whose document is gone shows as one of no document.
            "postings": rows(
                "SELECT p.term, coalesce(d.key, ''), p.frequencies FROM search_postings AS p"
                " LEFT JOIN search_documents AS d ON d.seq = p.seq"
            ),
        }


def rebuilt(backend: PostgresBackend, *documents: SearchDocument) -> dict[str, Any]:
    """Return the statistics of an index rebuilt from `documents` alone."""
    backend.clear()
    with backend.bulk_writer() as writer:
        for document in documents:
            writer.update(document)
    return statistics(backend)


def vocabulary(backend: PostgresBackend) -> dict[str, int]:
    return dict(statistics(backend)["vocabulary"])


@needs_postgres
def test_vocabulary_counts_follow_updates_and_deletes(backend):
    # Did-you-mean learns its words from titles and summaries only.
    put(
        backend,
        doc("1", summary="sanitation and water"),
        doc("2", summary="sanitation backlog"),
    )
    assert vocabulary(backend)["sanitation"] == 2
    assert vocabulary(backend)["water"] == 1

    put(backend, doc("1", summary="roads"))
    assert vocabulary(backend)["sanitation"] == 1
    assert "water" not in vocabulary(backend)

    with backend.writer() as writer:
        writer.delete("profile:2")
    assert "sanitation" not in vocabulary(backend)
    assert backend.corrections("sanitaton") == []
    assert backend.corrections("raods") == ["roads"]


@needs_postgres
def test_statistics_after_updates_and_deletes_equal_a_rebuild(backend):
    first = doc("1", "water meters and water tanks", title="Water", keywords="WTR")
    second = doc(
        "2",
        "meters read monthly",
        summary="metering",
        attachments=[AttachedText("Report", "pdf", "water balance report")],
    )
    third = doc("3", "roads and stormwater", doc_type="lesson", record="person:3")
    put(backend, first, second, third)
    changed = doc("2", "smart meters replaced the old ones", title="Meters")
    put(backend, changed)
    with backend.writer() as writer:
        writer.delete("lesson:3")
        writer.update(first)  # again, unchanged
    kept = statistics(backend)
    scores = [(hit.doc_id, round(hit.score, 9)) for hit in search(backend, "water OR meters").hits]

    assert kept == rebuilt(backend, first, changed)
    assert dict(kept["counters"])["documents"] == 2
    assert [
        (hit.doc_id, round(hit.score, 9)) for hit in search(backend, "water OR meters").hits
    ] == scores


@needs_postgres
def test_a_document_updated_twice_in_one_batch_counts_once(backend):
    with backend.writer() as writer:
        writer.update(doc("1", "apple"))
        writer.update(doc("1", "pear"))
        writer.delete("profile:9")  # never indexed

    assert statistics(backend) == rebuilt(backend, doc("1", "pear"))


@needs_postgres
def test_a_failed_batch_leaves_the_statistics_untouched(backend):
    put(backend, doc("1", "apple orchard"), doc("2", "apple pie"))
    before = statistics(backend)

    def fail_midway() -> None:
        with backend.writer() as writer:
            writer.update(doc("3", "pear orchard"))
            writer.delete("profile:1")
            writer.update(doc("2", "plum"))
            raise RuntimeError("the batch failed")

    with pytest.raises(RuntimeError):
        fail_midway()

    assert statistics(backend) == before
    assert sorted(found(backend, "apple")) == ["1", "2"]


@needs_postgres
def test_writers_in_parallel_keep_the_statistics_right(backend):
    # Each writer holds the advisory lock for its transaction, so batches from any number of
    # processes (or machines) apply one after the other.
    def write(start: int) -> None:
        for number in range(start, start + 10):
            put(backend, doc(str(number), f"shared words word{number}"))

    threads = [threading.Thread(target=write, args=(start,)) for start in (0, 100, 200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert search(backend, "shared").total == 30
    numbers = [n for start in (0, 100, 200) for n in range(start, start + 10)]
    expected = [doc(str(n), f"shared words word{n}") for n in numbers]
    assert statistics(backend) == rebuilt(backend, *expected)


@needs_postgres
def test_words_are_analysed_as_the_whoosh_index_analyses_them(backend):
    # PostgreSQL's 'english' configuration drops "only", "very" and "few" as common words and
    # keeps "can"; the Hub's analysis (Whoosh's stop words) does the reverse, and its snippets
    # mark what it counts.
    put(backend, doc("1", "only very few can read"))

    assert found(backend, "only") == ["1"]
    assert found(backend, "very few") == ["1"]
    assert found(backend, "can") == []


@needs_postgres
def test_a_very_long_document_is_indexed_whole(backend):
    # Past PostgreSQL's last position (16383) words are still found, though positions blur.
    filler = " ".join(f"filler{n % 500}" for n in range(MAX_POSITION + 500))
    put(backend, doc("1", f"opening phrase here {filler} closing remark"))

    assert found(backend, "closing") == ["1"]
    assert found(backend, '"opening phrase"') == ["1"]
    assert search(backend, "filler7").hits[0].score > 0


@needs_postgres
def test_a_search_takes_its_sort_memory_for_its_own_transaction_only(backend):
    # A search raises work_mem so a word in most documents sorts in memory; the pooled
    # connection must go back to the server's setting, or every later statement on it keeps it.
    put(backend, doc("1", "budget"))
    with backend.engine.connect() as connection:
        before = connection.exec_driver_sql("SHOW work_mem").scalar()

    assert found(backend, "budget") == ["1"]
    with backend.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW work_mem").scalar() == before


@needs_postgres
def test_a_record_keeps_its_heaviest_document_among_many(backend):
    put(
        backend,
        *(doc(str(n), "budget", record="person:1") for n in range(5)),
        doc("9", "budget", doc_type="lesson", record="person:1"),
    )

    matches = search(backend, "budget", facets=["type"])

    assert [hit.doc_id for hit in matches.hits] == ["9"]
    assert matches.facets == {"type": {"lesson": 1}}


@needs_postgres
def test_facet_counts_follow_updates_and_deletes(backend):
    # The counts group each document's facet numbers (search_facet_terms): a changed value
    # must count under its new number, a deleted document not at all, and a value seen before
    # must keep its number rather than draw a new one.
    put(
        backend,
        doc("1", "budget", facets={"theme": ["water"], "province": ["EC"]}),
        doc("2", "budget", facets={"theme": ["roads"], "province": ["EC"]}),
    )
    put(backend, doc("1", "budget", facets={"theme": ["roads", "water"], "province": ["WC"]}))
    with backend.writer() as writer:
        writer.delete("profile:2")
        writer.update(doc("3", "budget", facets={"theme": ["water"], "province": ["EC"]}))

    matches = search(backend, "budget", facets=["theme", "province", "type"])

    assert matches.facets == {
        "theme": {"roads": 1, "water": 2},
        "province": {"EC": 1, "WC": 1},
        "type": {"profile": 2},
    }
    with backend.engine.connect() as connection:
        numbers = connection.exec_driver_sql(
            "SELECT count(*), max(id) - min(id) + 1 FROM search_facet_terms"
        )
        assert tuple(numbers.one()) == (5, 5)  # type, two themes, two provinces; no gaps


@pytest.mark.skipif(SEARCH_BACKEND != "postgres", reason="needs KMRG_TEST_SEARCH_BACKEND=postgres")
def test_a_rebuild_leaves_the_postings_readable_from_their_index_alone(app):
    # Relevance reads a stem's postings from the primary key's index alone only on pages VACUUM
    # has marked all-visible; the rebuild's own open read kept its VACUUM from marking any, so
    # a common word read every match's posting from the table.
    factories.make_user(
        db.session, name="Nandi Mokoena", profile_visibility=ProfileVisibility.PUBLIC
    )
    db.session.remove()

    assert get_pipeline().rebuild() == 1

    with db.engine.connect() as connection:
        pages, visible = connection.exec_driver_sql(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'search_postings'"
        ).one()
    assert pages > 0
    assert visible == pages


def test_the_postgres_backend_refuses_sqlite(tmp_path):
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        make_app(f"sqlite:///{tmp_path / 'hub.sqlite3'}", tmp_path, SEARCH_BACKEND="postgres")


def test_an_unknown_backend_is_named_in_the_error(tmp_path):
    with pytest.raises(RuntimeError, match="'elastic'"):
        make_app(f"sqlite:///{tmp_path / 'hub.sqlite3'}", tmp_path, SEARCH_BACKEND="elastic")


@needs_postgres
def test_the_app_uses_the_postgres_backend_when_asked(migrated: str, tmp_path: Path) -> None:
    app: Flask = make_app(migrated, tmp_path, SEARCH_BACKEND="postgres")

    assert app.extensions["kmrg.search"].backend.name == "postgres"


# The words the random documents are made of: few, so that queries match many of them.
VOCABULARY = """
    water meters revenue collection billing indigent register sanitation backlog roads
    stormwater councillors ward report budget tariffs electricity prepaid municipal planning
    community participation practice knowledge management strategy
"""
WORDS = VOCABULARY.split()


def random_corpus(seed: int, count: int) -> list[SearchDocument]:
    """Return documents of every shape the Hub makes: types, audiences, records, facets."""
    chance = random.Random(seed)

    def text(low: int, high: int) -> str:
        return " ".join(chance.choice(WORDS) for _ in range(chance.randint(low, high)))

    documents = []
    for number in range(count):
        doc_type = chance.choice(["profile", "expert", "case_study", "lesson"])
        documents.append(
            doc(
                str(number),
                text(0, 60),
                title=text(1, 6),
                summary=text(0, 15),
                keywords=text(0, 4),
                attachments=[AttachedText("File", "pdf", text(0, 40))] if number % 5 == 0 else (),
                doc_type=doc_type,
                audience=Audience.MEMBERS if number % 4 == 0 else Audience.PUBLIC,
                facets={"province": [chance.choice(["EC", "KZN", "WC"])], "theme": [text(1, 1)]},
                when=date(2000 + number % 20, 1, 1) if number % 3 else None,
                record=f"person:{number % 40}" if doc_type in ("profile", "expert") else "",
            )
        )
    return documents


@needs_postgres
@pytest.mark.parametrize(
    "text",
    [
        "water",
        "water meters",
        "revenue OR tariffs",
        '"community participation"',
        "knowledge management strategy",
        "budget -roads",
        "ward province:EC",
        "province:KZN OR province:WC",
        "",
        "the",
    ],
)
def test_both_backends_find_count_and_rank_alike(backend, tmp_path, text):
    documents = random_corpus(seed=8, count=300)
    put(backend, *documents)
    with whoosh_backend(tmp_path) as whoosh:
        put(whoosh, *documents)
        for audiences in (["public"], ["public", "members"]):
            for sort in (Sort.RELEVANCE, Sort.NEWEST):
                kwargs = {"sort": sort, "limit": 60, "facets": ["type", "province", "theme"]}
                expected = search(whoosh, text, audiences, **kwargs)
                got = search(backend, text, audiences, **kwargs)

                assert got.total == expected.total
                assert got.facets == expected.facets
                assert [(h.doc_type, h.doc_id) for h in got.hits] == [
                    (h.doc_type, h.doc_id) for h in expected.hits
                ]
                assert [h.score for h in got.hits] == pytest.approx(
                    [h.score for h in expected.hits], rel=1e-4
                )
