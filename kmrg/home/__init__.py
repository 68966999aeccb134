"""The public home page."""

from flask import Blueprint, Flask

blueprint = Blueprint("home", __name__)


def init_app(app: Flask) -> None:
    """Register the home page."""
    from kmrg.home import views  # noqa: F401  (attaches the routes)

    app.register_blueprint(blueprint)
