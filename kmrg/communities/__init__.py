"""Communities of practice and of interest: people across member cities who learn together,
with their discussions, moderated by facilitators."""

from __future__ import annotations

from flask import Blueprint, Flask
from sqlalchemy.orm import Session

from kmrg.areas import DemoContext

blueprint = Blueprint("communities", __name__, url_prefix="/communities")


def init_app(app: Flask) -> None:
    """Plug communities in: pages, permissions, navigation, search, lesson source, demo."""
    from kmrg.areas import add_demo_loader, add_navigation, add_template_permissions
    from kmrg.communities import models as _models  # noqa: F401  (the tables, for the migrations check)
    from kmrg.communities import permissions, views  # noqa: F401  (the views attach their routes)
    from kmrg.communities.discussions import NEW_REPLY, NEW_TOPIC
    from kmrg.communities.lesson_source import register_topic_source
    from kmrg.communities.models import Community, Topic
    from kmrg.communities.search import register_search_documents
    from kmrg.notifications.registry import add_followable, add_notification_kind

    app.register_blueprint(blueprint)
    add_navigation(app, "communities.list_communities", "Communities", order=45)
    add_template_permissions(app, permissions)
    register_search_documents()
    register_topic_source()
    # Followed only by those who may read them, so a members-only community tells no one else.
    add_followable(
        app, "community", "Community", Community, can_view=permissions.can_read_community
    )
    add_followable(app, "community_topic", "Discussion", Topic, can_view=permissions.can_view_topic)
    add_notification_kind(app, NEW_TOPIC, "New discussions in communities you follow")
    add_notification_kind(app, NEW_REPLY, "Replies in discussions you follow")
    # After the records its communities link to as resources.
    add_demo_loader(app, "communities", _load_demo, after=("case studies", "experts", "meetings"))


def _load_demo(session: Session, _context: DemoContext) -> None:
    from kmrg.communities.demo import load_community_demo

    load_community_demo(session)
