"""The Whoosh backend on its own, in a temporary folder: analysis, updates, filters, snippets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import index
from whoosh.analysis import StemmingAnalyzer

from kmrg.search.registry import Audience, SearchDocument
from kmrg.search.whoosh_backend import SCHEMA, WhooshBackend


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[WhooshBackend]:
    backend = WhooshBackend(tmp_path / "index")
    yield backend
    backend.close()


def doc(
    doc_id: str,
    body: str,
    *,
    title: str = "Someone",
    audience: Audience = Audience.PUBLIC,
    doc_type: str = "profile",
    tags: tuple[str, ...] = (),
) -> SearchDocument:
    return SearchDocument(
        doc_type=doc_type, doc_id=doc_id, title=title, body=body, audience=audience, tags=tags
    )


def put(backend: WhooshBackend, *documents: SearchDocument) -> None:
    with backend.writer() as writer:
        for document in documents:
            writer.update(document)


def found(backend: WhooshBackend, text: str, audiences=("public",), doc_types=None) -> list[str]:
    return [hit.doc_id for hit in backend.search(text, list(audiences), doc_types)]


def test_a_word_finds_its_other_forms(backend):
    put(backend, doc("1", "She was running the revenue office"), doc("2", "He runs the meters"))

    assert sorted(found(backend, "run")) == ["1", "2"]
    assert sorted(found(backend, "running")) == ["1", "2"]
    assert sorted(found(backend, "runs")) == ["1", "2"]


def test_the_default_stemmer_bug_does_not_happen(backend):
    # Whoosh's default stemmer cuts "running" to "runn", so "run" would never find it.
    assert [t.text for t in StemmingAnalyzer()("running")] == ["runn"]
    put(backend, doc("1", "running"))

    hits = backend.search("run", ["public"])

    assert [hit.doc_id for hit in hits] == ["1"]
    assert hits[0].terms == frozenset({"run"})


def test_a_one_word_query_ranks_what_it_finds(backend):
    # Found in the body only: Whoosh's coordination factor used to score every hit 0 here.
    put(backend, doc("1", "revenue and water"), doc("2", "revenue, revenue, revenue"))

    hits = backend.search("revenue", ["public"])

    assert [hit.doc_id for hit in hits] == ["2", "1"]
    assert all(hit.score > 0 for hit in hits)


def test_a_title_match_ranks_first(backend):
    put(backend, doc("1", "revenue revenue"), doc("2", "water", title="Revenue"))

    assert found(backend, "revenue") == ["2", "1"]


def test_an_update_replaces_the_document(backend):
    put(backend, doc("1", "apple"))
    put(backend, doc("1", "pear"))

    assert found(backend, "apple") == []
    assert found(backend, "pear") == ["1"]
    assert list(backend.keys()) == ["profile:1"]


def test_a_delete_removes_the_document(backend):
    put(backend, doc("1", "apple"), doc("2", "apple"))

    with backend.writer() as writer:
        writer.delete("profile:1")

    assert found(backend, "apple") == ["2"]
    assert list(backend.keys()) == ["profile:2"]


def test_a_failed_batch_changes_nothing(backend):
    put(backend, doc("1", "apple"))

    def fail_midway() -> None:
        with backend.writer() as writer:
            writer.update(doc("2", "apple"))
            writer.delete("profile:1")
            raise RuntimeError("the batch failed")

    with pytest.raises(RuntimeError):
        fail_midway()

    assert found(backend, "apple") == ["1"]


def test_audiences_limit_what_is_found(backend):
    put(
        backend,
        doc("1", "budget", audience=Audience.PUBLIC),
        doc("2", "budget", audience=Audience.MEMBERS),
    )

    assert found(backend, "budget", audiences=["public"]) == ["1"]
    assert sorted(found(backend, "budget", audiences=["public", "members"])) == ["1", "2"]
    # Naming the field in the query does not get round the filter.
    assert found(backend, "audience:members budget", audiences=["public"]) == ["1"]


def test_document_types_limit_what_is_found(backend):
    put(backend, doc("1", "budget"), doc("1", "budget", doc_type="lesson"))

    hits = backend.search("budget", ["public"], ["lesson"])

    assert [(hit.doc_type, hit.doc_id) for hit in hits] == [("lesson", "1")]
    assert len(backend.search("budget", ["public"])) == 2


def test_tags_are_found_whole_and_phrases_across_them_do_not_fail(backend):
    put(backend, doc("1", "meters", tags=("revenue collection", "water")))

    assert found(backend, '"revenue collection"') == ["1"]
    # A comma inside quotes makes a phrase on the tags field, which stores no positions.
    assert found(backend, '"revenue collection, water"') == ["1"]


@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced',
        "AND OR (",
        "( NOT AND AND",
        '# + " ANDNOT ANDMAYBE ANDMAYBE',
        "title:",
        "[a TO",
    ],
)
def test_broken_query_syntax_searches_the_words(backend, text):
    put(backend, doc("1", "unbalanced budget"))

    backend.search(text, ["public"])  # no exception

    assert found(backend, text + " budget") == ["1"]


def test_a_snippet_escapes_html_and_marks_the_matches(backend):
    body = "Minutes: <script>alert(1)</script> revenue was discussed at length."
    put(backend, doc("1", body))
    [hit] = backend.search("revenue", ["public"])

    snippet = backend.highlight(body, hit.terms)

    assert "&lt;script&gt;" in snippet
    assert "<script" not in snippet
    assert '<mark class="match term0">revenue</mark>' in snippet


def test_a_snippet_is_empty_without_matches(backend):
    assert backend.highlight("nothing to see", frozenset({"revenu"})) == ""
    assert backend.highlight("", frozenset({"revenu"})) == ""
    assert backend.highlight("revenue", frozenset()) == ""


def test_segments_are_written_as_separate_files(backend, tmp_path):
    put(backend, doc("1", "apple"))
    put(backend, doc("2", "pear"))

    names = sorted(p.name for p in backend.directory.iterdir())
    assert not [name for name in names if name.endswith(".seg")], names
    assert [name for name in names if name.endswith(".trm")]
    # Whoosh's default writer packs a segment into one compound .seg file: what we avoid.
    (tmp_path / "default").mkdir()
    default = index.create_in(str(tmp_path / "default"), SCHEMA)
    writer = default.writer()
    writer.add_document(key="x", title="apple")
    writer.commit()
    assert [p.name for p in (tmp_path / "default").iterdir() if p.suffix == ".seg"]


def test_optimize_merges_into_one_segment(backend):
    for number in range(3):
        put(backend, doc(str(number), "apple"))

    backend.optimize()

    assert len([p for p in backend.directory.iterdir() if p.suffix == ".trm"]) == 1
    assert sorted(found(backend, "apple")) == ["0", "1", "2"]


def test_keys_lists_every_document(backend):
    assert list(backend.keys()) == []
    put(backend, doc("1", "a"), doc("2", "b", doc_type="lesson"))

    assert sorted(backend.keys()) == ["lesson:2", "profile:1"]


def test_keys_left_unfinished_do_not_block_searches(backend):
    put(backend, doc("1", "apple"), doc("2", "apple"))

    keys = backend.keys()
    next(keys)

    assert sorted(found(backend, "apple")) == ["1", "2"]


def test_clear_removes_everything(backend):
    put(backend, doc("1", "apple"))
    assert found(backend, "apple") == ["1"]

    backend.clear()

    assert list(backend.keys()) == []
    assert found(backend, "apple") == []
    put(backend, doc("2", "apple"))
    assert found(backend, "apple") == ["2"]


def test_searches_reuse_one_searcher_until_the_index_changes(backend):
    put(backend, doc("1", "apple"))
    assert found(backend, "apple") == ["1"]
    searcher = backend._searcher

    assert found(backend, "apple") == ["1"]
    assert backend._searcher is searcher

    put(backend, doc("2", "apple"), doc("1", "apple pie"))
    assert sorted(found(backend, "apple")) == ["1", "2"]  # the write is seen, once
    assert backend._searcher is not searcher
    with backend.writer() as writer:
        writer.delete("profile:2")
    assert found(backend, "apple") == ["1"]
    assert sorted(backend.keys()) == ["profile:1"]


def test_a_searcher_sees_a_rebuild_made_elsewhere(backend):
    # Another process clears and rebuilds the index: generations start again at 0, so the
    # rebuilt index reaches the very generation the first searcher was opened at.
    put(backend, doc("1", "apple"))
    assert found(backend, "apple") == ["1"]
    elsewhere = WhooshBackend(backend.directory)

    elsewhere.clear()
    put(elsewhere, doc("2", "apple"))
    elsewhere.close()

    assert found(backend, "apple") == ["2"]
    assert list(backend.keys()) == ["profile:2"]
