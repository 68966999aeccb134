"""The search page as practitioners use it: the search language, facets, snippets, did-you-mean,
the any-word fallback, order, paging, the help page, and a page cost that does not grow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from kmrg.auth.models import ProfileVisibility
from kmrg.database import write_transactions
from kmrg.experts.models import ExpertiseLevel
from kmrg.experts.services import ExpertiseEntry, ProfileDetails, create_expert_profile
from kmrg.extensions import db
from kmrg.search.models import SearchTally
from tests import factories
from tests.search.world import World, add_lesson, build_world


@pytest.fixture
def world(session, organisation, other_organisation) -> World:
    return build_world(session, organisation, other_organisation)


def get(client, **params) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', html)


def status(html: str) -> str:
    found = re.search(r'role="status">(.*?)</p>', html, re.S)
    return " ".join(found.group(1).split()) if found else ""


def snippets(html: str) -> list[str]:
    return re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)


# -- the language -------------------------------------------------------------------------------


def test_every_word_must_match_in_any_of_its_forms(client, world):
    assert titles(get(client, q="collect debt")) == ["Fix the bills before chasing debt"]
    assert "1 result for “collect debt”" in status(get(client, q="collect debt"))


def test_a_phrase_is_found_and_marked_as_one(client, world):
    html = get(client, q='"smart water meters"')

    # The lesson learnt from the case study is found by its source's title too.
    assert titles(html) == [
        "Smart water meters in Buffalo City",
        "Fix the bills before chasing debt",
    ]
    assert "<mark>smart water meters</mark>" in snippets(html)[0]


def test_excluded_words_and_or(client, world):
    assert set(titles(get(client, q="revenue -roadshows -councillors -manager"))) == {
        "Fix the bills before chasing debt",
        "Smart water meters in Buffalo City",
    }
    assert set(titles(get(client, q="roadshows OR handheld"))) == {
        "Revenue roadshows in Msunduzi",
        "Smart water meters in Buffalo City",
    }


BILLS = "Fix the bills before chasing debt"
METERS = "Smart water meters in Buffalo City"
ROADSHOWS = "Revenue roadshows in Msunduzi"
COUNCILLORS = "Councillors carry the message"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bills type:lesson", [BILLS]),
        ("handheld type:case-study", [METERS]),
        ("revenue theme:water-services", [BILLS, METERS]),
        ('revenue province:"Eastern Cape"', [BILLS, "Nandi Mokoena", METERS]),
        ("revenue province:kzn", [COUNCILLORS, ROADSHOWS]),
        ("revenue org:kzn225 type:lesson", [COUNCILLORS]),
        ("revenue year:2012", [ROADSHOWS]),
        ("year:2009", [BILLS, METERS]),
        ("stage:validated", [BILLS]),
        ('stage:"validated good practice"', [BILLS]),
        ("revenue category:local", [COUNCILLORS, ROADSHOWS]),
        ("revenue category:A type:lesson", [BILLS]),
        ("revenue category:metropolitan -type:person", [BILLS, METERS]),
    ],
)
def test_field_filters(client, world, query, expected):
    assert sorted(titles(get(client, q=query))) == expected


def test_a_filter_the_hub_cannot_read_is_left_out_and_said(client, world):
    html = get(client, q="roadshows province:Atlantis")

    assert "“province:Atlantis” was left out" in html
    assert titles(html) == ["Revenue roadshows in Msunduzi"]


def test_when_all_words_find_nothing_any_word_results_are_offered_and_labelled(client, world):
    html = get(client, q="xyzzy roadshows")

    assert "No record has all of “xyzzy roadshows”" in status(html)
    assert "with any of the words" in status(html)
    assert titles(html) == ["Revenue roadshows in Msunduzi"]


def test_words_found_nowhere_say_so(client, world):
    html = get(client, q="xyzzy plugh")

    assert titles(html) == []
    assert "Nothing matched" in html


# -- did you mean -------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "meant"), [("sanitaton", "sanitation"), ("revinue", "revenue")])
def test_a_misspelling_is_corrected_from_the_index_vocabulary(client, session, world, typed, meant):
    add_lesson(session, world.msunduzi, "Sanitation budgets", "Plan sanitation with wards.")

    html = get(client, q=typed)

    link = re.search(r'Did you mean <a href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert link, html
    assert link.group(2) == meant
    assert titles(get(client, q=meant))  # the suggestion finds something


def test_a_correction_only_members_records_hold_is_offered_to_members_only(
    client, session, world, member
):
    # "engineer" is only in Zola's profile, which Zola shows to members.
    assert "Did you mean" not in get(client, q="enginneer")

    factories.sign_in(client, member)

    assert re.search(r"Did you mean <a [^>]*>engineer</a>", get(client, q="enginneer"))


def test_words_only_drafts_hold_are_never_offered(client, session, world, member):
    # "backlog" is only in the draft case study and the draft lesson, which a member of another
    # organisation may not see.
    factories.sign_in(client, member)

    html = get(client, q="backlgo")

    assert "Did you mean" not in html
    assert titles(get(client, q="backlog")) == []


# -- facets ------------------------------------------------------------------------------------


def facet_links(html: str, label: str) -> dict[str, str]:
    section = re.search(rf"<h3>{label}</h3>(.*?)</section>", html, re.S)
    assert section, f"no {label} facet"
    found = re.findall(
        r'<a href="[^"]*"[^>]*>([^<]+)</a> <span class="count">(\d+)</span>', section.group(1)
    )
    return dict(found)


def test_facets_count_the_results_and_narrow_them(client, world):
    html = get(client, q="revenue")

    assert facet_links(html, "Type") == {"Lessons": "2", "Case studies": "2", "People": "1"}
    assert facet_links(html, "Province") == {"Eastern Cape": "3", "KwaZulu-Natal": "2"}
    assert facet_links(html, "Theme") == {"Revenue collection": "4", "Water services": "2"}
    narrowed = get(client, q="revenue", province="KZN")
    assert sorted(titles(narrowed)) == [
        "Councillors carry the message",
        "Revenue roadshows in Msunduzi",
    ]
    assert facet_links(narrowed, "Type") == {"Lessons": "1", "Case studies": "1"}
    both = get(client, q="revenue", province="KZN", type="lesson")
    assert titles(both) == ["Councillors carry the message"]
    assert "Province: <strong>KwaZulu-Natal</strong>" in both


def test_a_facet_link_keeps_the_query_and_the_other_facets(client, world):
    html = get(client, q="revenue", province="KZN")

    link = re.search(r'<a href="([^"]+)" rel="nofollow">Lessons</a>', html).group(1)
    assert "q=revenue" in link and "province=KZN" in link and "type=lesson" in link
    remove = re.search(r'<a href="([^"]+)" aria-label="Remove province KwaZulu-Natal"', html)
    assert "province" not in remove.group(1)


def test_typed_filters_become_chosen_values(client, world):
    html = get(client, q="revenue province:KZN")

    assert 'value="revenue"' in html  # the words stay in the box, the filter moves out
    assert "Province: <strong>KwaZulu-Natal</strong>" in html


# -- snippets ----------------------------------------------------------------------------------


def test_a_snippet_comes_from_the_field_that_matched_in_whole_words(client, world):
    html = get(client, q="handheld")

    [snippet] = snippets(html)
    assert "<mark>handheld</mark>" in snippet
    assert snippet.startswith("… Meter readers")  # the sentence from its start


def test_a_result_found_in_an_attachment_names_the_file(client, world):
    html = get(client, q="indigent register")

    assert titles(html) == ["Revenue roadshows in Msunduzi"]
    assert "Found in <em>Roadshow report</em> (DOCX)" in html
    assert "<mark>indigent</mark> <mark>register</mark>" in snippets(html)[0]


def test_index_only_text_is_found_but_never_shown(client, world):
    html = get(client, q="roadshow-final-v3.docx")

    assert titles(html) == ["Revenue roadshows in Msunduzi"]
    assert "roadshow-final" not in " ".join(snippets(html))
    assert "KZN225" not in " ".join(snippets(get(client, q="KZN225")))


def test_results_name_their_organisation_years_and_stage(client, world):
    html = get(client, q="bills")

    details = "Buffalo City Metropolitan Municipality · Eastern Cape · 2008–2010"
    assert f"{details} · Validated good practice" in html


# -- one result per record, order, paging -------------------------------------------------------


def test_a_person_with_an_expert_profile_is_one_result(client, session, world):
    from tests.experts.conftest import make_profile

    make_profile(session, world.nandi, headline="Revenue enhancement")

    html = get(client, q="Mokoena")

    assert titles(html) == ["Nandi Mokoena"]
    assert "1 result for" in status(html)


def test_newest_first(client, world):
    html = get(client, q="revenue", sort="newest")

    assert titles(html) == [
        "Councillors carry the message",
        "Revenue roadshows in Msunduzi",
        "Fix the bills before chasing debt",
        "Smart water meters in Buffalo City",
        "Nandi Mokoena",  # people have no date: last
    ]
    assert '<strong aria-current="true">newest</strong>' in html


def test_lessons_come_first_for_the_same_words(client, session, world):
    html = get(client, q="bills")

    assert titles(html)[0] == "Fix the bills before chasing debt"


def test_pages_use_the_shared_pager(client, session, world):
    for number in range(25):
        add_lesson(session, world.msunduzi, f"Tariff note {number}", "Tariff reform note.")

    first = get(client, q="tariff")
    second = get(client, q="tariff", page=2)

    assert len(titles(first)) == 20 and len(titles(second)) == 6
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert not set(titles(first)) & set(titles(second))


# -- the empty query ------------------------------------------------------------------------


def test_an_empty_query_shows_the_help_and_the_themes_people_search_for(client, session, world):
    get(client, q="", theme="water-services")
    get(client, q="bills", theme="water-services")
    get(client, q="", theme="revenue-collection")

    html = get(client, q="")

    assert "How to search" in html and "<code>type:lesson</code>" in html
    themes = re.findall(r'<li><a href="/search\?theme=([^"]+)">([^<]+)</a>', html)
    assert themes == [
        ("water-services", "Water services"),
        ("revenue-collection", "Revenue collection"),
    ]
    tallies = {t.value: t.searches for t in session.query(SearchTally)}
    assert tallies == {"water-services": 2, "revenue-collection": 1}


def test_a_search_is_counted_while_another_worker_counts_one(client, session, world, monkeypatch):
    """Counting is a write after the page's reads: it must wait its turn, never fail (SQLite)."""
    from kmrg.search import views

    def search_while_another_worker_commits(*args, **kwargs):
        page = views_search_site(*args, **kwargs)
        with write_transactions(), Session(db.engine) as other:
            other.add(SearchTally(facet="theme", value="urban-renewal", searches=1))
            other.commit()
        return page

    views_search_site = views.search_site
    monkeypatch.setattr(views, "search_site", search_while_another_worker_commits)

    assert "Fix the bills before chasing debt" in titles(
        get(client, q="bills", theme="water-services")
    )
    tallies = {t.value: t.searches for t in session.query(SearchTally)}
    assert tallies == {"urban-renewal": 1, "water-services": 1}


