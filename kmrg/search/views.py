"""The search page."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from kmrg.extensions import db
from kmrg.search import blueprint
from kmrg.search.pipeline import get_pipeline
from kmrg.search.queries import search_documents


@blueprint.route("/search")
def search():
    text = request.args.get("q", "")
    doc_type = request.args.get("type") or None
    page = request.args.get("page", 1, type=int) or 1
    results = search_documents(db.session, text, current_user, doc_type=doc_type, page=page)
    types = [(t.name, t.label) for t in get_pipeline().registry]
    return render_template("search/results.html", results=results, types=types, doc_type=doc_type)
