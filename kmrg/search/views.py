"""The search page: /search, with facet links, help and did-you-mean, usable without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import render_template, request, url_for
from flask_login import current_user

from kmrg.database import writing_after_reads
from kmrg.extensions import db
from kmrg.search import blueprint
from kmrg.search.backend import Sort
from kmrg.search.queries import SearchPage, read_search_request, search_site
from kmrg.search.services import tally_search


def page_links(page: SearchPage) -> Callable[..., str]:
    """Return link(**changes): the URL of this search with facets, order or page changed.

    `link(theme="water")` chooses a value (replacing the facet's other ones), `link(theme=None)`
    drops the facet, `link(sort="newest")` reorders; every change but `page` starts at page 1.
    """
    base: dict[str, list[str]] = {}
    for chosen in page.query.filters:
        base.setdefault(chosen.facet, []).append(chosen.value)
    # A page has a few hundred facet links: the route is built once, each query string by hand.
    path = url_for("search.search")

    def link(**changes: str | int | None) -> str:
        args: dict[str, object] = {name: list(values) for name, values in base.items()}
        if page.text:
            args["q"] = page.text
        if page.sort is not Sort.RELEVANCE:
            args["sort"] = page.sort.value
        for name, value in changes.items():
            if value is None:
                args.pop(name, None)
            else:
                args[name] = value
        if "page" not in changes:
            args.pop("page", None)
        return f"{path}?{urlencode(args, doseq=True)}" if args else path

    return link


@blueprint.route("/search")
def search():
    page = search_site(db.session, current_user, read_search_request(request.args))
    if page.query.filters and page.page == 1 and not request.args.get("page"):
        with writing_after_reads(db.session):
            tally_search(db.session, page.query.filters)
            # Not committing(): a tally cannot be refused, and the search engine imports no area.
            db.session.commit()
    return render_template("search/results.html", page=page, link=page_links(page))
