"""Accounts, roles and signing in."""

from flask import Blueprint, Flask

from kmrg.areas import add_template_permissions

blueprint = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    """Register signing in, accounts, member profiles and their search documents."""
    from kmrg.auth import permissions, views
    from kmrg.auth.search import register_search_documents

    app.register_blueprint(blueprint)
    app.context_processor(views.account.logout_form_context)
    register_search_documents()
    add_template_permissions(app, permissions)
