"""What every search backend must do, run against each backend this machine has.

The search language, audiences, facets, one result per record, weights, order and paging,
corrections, and the write side (updates, deletes, failed batches, keys, clear, bulk writes).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kmrg.search.backend import SearchBackend, Sort
from kmrg.search.registry import AttachedText, Audience
from tests.search.backends import BACKENDS, doc, found, put, search


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    with BACKENDS[request.param](tmp_path) as made:
        yield made


# -- words, phrases, exclusions, OR -----------------------------------------------------------


def test_a_word_finds_its_other_forms(backend):
    put(backend, doc("1", "She was running the revenue office"), doc("2", "He runs the meters"))

    assert sorted(found(backend, "run")) == ["1", "2"]
    assert sorted(found(backend, "running")) == ["1", "2"]
    assert sorted(found(backend, "runs")) == ["1", "2"]


def test_collect_finds_collection(backend):
    put(backend, doc("1", "Revenue collection improved"), doc("2", "Collecting rates"))

    assert sorted(found(backend, "collect")) == ["1", "2"]


def test_every_word_must_match(backend):
    put(
        backend,
        doc("1", "water meters were replaced"),
        doc("2", "water tanks"),
        doc("3", "smart meters"),
    )

    assert found(backend, "water meters") == ["1"]
    assert found(backend, "xyzzy water") == []


def test_common_words_are_left_out_of_a_query(backend):
    put(backend, doc("1", "a community of practice met"), doc("2", "practice makes perfect"))

    assert found(backend, "community of practice") == ["1"]
    assert found(backend, "the") == []


def test_a_quoted_phrase_must_occur_as_written(backend):
    put(
        backend,
        doc("1", "the water meters were read"),
        doc("2", "meters for water"),
    )

    assert found(backend, '"water meters"') == ["1"]
    assert sorted(found(backend, "water meters")) == ["1", "2"]


def test_a_hyphenated_word_is_a_phrase(backend):
    put(backend, doc("1", "an e-government strategy"), doc("2", "government of e people"))

    assert "1" in found(backend, "e-government")


def test_an_excluded_word_leaves_records_out(backend):
    put(backend, doc("1", "water from boreholes"), doc("2", "water from dams"))

    assert found(backend, "water -borehole") == ["2"]
    assert found(backend, 'water -"from dams"') == ["1"]


def test_or_takes_either_word(backend):
    put(backend, doc("1", "billing"), doc("2", "tariffs"), doc("3", "meters"))

    assert sorted(found(backend, "billing OR tariffs")) == ["1", "2"]
    assert sorted(found(backend, "billing OR meters OR tariffs")) == ["1", "2", "3"]


def test_or_binds_tighter_than_and(backend):
    put(
        backend,
        doc("1", "billing for water"),
        doc("2", "tariffs for water"),
        doc("3", "billing for electricity"),
    )

    assert sorted(found(backend, "billing OR tariffs water")) == ["1", "2"]


def test_every_text_field_is_searched(backend):
    put(
        backend,
        doc("1", title="Indigent register"),
        doc("2", summary="indigent support"),
        doc("3", "the indigent policy"),
        doc("4", attachments=[AttachedText("Report", "pdf", "indigent households")]),
        doc("5", keywords="INDIGENT"),
    )

    assert sorted(found(backend, "indigent")) == ["1", "2", "3", "4", "5"]


def test_a_title_match_ranks_first(backend):
    put(backend, doc("1", "revenue revenue"), doc("2", "water", title="Revenue"))

    assert found(backend, "revenue") == ["2", "1"]


def test_the_words_together_rank_above_the_words_apart(backend):
    filler = " ".join(["report"] * 20)
    put(
        backend,
        doc("1", f"community leaders {filler} and the practice notes"),
        doc("2", f"a community of practice {filler} notes"),
    )

    assert found(backend, "community practice") == ["2", "1"]


def test_a_one_word_query_ranks_what_it_finds(backend):
    put(backend, doc("1", "revenue and water and roads"), doc("2", "revenue, revenue, revenue"))

    hits = search(backend, "revenue").hits

    assert [hit.doc_id for hit in hits] == ["2", "1"]
    assert all(hit.score > 0 for hit in hits)


def test_the_only_record_with_all_rare_words_comes_first(backend):
    # A long report is the only record naming Mangaung's "Bloemspruit wetland"; three short
    # notes mention only the common word. All words must match, so the notes are not results.
    long_report = " ".join(["municipal planning detail"] * 80) + " Bloemspruit wetland restored"
    put(
        backend,
        doc("1", long_report),
        *(doc(str(n), "wetland") for n in (2, 3, 4)),
    )

    assert found(backend, "Bloemspruit wetland") == ["1"]


# -- audiences, types and weights -------------------------------------------------------------


def test_audiences_limit_what_is_found(backend):
    put(
        backend,
        doc("1", "budget", audience=Audience.PUBLIC),
        doc("2", "budget", audience=Audience.MEMBERS),
    )

    assert found(backend, "budget", ["public"]) == ["1"]
    assert sorted(found(backend, "budget", ["public", "members"])) == ["1", "2"]
    assert search(backend, "budget", ["public"]).total == 1


def test_an_audience_cannot_be_named_in_the_query(backend):
    put(backend, doc("2", "budget", audience=Audience.MEMBERS))

    assert found(backend, "audience:members budget", ["public"]) == []


def test_type_weights_multiply_relevance(backend):
    put(
        backend,
        doc("1", "budget", doc_type="case_study"),
        doc("1", "budget", doc_type="lesson"),
    )

    assert found(backend, "budget") == ["lesson:1", "case_study:1"]
    assert found(backend, "budget", weights={"lesson": 1.0, "case_study": 2.0}) == [
        "case_study:1",
        "lesson:1",
    ]


def test_one_result_per_record_the_heavier_type(backend):
    put(
        backend,
        doc("7", "revenue manager", record="person:7"),
        doc("3", "revenue expert", doc_type="expert", record="person:7"),
        doc("8", "revenue clerk", record="person:8"),
    )

    matches = search(backend, "revenue", facets=["type"])

    assert sorted(found(backend, "revenue")) == ["8", "expert:3"]
    assert matches.total == 2
    assert matches.facets["type"] == {"expert": 1, "profile": 1}


def test_a_record_shows_its_lighter_document_when_the_heavier_is_not_found(backend):
    put(
        backend,
        doc("7", "revenue manager", record="person:7"),
        doc("3", "water expert", doc_type="expert", record="person:7", audience=Audience.MEMBERS),
    )

    assert found(backend, "revenue") == ["7"]
    assert found(backend, "manager OR expert", ["public"]) == ["7"]
    assert found(backend, "manager OR expert", ["public", "members"]) == ["expert:3"]


# -- facets -----------------------------------------------------------------------------------


def corpus(backend) -> None:
    put(
        backend,
        doc(
            "1",
            "water meters",
            doc_type="lesson",
            facets={"theme": ["water", "revenue"], "province": ["EC"], "year": ["2008", "2009"]},
            when=date(2009, 5, 1),
        ),
        doc(
            "2",
            "water tanks",
            doc_type="case_study",
            facets={"theme": ["water"], "province": ["KZN"], "year": ["2010"]},
            when=date(2011, 1, 1),
        ),
        doc(
            "3",
            "water rights",
            doc_type="lesson",
            audience=Audience.MEMBERS,
            facets={"theme": ["water"], "province": ["EC"], "year": ["2012"]},
            when=date(2012, 1, 1),
        ),
        doc("4", "roads", doc_type="lesson", facets={"province": ["EC"]}, when=date(2013, 1, 1)),
    )


def test_facets_count_what_the_query_matches(backend):
    corpus(backend)

    matches = search(backend, "water", facets=["type", "theme", "province", "year"])

    assert matches.total == 2
    assert matches.facets == {
        "type": {"lesson": 1, "case_study": 1},
        "theme": {"water": 2, "revenue": 1},
        "province": {"EC": 1, "KZN": 1},
        "year": {"2008": 1, "2009": 1, "2010": 1},
    }


def test_facet_counts_leave_out_what_the_audience_may_not_find(backend):
    corpus(backend)

    public = search(backend, "water", ["public"], facets=["province"])
    members = search(backend, "water", ["public", "members"], facets=["province"])

    assert public.facets["province"] == {"EC": 1, "KZN": 1}
    assert members.facets["province"] == {"EC": 2, "KZN": 1}


def test_filters_narrow_and_combine(backend):
    corpus(backend)

    assert found(backend, "water province:EC") == ["lesson:1"]
    assert found(backend, "water type:case_study") == ["case_study:2"]
    assert found(backend, "water theme:revenue province:EC") == ["lesson:1"]
    assert found(backend, "water theme:revenue province:KZN") == []
    assert sorted(found(backend, "province:EC OR province:KZN water")) == [
        "case_study:2",
        "lesson:1",
    ]
    assert found(backend, "water -province:EC") == ["case_study:2"]


def test_a_filter_alone_lists_its_records_newest_first(backend):
    corpus(backend)

    assert found(backend, "province:EC") == ["lesson:4", "lesson:1"]
    assert found(backend, "province:EC", ["public", "members"]) == [
        "lesson:4",
        "lesson:3",
        "lesson:1",
    ]


def test_facets_count_the_filtered_results(backend):
    corpus(backend)

    matches = search(backend, "water province:EC", facets=["type", "province"])

    assert matches.facets == {"type": {"lesson": 1}, "province": {"EC": 1}}


def test_an_empty_query_matches_everything_the_audience_may_find(backend):
    corpus(backend)

    matches = search(backend, "", facets=["theme"], limit=0)

    assert matches.total == 3
    assert matches.hits == []
    assert matches.facets["theme"] == {"water": 2, "revenue": 1}


# -- order and paging -------------------------------------------------------------------------


def test_newest_first_orders_by_date(backend):
    corpus(backend)

    assert found(backend, "water", sort=Sort.NEWEST) == ["case_study:2", "lesson:1"]
    assert found(backend, "water", ["public", "members"], sort=Sort.NEWEST) == [
        "lesson:3",
        "case_study:2",
        "lesson:1",
    ]


def test_pages_are_slices_of_one_order(backend):
    put(backend, *(doc(str(n), "budget " * (n % 7 + 1)) for n in range(30)))

    everything = found(backend, "budget", limit=30)
    pages = [found(backend, "budget", offset=start, limit=7) for start in range(0, 30, 7)]

    assert len(everything) == 30
    assert [doc_id for page in pages for doc_id in page] == everything
    assert search(backend, "budget", offset=7, limit=7).total == 30
    assert found(backend, "budget", offset=40) == []


def test_limit_zero_counts_only(backend):
    put(backend, doc("1", "budget"), doc("2", "budget"))

    matches = search(backend, "budget", limit=0, facets=["type"])

    assert matches.hits == []
    assert matches.total == 2
    assert matches.facets == {"type": {"profile": 2}}


# -- corrections ------------------------------------------------------------------------------


def test_corrections_come_from_the_words_of_titles_summaries_and_keywords(backend):
    put(
        backend,
        doc("1", summary="sanitation services"),
        doc("2", title="Sanitation backlog"),
        doc("3", summary="revenue enhancement", body="tariffs"),
        doc("4", keywords="Informal settlements upgrading"),
    )

    assert backend.corrections("sanitaton")[0] == "sanitation"
    assert backend.corrections("setlements")[0] == "settlements"  # a theme name, say
    assert backend.corrections("revinue")[0] == "revenue"
    assert backend.corrections("xqzvk") == []
    assert backend.corrections("tarifs") == []  # a body's words are not offered


def test_a_word_that_is_indexed_is_not_corrected(backend):
    put(backend, doc("1", summary="water"), doc("2", summary="waters later"))

    assert "water" not in backend.corrections("water")
    assert backend.corrections("water") == []


# -- writing ----------------------------------------------------------------------------------


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


def test_keys_lists_every_document(backend):
    assert list(backend.keys()) == []
    put(backend, doc("1", "a"), doc("2", "b", doc_type="lesson"))

    assert sorted(backend.keys()) == ["lesson:2", "profile:1"]


def test_clear_removes_everything(backend):
    put(backend, doc("1", "apple"))
    assert found(backend, "apple") == ["1"]

    backend.clear()

    assert list(backend.keys()) == []
    assert found(backend, "apple") == []
    put(backend, doc("2", "apple"))
    assert found(backend, "apple") == ["2"]


def test_a_bulk_write_is_searchable_when_it_ends(backend):
    with backend.bulk_writer() as writer:
        for number in range(50):
            writer.update(doc(str(number), f"apple number{number}"))

    assert search(backend, "apple").total == 50
    assert found(backend, "number7") == ["7"]


def test_documents_change_between_searches(backend):
    put(backend, doc("1", "apple"))
    assert found(backend, "apple") == ["1"]

    put(backend, doc("2", "apple"), doc("1", "apple pie"))
    assert sorted(found(backend, "apple")) == ["1", "2"]  # the write is seen, once
    with backend.writer() as writer:
        writer.delete("profile:2")
    assert found(backend, "apple") == ["1"]
    assert sorted(backend.keys()) == ["profile:1"]


@pytest.mark.parametrize(
    "text",
    ['"unbalanced', "AND OR (", "( NOT AND AND", "title:", "[a TO", "*", "-", "OR", "%00", "^"],
)
def test_odd_query_text_is_words_not_an_error(backend, text):
    put(backend, doc("1", "unbalanced budget"))

    search(backend, text)  # no exception

    assert found(backend, text + " budget") in (["1"], [])
