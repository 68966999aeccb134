"""The read-only JSON API, version 1."""

from flask import Blueprint, Flask

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    """Register the JSON API."""
    from kmrg.api import views  # noqa: F401  (attaches the routes)

    app.register_blueprint(blueprint)