def test_a_second_page_is_not_counted_as_another_search(client, session, world):
    get(client, theme="water-services", page=2)

    assert session.query(SearchTally).count() == 0


# -- cost ------------------------------------------------------------------------------------


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_statements_a_page_runs_do_not_grow_with_the_hits(client, session, world):
    for number in range(3):
        add_lesson(session, world.msunduzi, f"Levy lesson {number}", "Levy reform.")
    get(client, q="levy")  # warm: the first request loads what every request shares
    with counted_statements() as few:
        get(client, q="levy")
    for number in range(3, 60):
        add_lesson(session, world.msunduzi, f"Levy lesson {number}", "Levy reform.")
    with counted_statements() as many:
        html = get(client, q="levy")

    assert "60 results" in status(html)
    assert len(many) == len(few), (few, many)


def test_a_public_experts_area_of_expertise_corrects_an_anonymous_misspelling(
    client, session, world
):
    # No public record but this expert's profile spells "sanitation", and only as an area of
    # expertise (in no title or summary), which is what the demo showed anonymous visitors.
    sanitation = factories.make_theme(session, "Sanitation")
    expert = factories.make_user(
        session, name="Ayanda Zulu", organisation=world.msunduzi, job_title="Engineer"
    )
    create_expert_profile(
        session,
        expert,
        ProfileDetails(
            headline="Ward infrastructure",
            visibility=ProfileVisibility.PUBLIC,
            expertise=[ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, theme=sanitation)],
        ),
    )
    session.commit()

    html = get(client, q="sanitaton")

    link = re.search(r'Did you mean <a href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert link, html
    assert link.group(2) == "sanitation"
    assert "Ayanda Zulu" in get(client, q="sanitation")
