"""The expert locator: who in local government has done this before."""

from flask import Blueprint, Flask
from sqlalchemy.orm import Session

from kmrg.areas import (
    DemoContext,
    add_demo_loader,
    add_navigation,
    add_template_permissions,
)

blueprint = Blueprint("experts", __name__)


def init_app(app: Flask) -> None:
    """Register the expert locator: pages, search documents and demo profiles."""
    from kmrg.experts import permissions, views  # noqa: F401  (attach the routes)
    from kmrg.experts.endorsements import ENDORSED_KIND
    from kmrg.experts.models import ExpertProfile
    from kmrg.experts.search import register_search_documents
    from kmrg.notifications.registry import add_notification_kind

    app.register_blueprint(blueprint)
    register_search_documents()
    add_navigation(app, "experts.list_experts", "Experts", order=30)
    add_template_permissions(app, permissions)
    add_notification_kind(
        app,
        ENDORSED_KIND,
        "A new endorsement of your expertise",
        model=ExpertProfile,
        can_view=permissions.can_view_expert_profile,
    )
    # After the case studies and lessons, so the experts' evidence is already on record.
    add_demo_loader(app, "experts", _load_demo, after=("case studies",))


def _load_demo(session: Session, context: DemoContext) -> None:
    from kmrg.experts.demo import load_expert_demo

    load_expert_demo(session, context.password_hash)
