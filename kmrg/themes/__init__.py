"""The shared taxonomy of knowledge themes."""

from flask import Blueprint, Flask

from kmrg.areas import add_navigation, add_template_permissions

blueprint = Blueprint("themes", __name__)


def init_app(app: Flask) -> None:
    """Register the themes' pages and the theme facet of search."""
    from kmrg.notifications.registry import add_followable
    from kmrg.themes import permissions, views  # noqa: F401  (attach the routes)
    from kmrg.themes.models import Theme
    from kmrg.themes.search import register_search_facets

    app.register_blueprint(blueprint)
    register_search_facets()
    add_navigation(app, "themes.list_themes", "Themes", order=60)
    add_template_permissions(app, permissions)
    add_followable(app, "theme", "Theme", Theme, can_view=permissions.can_view_theme)
