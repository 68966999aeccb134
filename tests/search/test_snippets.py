"""Snippets: the best field, whole words and sentences, phrases marked whole, text escaped."""

from __future__ import annotations

import re

from kmrg.search.registry import AttachedText, Audience, SearchDocument
from kmrg.search.snippets import QueryTerms, highlight, make_snippet, marked


def document(**fields) -> SearchDocument:
    return SearchDocument(
        doc_type="lesson", doc_id="1", title="T", audience=Audience.PUBLIC, **fields
    )


def terms(*words: str, phrases=()) -> QueryTerms:
    return QueryTerms.of(words, phrases)


def test_words_are_marked_in_any_of_their_forms():
    html = marked("Collecting revenue; the collection rate rose.", terms("collect"))

    assert html == "<mark>Collecting</mark> revenue; the <mark>collection</mark> rate rose."


def test_a_phrase_is_marked_as_one_across_a_common_word():
    html = marked(
        "Our community of practice met. A community met in practice.",
        terms("community", "practice", phrases=[("community", "of", "practice")]),
    )

    assert html.startswith("Our <mark>community of practice</mark> met.")
    assert "A <mark>community</mark> met in <mark>practice</mark>." in html


def test_text_is_escaped_and_only_mark_is_added():
    html = marked('<script>alert("x")</script> revenue & rates', terms("revenue"))

    assert "<script" not in html
    assert "&lt;script&gt;" in html and "&amp; rates" in html
    assert re.sub(r"</?mark>", "", html).count("<") == 0


def test_a_long_text_is_cut_at_a_sentence_start_and_a_word_end():
    opening = "Filler words about other things. " * 20
    text = opening + "The meter readers found the revenue leak. " + "More filler text here. " * 20

    html = marked(text, terms("revenue"))

    assert html.startswith("… The meter readers found the <mark>revenue</mark> leak.")
    assert html.endswith(" …")
    assert len(re.sub(r"</?mark>", "", html)) < 300


def test_the_window_prefers_where_the_most_different_words_meet():
    text = (
        "Water is mentioned here. " * 10
        + "Here water meets tariffs and meters together. "
        + "Tariffs alone. " * 10
    )

    html = marked(text, terms("water", "tariffs", "meters"))

    assert "<mark>water</mark> meets <mark>tariffs</mark> and <mark>meters</mark>" in html


def test_the_field_that_matched_best_gives_the_snippet():
    doc = document(
        summary="A summary about roads.",
        body="The body talks about water meters.",
        attachments=[AttachedText("Meter report", "pdf", "Water meters, water meters everywhere.")],
    )

    assert make_snippet(doc, terms("roads")).attachment is None
    snippet = make_snippet(doc, terms("water", "meters", phrases=[("water", "meters")]))
    assert snippet.attachment is None  # the body and the file tie: the body comes first
    found = make_snippet(doc, terms("everywhere"))
    assert found.attachment == AttachedText(
        "Meter report", "pdf", "Water meters, water meters everywhere."
    )
    assert "<mark>everywhere</mark>" in found.html


def test_a_record_found_by_its_title_or_keywords_shows_its_opening_unmarked():
    doc = document(summary="How the metro fixed its bills.", keywords="BUF · Buffalo City")

    snippet = make_snippet(doc, terms("buf"))

    assert snippet.html == "How the metro fixed its bills."
    assert "BUF" not in snippet.html


def test_nothing_to_show_is_empty():
    assert make_snippet(document(), terms("water")).html == ""
    assert marked("", terms("water")) == ""
    assert marked("water", QueryTerms.of([])) == ""


def test_highlight_answers_whether_and_where_terms_match():
    assert (
        highlight("Revenue collection", frozenset({"collect"})) == "Revenue <mark>collection</mark>"
    )
    assert highlight("Nothing here", frozenset({"collect"})) == ""


def test_a_report_with_hundreds_of_matches_is_quick_and_marked():
    text = "The water meter was read. " * 5000

    html = marked(text, terms("water", "meter"))

    assert html.startswith("The <mark>water</mark> <mark>meter</mark> was read.")
