"""The search engine: registry, index backends, capture hooks, indexer and the search page.

It imports no feature area: each area describes its own documents in its search.py.
"""

from flask import Blueprint, Flask

from kmrg.areas import add_navigation

blueprint = Blueprint("search", __name__)


def init_app(app: Flask) -> None:
    """Register the search page (the engine itself starts in kmrg.app.register_search)."""
    from kmrg.search import views  # noqa: F401  (attaches the routes)

    app.register_blueprint(blueprint)
    add_navigation(app, "search.search", "Search", order=90)
