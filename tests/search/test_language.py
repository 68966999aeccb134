"""The search language, parsed without an index: what each kind of input becomes."""

from __future__ import annotations

import pytest

from kmrg.search.language import (
    MAX_CLAUSES,
    MAX_QUERY_LENGTH,
    Clause,
    Filter,
    Phrase,
    SearchQuery,
    Word,
    parse_query,
)
from kmrg.search.registry import Facet

PROVINCES = {"ec": "EC", "eastern cape": "EC", "kzn": "KZN"}
FACETS = [
    Facet(
        "type",
        "Type",
        lambda v: {"lesson": "lesson", "lessons": "lesson"}.get(v.casefold()),
        lambda *_: {},
    ),
    Facet("province", "Province", lambda v: PROVINCES.get(v.casefold()), lambda *_: {}),
    Facet("org", "Organisation", str.upper, lambda *_: {}, aliases=("organisation",)),
]


def parse(text: str) -> SearchQuery:
    return parse_query(text, FACETS)


def clauses(text: str) -> list[list]:
    return [list(clause.options) for clause in parse(text).clauses]


def test_plain_words_are_clauses_that_must_all_match():
    assert clauses("Water  Meters") == [[Word("water")], [Word("meters")]]


def test_quotes_make_a_phrase_and_an_unclosed_quote_runs_to_the_end():
    assert clauses('"water meters" roads') == [[Phrase(("water", "meters"))], [Word("roads")]]
    assert clauses('"water meters') == [[Phrase(("water", "meters"))]]
    assert clauses('"one"') == [[Word("one")]]


def test_punctuated_words_are_phrases_and_dotted_names_stay_whole():
    assert clauses("e-government") == [[Phrase(("e", "government"))]]
    assert clauses("report-v3.docx") == [[Phrase(("report", "v3.docx"))]]


def test_a_minus_excludes_a_word_a_phrase_or_a_filter():
    query = parse('water -borehole -"dry taps" -province:kzn')

    assert clauses('water -borehole -"dry taps" -province:kzn') == [[Word("water")]]
    assert query.excluded == (
        Word("borehole"),
        Phrase(("dry", "taps")),
        Filter("province", "KZN"),
    )


def test_a_lone_minus_or_a_hyphen_inside_a_word_is_no_exclusion():
    assert parse("water - roads").excluded == ()
    assert clauses("water - roads") == [[Word("water")], [Word("roads")]]


def test_or_joins_its_neighbours_and_binds_tighter_than_and():
    assert clauses("billing OR tariffs water") == [
        [Word("billing"), Word("tariffs")],
        [Word("water")],
    ]
    assert clauses("a1 OR b1 OR c1") == [[Word("a1"), Word("b1"), Word("c1")]]


def test_a_dangling_or_is_ignored_and_lower_case_or_is_a_word():
    assert clauses("OR water OR") == [[Word("water")]]
    assert clauses("this or that") == [[Word("this")], [Word("or")], [Word("that")]]


def test_filters_are_read_by_their_facet():
    query = parse('revenue type:Lessons province:"Eastern Cape" organisation:buf')

    assert query.filters == (
        Filter("type", "lesson"),
        Filter("province", "EC"),
        Filter("org", "BUF"),
    )
    assert [list(c.options) for c in query.text_clauses] == [[Word("revenue")]]
    assert query.typed == "revenue"


def test_filters_may_be_or_ed_but_never_with_words():
    assert clauses("province:ec OR province:kzn") == [
        [Filter("province", "EC"), Filter("province", "KZN")]
    ]
    assert clauses("province:ec OR water") == [[Filter("province", "EC")], [Word("water")]]


def test_an_unreadable_filter_value_is_left_out_with_a_note():
    query = parse("water province:Atlantis type:")

    assert clauses("water province:Atlantis") == [[Word("water")]]
    assert query.notes == ("“province:Atlantis” was left out: it is not a province the Hub knows.",)


def test_an_unknown_name_before_a_colon_is_words():
    assert clauses("meeting 10:30") == [[Word("meeting")], [Phrase(("10", "30"))]]
    assert clauses("note:urgent") == [[Phrase(("note", "urgent"))]]


def test_repeated_terms_count_once():
    assert clauses("water water") == [[Word("water")]]
    assert parse("-dry -dry").excluded == (Word("dry"),)


@pytest.mark.parametrize("text", ["", "   ", '"', "-", "OR", "!!!", '-""', ":"])
def test_nothing_to_search_is_an_empty_query(text):
    assert parse(text).is_empty


def test_long_input_is_cut_and_clauses_capped():
    query = parse(" ".join(f"word{n}" for n in range(100)))

    assert len(query.clauses) == MAX_CLAUSES
    assert query.notes
    assert len(parse("x" * 1000).typed) <= MAX_QUERY_LENGTH


def test_the_any_word_query_keeps_filters_and_exclusions():
    query = parse("water meters -borehole province:ec")

    broader = query.any_words()

    assert broader is not None
    assert broader.clauses == (
        Clause((Filter("province", "EC"),)),
        Clause((Word("water"), Word("meters"))),
    )
    assert broader.excluded == (Word("borehole"),)
    assert parse("water").any_words() is None


def test_words_and_phrases_for_marking():
    query = parse('"water meters" roads OR streets -dust')

    assert query.words() == ["water", "meters", "roads", "streets"]
    assert query.phrases() == [("water", "meters")]
    assert parse("community practice").implied_phrase() == ("community", "practice")
    assert parse('community "of practice"').implied_phrase() is None


def test_corrections_replace_words_everywhere():
    query = parse('sanitaton "sanitaton backlog" -sanitaton')

    fixed = query.with_words_replaced({"sanitaton": "sanitation"})

    assert fixed.to_text() == 'sanitation "sanitation backlog" -sanitation'
