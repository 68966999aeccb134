"""/api/v1/search: the search page's results, facets and suggestion as JSON, same permissions."""

from __future__ import annotations

import pytest

from tests import factories
from tests.search.world import World, add_lesson, build_world


@pytest.fixture
def world(session, organisation, other_organisation) -> World:
    return build_world(session, organisation, other_organisation)


def api(client, **params) -> dict:
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()


def test_results_facets_and_totals_match_the_page(client, world):
    data = api(client, q="revenue", province="KZN")

    assert data["total"] == 2
    assert data["matched"] == "all"
    assert data["filters"] == [{"facet": "province", "value": "KZN", "label": "KwaZulu-Natal"}]
    assert sorted(r["title"] for r in data["results"]) == [
        "Councillors carry the message",
        "Revenue roadshows in Msunduzi",
    ]
    facets = {facet["name"]: facet for facet in data["facets"]}
    assert {v["value"]: v["count"] for v in facets["type"]["values"]} == {
        "lesson": 1,
        "case_study": 1,
    }
    assert facets["province"]["values"] == [
        {"value": "KZN", "label": "KwaZulu-Natal", "count": 2, "selected": True}
    ]
    lesson = next(r for r in data["results"] if r["type"] == "lesson")
    assert lesson["url"] == f"/lessons/{world.observation_lesson.id}"
    assert lesson["details"] == [
        "Msunduzi Local Municipality",
        "KwaZulu-Natal",
        "2014",
        "Observation",
    ]
    # Found by its theme's name (index-only): the snippet is its summary, unmarked.
    assert lesson["snippet"].startswith("Ward councillors explaining tariffs")
    assert "<mark>" not in lesson["snippet"]


def test_an_attachment_match_names_the_file(client, world):
    [result] = api(client, q="indigent")["results"]

    assert result["found_in"] == {"name": "Roadshow report", "kind": "docx"}


def test_the_suggestion_and_the_any_word_fallback(client, session, world):
    add_lesson(session, world.msunduzi, "Sanitation budgets", "Plan sanitation with wards.")

    misspelt = api(client, q="sanitaton")
    broader = api(client, q="xyzzy roadshows")

    assert misspelt["results"] == []
    assert misspelt["suggestion"] == {"query": "sanitation", "total": 1}
    assert broader["matched"] == "any"
    assert [r["title"] for r in broader["results"]] == ["Revenue roadshows in Msunduzi"]


def test_members_see_more_through_the_api_too(client, world, member):
    assert api(client, q="engineer")["total"] == 0

    factories.sign_in(client, member)

    assert [r["title"] for r in api(client, q="engineer")["results"]] == ["Zola Ndlovu"]


def test_the_api_index_documents_search(client):
    index = client.get("/api/v1/").get_json()

    assert index["resources"]["search"].endswith("/api/v1/search?q=revenue")
    assert "type:, theme:, province:" in index["resources"]["search_help"]
