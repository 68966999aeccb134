"""The administrators' dashboard, linking to each area's management pages."""

from flask import Blueprint, Flask

from kmrg.areas import add_template_permissions

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    """Register the administrators' dashboard."""
    from kmrg.admin import permissions, views  # noqa: F401  (attach the routes)

    app.register_blueprint(blueprint)
    add_template_permissions(app, permissions)
