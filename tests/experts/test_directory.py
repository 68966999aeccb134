"""The expert directory page: free text, facets, visibility, reasons, pages and bad input."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import event

from kmrg.auth.models import AccountStatus, ProfileVisibility
from kmrg.casestudies import services as case_study_services
from kmrg.experts import endorsements
from kmrg.experts.models import ContactVisibility, ExpertiseLevel, Language
from kmrg.experts.services import ExpertiseEntry, ExternalPerson
from kmrg.extensions import db
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.casestudies.conftest import write_case_study
from tests.experts.conftest import make_external_profile, make_profile
from tests.factories import sign_in

RESULT = re.compile(r'<h2><a href="/experts/[^"]+">([^<]+)</a>')
COUNT = re.compile(r'role="status">(\d+) experts?')


def page_of(client, **query) -> str:
    response = client.get("/experts/", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def shown(client, **query) -> list[str]:
    """Return the names on the page, in order."""
    return [html.unescape(name) for name in RESULT.findall(page_of(client, **query))]


def count(client, **query) -> int:
    match = COUNT.search(page_of(client, **query))
    assert match, "no result count on the page"
    return int(match.group(1))


def expert(session, organisation, name, **details):
    user = factories.make_user(session, name=name, organisation=organisation)
    return make_profile(session, user, **details)


def external(session, champion, name, organisation=None, **details):
    person = ExternalPerson(
        name=name,
        email=f"{name.split()[-1].lower()}@example.org",
        consent_note="Agreed by e-mail on 3 March 2026.",
        organisation=organisation,
    )
    return make_external_profile(session, champion, person=person, **details)


@pytest.fixture
def directory(session, organisation, other_organisation, champion, theme):
    """Five people across kinds of organisation, provinces, languages and offers of help."""
    district = factories.make_organisation(
        session,
        name="Cape Winelands District Municipality",
        kind=OrganisationKind.DISTRICT,
        province=Province.WC,
    )
    national = factories.make_organisation(
        session, name="National Treasury", kind=OrganisationKind.NATIONAL, province=None
    )
    university = factories.make_organisation(
        session,
        name="University of the Western Cape",
        kind=OrganisationKind.UNIVERSITY,
        province=Province.WC,
    )
    expert(
        session,
        organisation,  # a metro (A) in the Eastern Cape
        "Ayanda Metro",
        headline="Indigent register clean-up",
        expertise=[ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, theme=theme)],
        province=Province.EC,
        languages=[Language.XHOSA],
        availability=["offers_mentoring"],
    )
    expert(
        session,
        other_organisation,  # a local municipality (B) in KwaZulu-Natal
        "Bongani Local",
        headline="Smart prepaid metering",
        biography="Led the *kerbside* recycling pilot in Pietermaritzburg.",
        expertise=[ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, skill="Valuation roll")],
        province=Province.KZN,
        languages=[Language.ZULU],
        availability=["offers_peer_assist"],
    )
    expert(
        session,
        district,
        "Chris District",
        headline="Shared services for small towns",
        province=Province.WC,
        languages=[Language.AFRIKAANS],
        availability=["offers_site_visits"],
    )
    expert(
        session,
        national,
        "Dineo National",
        headline="Grant conditions and reporting",
        province=Province.GP,
        languages=[Language.SETSWANA],
        availability=["offers_speaking"],
    )
    external(
        session,
        champion,
        "Elna University",
        university,
        headline="Municipal finance research",
        province=Province.WC,
        languages=[Language.AFRIKAANS],
        availability=["offers_reviewing"],
    )


EVERYONE = ["Ayanda Metro", "Bongani Local", "Chris District", "Dineo National", "Elna University"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, EVERYONE),
        ({"theme": "revenue-collection"}, ["Ayanda Metro"]),
        ({"province": "KZN"}, ["Bongani Local"]),
        ({"province": "WC"}, ["Chris District", "Elna University"]),
        (
            {"organisation_type": "municipality"},
            ["Ayanda Metro", "Bongani Local", "Chris District"],
        ),
        ({"organisation_type": "national"}, ["Dineo National"]),
        ({"organisation_type": "university"}, ["Elna University"]),
        ({"organisation_type": "network"}, []),
        ({"category": "A"}, ["Ayanda Metro"]),
        ({"category": "B"}, ["Bongani Local"]),
        ({"category": "C"}, ["Chris District"]),
        ({"language": "af"}, ["Chris District", "Elna University"]),
        ({"language": "zu"}, ["Bongani Local"]),
        ({"availability": "offers_speaking"}, ["Dineo National"]),
        ({"availability": "offers_reviewing"}, ["Elna University"]),
        # Combinations narrow further.
        ({"language": "af", "organisation_type": "municipality"}, ["Chris District"]),
        ({"province": "WC", "organisation_type": "university"}, ["Elna University"]),
        ({"category": "A", "organisation_type": "national"}, []),
        (
            {"category": "B", "language": "zu", "availability": "offers_peer_assist"},
            ["Bongani Local"],
        ),
        ({"theme": "revenue-collection", "province": "KZN"}, []),
        # Unknown values are ignored, never an error.
        ({"province": "XX"}, EVERYONE),
        ({"organisation_type": "castle"}, EVERYONE),
        ({"category": "Z"}, EVERYONE),
        ({"language": "klingon"}, EVERYONE),
        ({"availability": "password_hash"}, EVERYONE),
        ({"theme": "no-such-theme"}, EVERYONE),
        ({"page": "abc"}, EVERYONE),
        ({"page": "-3"}, EVERYONE),
        ({"page": "999"}, EVERYONE),
    ],
)
def test_each_facet_narrows_the_directory(client, directory, query, expected):
    assert shown(client, **query) == expected
    assert count(client, **query) == len(expected)


@pytest.mark.parametrize(
    ("words", "expected", "reason"),
    [
        ("indigent", ["Ayanda Metro"], "Matched “indigent” in headline"),
        ("kerbside", ["Bongani Local"], "Matched “kerbside” in biography"),
        ("valuation", ["Bongani Local"], "Matched “valuation” in expertise"),
        ("revenue", ["Ayanda Metro"], "Matched “revenue” in expertise"),
        ("Winelands", ["Chris District"], "Matched “winelands” in organisation"),
        ("research", ["Elna University"], "Matched “research” in headline"),
        # Stemmed as the search engine does it.
        ("registers", ["Ayanda Metro"], "Matched “registers” in headline"),
    ],
)
def test_free_text_finds_words_from_the_profile_and_says_where(
    client, directory, words, expected, reason
):
    page = page_of(client, q=words)
    assert [html.unescape(n) for n in RESULT.findall(page)] == expected
    assert reason in html.unescape(page)


def test_free_text_and_facets_combine(client, directory):
    # Both match a word each; relevance decides their order.
    assert sorted(shown(client, q="municipal research shared", province="WC")) == [
        "Chris District",
        "Elna University",
    ]
    assert shown(client, q="municipal research shared", organisation_type="university") == [
        "Elna University"
    ]


def test_free_text_finds_the_titles_of_public_evidence(
    client, session, organisation, champion, theme
):
    profile = expert(session, organisation, "Zodwa Did", headline="Billing systems")
    case_study = write_case_study(
        session, profile.user, title="Turnaround in Mangaung", theme_ids=[theme.id]
    )
    case_study_services.submit_case_study(session, profile.user, case_study)
    case_study_services.publish_case_study(session, champion, case_study)
    session.commit()
    page = html.unescape(page_of(client, q="Mangaung"))
    assert RESULT.findall(page) == ["Zodwa Did"]
    assert "Matched “mangaung” in evidence" in page


def test_bad_free_text_is_harmless(client, directory):
    for words in ["( NOT AND AND", "*", '"unclosed', "x" * 5_000, "<script>"]:
        page = page_of(client, q=words)
        assert "<script>" not in page.split("<main", 1)[-1].replace("&lt;script&gt;", "")
    # A NUL is refused before the directory sees it (kmrg/inputs.py).
    assert client.get("/experts/", query_string={"q": "\x00"}).status_code == 400


def test_nothing_found_helps(client, directory):
    page = html.unescape(page_of(client, q="zeppelin", province="WC"))
    assert "No experts match all of this." in page
    assert "Search again without the words “zeppelin”" in page
    assert "Search again without province: Western Cape" in page
    assert "Sign in" in page


# Visibility: nothing the viewer may not see shows up, in results or in counts.


@pytest.mark.parametrize(
    ("visibility", "viewer", "visible"),
    [
        (ProfileVisibility.PUBLIC, None, True),
        (ProfileVisibility.PUBLIC, "member", True),
        (ProfileVisibility.MEMBERS, None, False),
        (ProfileVisibility.MEMBERS, "member", True),
        (ProfileVisibility.MEMBERS, "applicant", False),
        (ProfileVisibility.HIDDEN, None, False),
        (ProfileVisibility.HIDDEN, "member", False),
        (ProfileVisibility.HIDDEN, "outsider_champion", False),
        (ProfileVisibility.HIDDEN, "owner", True),
        (ProfileVisibility.HIDDEN, "admin", True),
    ],
)
@pytest.mark.parametrize("kind", ["member", "external"])
def test_visibility_table(
    request, client, session, organisation, champion, kind, visibility, viewer, visible
):
    headline = "Zeppelin hangar bylaws"
    if kind == "member":
        owner = factories.make_user(session, name="Xolani Owner", organisation=organisation)
        make_profile(session, owner, headline=headline, visibility=visibility)
    else:
        owner = champion  # an external profile's owner is the champion who keeps it
        external(session, champion, "Xolani Owner", headline=headline, visibility=visibility)
    if viewer == "owner":
        sign_in(client, owner)
    elif viewer == "applicant":
        # A pending account cannot sign in; it browses as the public does.
        request.getfixturevalue("applicant")
    elif viewer:
        sign_in(client, request.getfixturevalue(viewer))
    expected = ["Xolani Owner"] if visible else []
    if visibility is not ProfileVisibility.HIDDEN:
        # Hidden profiles are never in the search index, so only the listing finds them.
        assert shown(client, q="zeppelin") == expected
        assert count(client, q="zeppelin") == len(expected)
    assert shown(client) == expected
    assert count(client) == len(expected)
    assert shown(client, province="EC" if kind == "member" else "WC") == expected


def test_a_disabled_members_profile_is_gone_but_an_external_one_has_no_account(
    client, session, organisation, champion
):
    gone = factories.make_user(session, name="Gone Person", organisation=organisation)
    make_profile(session, gone, headline="Zeppelin hangar bylaws")
    gone.status = AccountStatus.DISABLED
    session.commit()
    external(session, champion, "Elna University", headline="Zeppelin hangar bylaws")
    assert shown(client) == ["Elna University"]
    assert shown(client, q="zeppelin") == ["Elna University"]


def test_members_only_profiles_are_not_counted_in_any_facet_for_the_public(
    client, session, organisation, other_organisation, member
):
    expert(session, organisation, "Public Person", visibility=ProfileVisibility.PUBLIC)
    expert(session, other_organisation, "Members Person", visibility=ProfileVisibility.MEMBERS)
    expert(session, organisation, "Hidden Person", visibility=ProfileVisibility.HIDDEN)
    for query in [{}, {"organisation_type": "municipality"}, {"category": "B"}, {"q": "revenue"}]:
        assert "Members Person" not in shown(client, **query)
        assert "Hidden Person" not in shown(client, **query)
    assert count(client, q="revenue") == 1
    sign_in(client, member)
    assert shown(client, category="B") == ["Members Person"]
    assert count(client, q="revenue") == 2


def test_a_result_never_shows_contact_details(client, session, organisation, champion, member):
    expert(
        session,
        organisation,
        "Zanele Mokoena",
        email_visibility=ContactVisibility.MEMBERS,
        phone="+27 43 705 1234",
        phone_visibility=ContactVisibility.MEMBERS,
    )
    external(session, champion, "Nandi Dube", headline="Revenue models")
    sign_in(client, member)
    page = page_of(client, q="revenue")
    assert "Zanele Mokoena" in page and "Nandi Dube" in page
    assert "@example.org" not in page.split("<main", 1)[-1]
    assert "705 1234" not in page


def test_a_result_card_shows_the_essentials(client, session, organisation, theme):
    expert(
        session,
        organisation,
        "Zanele Mokoena",
        expertise=[ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, theme=theme)],
        languages=[Language.XHOSA, Language.ENGLISH],
        availability=["offers_mentoring", "offers_site_visits"],
    )
    page = html.unescape(page_of(client, theme=theme.slug))
    assert "Revenue enhancement in a mid-size metro" in page
    assert "Buffalo City Metropolitan Municipality · Eastern Cape" in page
    assert "Speaks English, isiXhosa" in page
    assert "Available for mentoring, site visits" in page
    assert "Says: Authority in Revenue collection" in page
    assert "ranked by their record in Revenue collection" in page


# Pages come after ranking.


def test_pages_follow_the_ranking(client, session, organisation, champion, theme):
    for number in range(21):
        expert(
            session,
            organisation,
            f"Expert {number:02d}",
            expertise=[ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, theme=theme)],
        )
    doer = expert(
        session,
        organisation,
        "Zz Did It",
        expertise=[ExpertiseEntry(level=ExpertiseLevel.WORKING_KNOWLEDGE, theme=theme)],
    )
    case_study = write_case_study(session, doer.user, title="Turnaround", theme_ids=[theme.id])
    case_study_services.submit_case_study(session, doer.user, case_study)
    case_study_services.publish_case_study(session, champion, case_study)
    session.commit()
    first = shown(client, theme=theme.slug)
    second = shown(client, theme=theme.slug, page=2)
    assert len(first) == 20 and first[0] == "Zz Did It"
    assert second == ["Expert 19", "Expert 20"]
    assert count(client, theme=theme.slug, page=2) == 22
    page = page_of(client, theme=theme.slug)
    assert "page=2" in page and "theme=revenue-collection" in page  # the pager keeps the search


def test_the_search_form_is_labelled_and_works_without_javascript(client, directory):
    page = page_of(client)
    assert 'role="search"' in page and 'method="get"' in page
    for name, label in [
        ("q", "Search experts"),
        ("theme", "Theme"),
        ("province", "Province"),
        ("organisation_type", "Organisation type"),
        ("category", "Municipal category"),
        ("language", "Language"),
        ("availability", "Available for"),
    ]:
        assert f'<label for="{name}">{label}</label>' in page
    # What was asked stays in the form.
    page = page_of(client, q="indigent", category="A")
    assert 'value="indigent"' in page
    assert '<option selected value="A">' in page


def test_the_number_of_queries_does_not_grow_with_the_number_of_people(
    client, session, organisation, theme, member
):
    def add_people(first: int, last: int) -> None:
        for number in range(first, last):
            profile = expert(
                session,
                organisation,
                f"Expert {number:02d}",
                expertise=[ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, theme=theme)],
                languages=[Language.XHOSA, Language.ENGLISH],
            )
            endorsements.endorse_expert(
                session, member, profile, f"theme:{theme.id}", "We fixed the billing together."
            )
            session.commit()

    def selects(**query) -> int:
        statements: list[str] = []

        def count(_connection, _cursor, statement, *_args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert len(shown(client, **query)) > 0
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    sign_in(client, member)
    add_people(0, 2)
    few = [selects(theme=theme.slug), selects(q="revenue collection")]
    add_people(2, 14)
    assert [selects(theme=theme.slug), selects(q="revenue collection")] == few
