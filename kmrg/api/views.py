"""Public reference data and search as JSON, for partners' own tools."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from kmrg.api import blueprint
from kmrg.extensions import csrf, db
from kmrg.organisations.queries import get_organisation_by_code, organisations_by_province
from kmrg.search.queries import SearchPage, read_search_request, search_site
from kmrg.themes.queries import list_themes
from kmrg.urls import external_url

csrf.exempt(blueprint)  # read-only: every route is GET


@blueprint.route("/")
def index():
    return jsonify(
        {
            "name": "KMRG Knowledge Hub API",
            "version": 1,
            "resources": {
                "organisations": external_url("api.list_organisations"),
                "organisation": external_url("api.show_organisation", code="BUF"),
                "themes": external_url("api.list_themes"),
                "search": external_url("api.search", q="revenue"),
                "search_help": (
                    'q: all words must match; "exact phrase", -excluded, a OR b, and filters '
                    "type:, theme:, province:, category:, org:, year:, stage:. Facet parameters "
                    "(type, theme, province, category, org, year, stage) narrow as the page's "
                    "links do; sort=newest; page=N. Results, total, facets and the did-you-mean "
                    "suggestion follow the same permissions as the search page."
                ),
            },
        }
    )


def _organisation_json(organisation) -> dict:
    return {
        "code": organisation.code,
        "name": organisation.name,
        "kind": organisation.kind.value,
        "category": organisation.category,
        "province": organisation.province.value if organisation.province else None,
        "district": organisation.district.code if organisation.district else None,
        "is_retired": organisation.is_retired,
        "url": external_url("organisations.show_organisation", code=organisation.code),
    }


@blueprint.route("/organisations")
def list_organisations():
    grouped = organisations_by_province(db.session)
    items = [
        _organisation_json(organisation)
        for kinds in grouped.values()
        for organisations in kinds.values()
        for organisation in organisations
    ]
    return jsonify({"count": len(items), "items": items})


@blueprint.route("/organisations/<code>")
def show_organisation(code: str):
    organisation = get_organisation_by_code(db.session, code)
    if organisation is None:
        return jsonify({"error": "Not found", "status": 404}), 404
    return jsonify(_organisation_json(organisation))


@blueprint.route("/themes", endpoint="list_themes")
def list_themes_json():
    return jsonify(
        {
            "items": [
                {"slug": t.slug, "name": t.name, "description": t.description}
                for t in list_themes(db.session)
            ]
        }
    )


@blueprint.route("/search")
def search():
    page = search_site(db.session, current_user, read_search_request(request.args))
    return jsonify(search_page_json(page))


def search_page_json(page: SearchPage) -> dict:
    """Return a search page as JSON: the same results, facets and suggestion as the page."""
    return {
        "query": page.text,
        "filters": [{"facet": f.facet, "value": f.value, "label": f.label} for f in page.filters],
        "notes": list(page.notes),
        "sort": page.sort.value,
        "total": page.total,
        "matched": "any" if page.matched_any else "all",
        "page": page.page,
        "pages": page.pages,
        "suggestion": (
            {"query": page.suggestion.text, "total": page.suggestion.total}
            if page.suggestion
            else None
        ),
        "facets": [
            {
                "name": facet.name,
                "label": facet.label,
                "values": [
                    {
                        "value": option.value,
                        "label": option.label,
                        "count": option.count,
                        "selected": option.selected,
                    }
                    for option in facet.options
                ],
            }
            for facet in page.facets
        ],
        "results": [
            {
                "type": result.doc_type,
                "type_label": result.type_label,
                "title": result.title,
                "url": result.url,
                "snippet": str(result.snippet),
                "found_in": (
                    {"name": result.found_in.name, "kind": result.found_in.kind}
                    if result.found_in
                    else None
                ),
                "details": list(result.details),
                "facets": {name: list(values) for name, values in result.facets.items()},
                "date": result.date.isoformat() if result.date else None,
            }
            for result in page.results
        ],
    }
