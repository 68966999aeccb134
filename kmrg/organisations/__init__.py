"""Organisations in the network: municipalities and partners."""

from flask import Blueprint, Flask

from kmrg.areas import add_navigation, add_template_permissions

blueprint = Blueprint("organisations", __name__)


def init_app(app: Flask) -> None:
    """Register the organisations' pages and the place facets of search."""
    from kmrg.notifications.registry import add_followable
    from kmrg.organisations import permissions, views  # noqa: F401  (attach the routes)
    from kmrg.organisations.models import Organisation
    from kmrg.organisations.search import register_search_facets

    app.register_blueprint(blueprint)
    register_search_facets()
    add_navigation(app, "organisations.list_organisations", "Organisations", order=50)
    add_template_permissions(app, permissions)
    add_followable(
        app,
        "organisation",
        "Organisation",
        Organisation,
        can_view=permissions.can_view_organisation,
    )
