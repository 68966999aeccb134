"""The search page and the search API, as visitors and members use them."""

from __future__ import annotations

import re

import pytest

from kmrg.auth.models import ProfileVisibility
from kmrg.search.queries import MAX_QUERY_LENGTH
from tests import factories


@pytest.fixture
def people(session, organisation):
    """Three colleagues at Buffalo City, each seen as far as they chose."""
    return {
        "public": factories.make_user(
            session,
            name="Nandi Mokoena",
            organisation=organisation,
            job_title="Revenue manager",
            profile_visibility=ProfileVisibility.PUBLIC,
        ),
        "members": factories.make_user(
            session,
            name="Zola Ndlovu",
            organisation=organisation,
            profile_visibility=ProfileVisibility.MEMBERS,
        ),
        "hidden": factories.make_user(
            session,
            name="Thabo Khumalo",
            organisation=organisation,
            profile_visibility=ProfileVisibility.HIDDEN,
        ),
    }


def page(client, query: str, **params) -> str:
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def api(client, query: str, **params) -> dict:
    response = client.get("/api/v1/search", query_string={"q": query, **params})
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()


def result_titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', html)


def test_a_visitor_finds_public_profiles_only(client, people):
    html = page(client, "Buffalo")

    assert result_titles(html) == ["Nandi Mokoena"]
    assert "Zola Ndlovu" not in html
    assert "Thabo Khumalo" not in html
    assert "1 result for" in html


def test_a_result_shows_the_name_a_link_and_a_marked_snippet(client, people):
    person = people["public"]

    html = page(client, "revenue")

    assert f'<a href="/people/{person.id}">Nandi Mokoena</a>' in html
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S)
    assert snippet, html
    assert re.search(r"<mark[^>]*>Revenue</mark>", snippet.group(1))


def test_a_member_also_finds_members_profiles(client, people, member):
    factories.sign_in(client, member)

    html = page(client, "Buffalo")

    assert sorted(result_titles(html)) == ["Nandi Mokoena", "Sipho Member", "Zola Ndlovu"]
    assert "Thabo Khumalo" not in html


def test_nobody_finds_a_hidden_profile(client, people, admin):
    factories.sign_in(client, admin)

    assert "Thabo Khumalo" not in page(client, "Khumalo")
    assert api(client, "Khumalo")["results"] == []


def test_a_profile_hidden_after_indexing_is_not_shown(client, people, session):
    # Even before the index catches up, results are checked against the records themselves.
    person = people["public"]
    person.profile_visibility = ProfileVisibility.HIDDEN
    session.commit()

    assert "Nandi Mokoena" not in page(client, "Mokoena")


def test_the_query_is_echoed_escaped(client, people):
    html = page(client, '<script>alert("x")</script> Mokoena')

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html
    assert result_titles(html) == ["Nandi Mokoena"]


def test_an_empty_query_shows_the_form_without_results(client, people):
    for query in ("", "   "):
        html = page(client, query)

        assert 'name="q"' in html
        assert 'role="status"' not in html
        assert result_titles(html) == []


def test_a_very_long_query_is_cut_not_refused(client, people):
    query = "Mokoena " + "revenue " * 500

    html = page(client, query)
    data = api(client, query)

    assert result_titles(html) == ["Nandi Mokoena"]
    assert len(data["query"]) <= MAX_QUERY_LENGTH
    assert data["query"].startswith("Mokoena revenue")


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "AND OR (", "( NOT AND AND", "title:", "[a TO", "*", "Mokoena~", "%00", "^"],
)
def test_query_syntax_junk_is_not_an_error(client, people, query):
    page(client, query)
    api(client, query)


def test_unknown_types_and_pages_are_not_errors(client, people):
    assert result_titles(page(client, "Mokoena", type="nonsense")) == ["Nandi Mokoena"]
    assert result_titles(page(client, "Mokoena", type="profile")) == ["Nandi Mokoena"]
    assert result_titles(page(client, "Mokoena", page="999")) == []
    assert result_titles(page(client, "Mokoena", page="-3")) == ["Nandi Mokoena"]
    assert result_titles(page(client, "Mokoena", page="two")) == ["Nandi Mokoena"]


def test_the_api_follows_the_same_visibility_rules(client, people, member):
    anonymous = api(client, "Buffalo")

    assert [r["title"] for r in anonymous["results"]] == ["Nandi Mokoena"]
    assert anonymous["total"] == 1
    assert anonymous["results"][0]["type"] == "profile"
    assert anonymous["results"][0]["url"].endswith(f"/people/{people['public'].id}")

    factories.sign_in(client, member)
    signed_in = api(client, "Buffalo")

    assert sorted(r["title"] for r in signed_in["results"]) == [
        "Nandi Mokoena",
        "Sipho Member",
        "Zola Ndlovu",
    ]


def test_the_api_snippet_is_escaped_html(client, session, organisation):
    factories.make_user(
        session,
        name="Nandi Mokoena",
        organisation=organisation,
        job_title="<b>Revenue</b> & <script>x</script>",
        profile_visibility=ProfileVisibility.PUBLIC,
    )

    [result] = api(client, "revenue")["results"]

    assert "<script" not in result["snippet"]
    assert "<b>" not in result["snippet"]
    assert "&lt;script&gt;" in result["snippet"]
    assert re.search(r"<mark[^>]*>Revenue</mark>", result["snippet"])


def test_the_api_with_an_empty_query_returns_nothing(client, people):
    data = api(client, "")

    assert data["results"] == []
    assert data["total"] == 0
