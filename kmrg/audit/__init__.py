"""The audit log of every state change made through a service."""

from flask import Blueprint, Flask

from kmrg.areas import add_template_permissions

blueprint = Blueprint("audit", __name__, url_prefix="/admin/audit")


def init_app(app: Flask) -> None:
    """Register the audit log's pages."""
    from kmrg.audit import permissions, views  # noqa: F401  (attach the routes)

    app.register_blueprint(blueprint)
    add_template_permissions(app, permissions)
