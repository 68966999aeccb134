"""The home page: what the reference group is, and the way into each working area."""

from __future__ import annotations

from flask import render_template

from kmrg.casestudies.queries import count_published_case_studies, feed_case_studies
from kmrg.extensions import db
from kmrg.home import blueprint
from kmrg.organisations.queries import count_by_kind
from kmrg.themes.queries import list_themes


@blueprint.route("/")
def index():
    return render_template(
        "home/index.html",
        case_study_count=count_published_case_studies(db.session),
        latest_case_studies=feed_case_studies(db.session, limit=5),
        organisation_counts=count_by_kind(db.session),
        themes=list_themes(db.session),
    )
