"""The home page: what the reference group is, and the way into each working area."""

from __future__ import annotations

from flask import render_template

from kmrg.extensions import db
from kmrg.home import blueprint
from kmrg.organisations.queries import count_by_kind
from kmrg.themes.queries import list_themes


@blueprint.route("/")
def index():
    return render_template(
        "home/index.html",
        organisation_counts=count_by_kind(db.session),
        themes=list_themes(db.session),
    )
