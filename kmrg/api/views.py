"""Public reference data and search as JSON, for partners' own tools."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_login import current_user

from kmrg.api import blueprint
from kmrg.extensions import csrf, db
from kmrg.organisations.queries import get_organisation_by_code, organisations_by_province
from kmrg.search.queries import search_documents
from kmrg.themes.queries import list_themes

csrf.exempt(blueprint)  # read-only: every route is GET


@blueprint.route("/")
def index():
    return jsonify(
        {
            "name": "KMRG Knowledge Hub API",
            "version": 1,
            "resources": {
                "organisations": url_for("api.list_organisations", _external=True),
                "organisation": url_for("api.show_organisation", code="BUF", _external=True),
                "themes": url_for("api.list_themes", _external=True),
                "search": url_for("api.search", q="revenue", _external=True),
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
        "url": url_for("organisations.show_organisation", code=organisation.code, _external=True),
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
    page = search_documents(
        db.session,
        request.args.get("q", ""),
        current_user,
        doc_type=request.args.get("type") or None,
        page=request.args.get("page", 1, type=int) or 1,
    )
    return jsonify(
        {
            "query": page.query,
            "total": page.total,
            "page": page.page,
            "pages": page.pages,
            "results": [
                {"type": r.doc_type, "title": r.title, "url": r.url, "snippet": str(r.snippet)}
                for r in page.results
            ],
        }
    )
