"""The Whoosh backend's own promises: separate segment files, one searcher reused until the
index changes, and an index rebuilt by another process seen at once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import index
from whoosh.fields import ID, Schema

from kmrg.search import whoosh_backend
from kmrg.search.whoosh_backend import SCHEMA, WhooshBackend
from kmrg.search.whoosh_writing import TEXT_FIELDS, WRITING_SCHEMA, DocumentWriter
from tests.search.backends import doc, found, put, search


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[WhooshBackend]:
    backend = WhooshBackend(tmp_path / "index")
    yield backend
    backend.close()


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


def segments(backend) -> list[int]:
    return sorted(segment.doc_count() for segment in backend._index()._segments())


def test_a_rebuild_writes_one_segment(backend):
    put(backend, doc("0", "apple"))
    backend.clear()
    with backend.bulk_writer() as writer:
        for number in range(1, 4):
            writer.update(doc(str(number), "apple"))

    assert segments(backend) == [3]
    assert sorted(found(backend, "apple")) == ["1", "2", "3"]


@pytest.fixture
def quiet_at_once(monkeypatch):
    """Merges need no quiet time first."""
    monkeypatch.setattr(whoosh_backend, "QUIET_SECONDS", 0)


def test_a_commit_never_merges_and_maintenance_merges_a_tier_at_a_time(backend, quiet_at_once):
    with backend.bulk_writer() as writer:
        for number in range(2000):
            writer.update(doc(f"big{number}", "apple"))
    for number in range(9):
        put(backend, doc(str(number), "apple"))
    backend.maintain()
    assert segments(backend) == [1] * 9 + [2000]  # nine small ones: not due yet

    put(backend, doc("9", "apple"))
    assert segments(backend) == [1] * 10 + [2000]  # the commit itself merged nothing
    backend.maintain()

    assert segments(backend) == [10, 2000]  # the small tier merged, the large segment kept
    assert search(backend, "apple", limit=0).total == 2010


def test_searches_reuse_one_searcher_until_the_index_changes(backend):
    put(backend, doc("1", "apple"))
    assert found(backend, "apple") == ["1"]
    view = backend._view

    assert found(backend, "apple") == ["1"]
    assert backend._view is view

    put(backend, doc("2", "apple"))
    assert sorted(found(backend, "apple")) == ["1", "2"]
    assert backend._view is not view


def test_what_a_segment_taught_is_kept_across_searchers(backend):
    put(backend, doc("1", "apple"))
    found(backend, "apple")
    [first] = backend._segments.values()

    put(backend, doc("2", "pear"))
    found(backend, "apple")

    assert first in backend._segments.values()
    assert len(backend._segments) == 2


def test_a_new_searcher_keeps_the_readers_of_segments_whose_deletions_are_the_same(backend):
    put(backend, doc("1", "apple"))
    put(backend, doc("2", "pear"))
    found(backend, "apple")
    before = dict(backend._readers)

    put(backend, doc("1", "banana"))  # deletes the first version from the first segment

    assert found(backend, "apple") == []
    assert found(backend, "banana") == ["1"]
    assert found(backend, "pear") == ["2"]
    after = backend._readers
    [first, second] = before
    assert after[second][1] is before[second][1]  # unchanged: kept
    assert after[first][1] is not before[first][1]  # a deletion since: opened again
    assert before[first][1].is_closed
    assert len(after) == 3


def test_a_change_replaces_the_document_it_found_through_kept_readers(backend):
    put(backend, doc("1", "apple"))
    put(backend, doc("2", "pear"))
    put(backend, doc("1", "banana"))
    put(backend, doc("1", "cherry"))  # the second replacement: its reader was opened before

    assert found(backend, "banana") == []
    assert found(backend, "cherry") == ["1"]
    assert sorted(backend.keys()) == ["profile:1", "profile:2"]


def test_keys_left_unfinished_do_not_block_searches(backend):
    put(backend, doc("1", "apple"), doc("2", "apple"))

    keys = backend.keys()
    next(keys)

    assert sorted(found(backend, "apple")) == ["1", "2"]


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


def test_an_index_of_an_older_schema_is_replaced(tmp_path):
    folder = tmp_path / "index"
    folder.mkdir()
    index.create_in(str(folder), Schema(key=ID(unique=True, stored=True)))

    backend = WhooshBackend(folder)
    try:
        put(backend, doc("1", "apple"))
        assert found(backend, "apple") == ["1"]
    finally:
        backend.close()


def test_a_search_that_fails_on_a_changing_index_reads_it_afresh_once(backend, monkeypatch):
    # Another process merging segments under a searcher once made stored_fields raise TypeError.
    put(backend, doc("1", "apple"))
    found(backend, "apple")
    old_view = backend._view
    real = WhooshBackend._search
    calls = []

    def fail_first(self, view, *args):
        calls.append(view)
        if len(calls) == 1:
            raise TypeError("'NoneType' object is not subscriptable")
        return real(self, view, *args)

    monkeypatch.setattr(WhooshBackend, "_search", fail_first)

    assert found(backend, "apple") == ["1"]
    assert calls[0] is old_view and calls[1] is not old_view


def test_a_search_that_keeps_failing_says_so(backend, monkeypatch):
    put(backend, doc("1", "apple"))

    def always_fail(self, view, *args):
        raise TypeError("broken")

    monkeypatch.setattr(WhooshBackend, "_search", always_fail)

    with pytest.raises(TypeError):
        found(backend, "apple")


def test_while_changes_wait_merges_wait_too_unless_segments_pile_up(
    backend, monkeypatch, quiet_at_once
):
    for number in range(12):
        put(backend, doc(str(number), "apple"))
    backend.maintain(busy=True)
    assert len(segments(backend)) == 12  # changes wait: they come first

    monkeypatch.setattr(whoosh_backend, "BUSY_SEGMENTS", 12)
    backend.maintain(busy=True)
    # Past the limit: merged even while busy, the ten smallest, so one merge stays short.
    assert segments(backend) == [1, 1, 10]
    assert search(backend, "apple", limit=0).total == 12


def test_merges_wait_for_a_quiet_index(backend, monkeypatch):
    for number in range(10):
        put(backend, doc(str(number), "apple"))
    backend.maintain()
    assert len(segments(backend)) == 10  # the index changed a moment ago: writers may be busy

    monkeypatch.setattr(whoosh_backend, "QUIET_SECONDS", 0.2)
    time.sleep(0.3)
    backend.maintain()
    assert segments(backend) == [10]


TRICKY = [
    "The water meter, e.g. 3.5 kl/month: THE Water-meters *wild*card naive Mthatha's eThekwini’s",
    "of the and",
    "",
    "Running runs ran; running. Ward committees' ward-committee WARD",
    "İstanbul straße ﬁnance ÉCOLE 2008/09 R1.2m x86_64 a.b.c.",
    "in a the indigent register, the register of indigents and registers",
]


@pytest.mark.parametrize("text", TRICKY)
def test_writers_analyse_text_as_whoosh_does(text):
    assert list(WRITING_SCHEMA["body"].index(text)) == list(SCHEMA["body"].index(text))


def test_a_segment_written_by_the_hub_holds_what_whoosh_would_write(tmp_path):
    documents = [
        doc(str(number), text, title=f"Lesson {number}: {text[:20]}", summary=text[::-1])
        for number, text in enumerate(TRICKY * 3)
    ]
    (tmp_path / "stock").mkdir()
    stock = index.create_in(str(tmp_path / "stock"), SCHEMA)
    writer = stock.writer()
    for document in documents:
        writer.update_document(**fields_of(document))
    writer.commit()
    ours = WhooshBackend(tmp_path / "ours")
    with ours.writer() as writer:
        for document in documents:
            writer.update(document)

    with stock.reader() as expected, ours._index().reader() as written:
        assert list(written.all_terms()) == list(expected.all_terms())
        for field, term in expected.all_terms():
            assert postings(written, field, term) == postings(expected, field, term)
        for docnum in range(len(documents)):
            assert written.stored_fields(docnum) == expected.stored_fields(docnum)
            for field in TEXT_FIELDS:
                length = expected.doc_field_length(docnum, field)
                assert written.doc_field_length(docnum, field) == length
    ours.close()


def fields_of(document):
    captured = {}

    class Capture:
        def update_document(self, **fields):
            captured.update(fields)

    DocumentWriter(Capture()).update(document)
    return captured


def postings(reader, field, term):
    matcher = reader.postings(field, term)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found
