"""Documented lessons, each its own record, and "adapted here" records of reused case studies."""

from flask import Blueprint, Flask

from kmrg.areas import add_navigation, add_template_permissions

blueprint = Blueprint("lessons", __name__)


def init_app(app: Flask) -> None:
    """Register lessons: pages, search documents and lessons as evidence of expertise."""
    from kmrg.lessons import permissions, views  # noqa: F401  (attach the routes)
    from kmrg.lessons.expert_evidence import register_expert_evidence
    from kmrg.lessons.models import Lesson
    from kmrg.lessons.search import register_search_documents
    from kmrg.lessons.services import PUBLISHED_KIND
    from kmrg.notifications.registry import add_notification_kind

    app.register_blueprint(blueprint)
    register_search_documents()
    register_expert_evidence()
    add_navigation(app, "lessons.list_lessons", "Lessons", order=20)
    add_template_permissions(app, permissions)
    add_notification_kind(
        app,
        PUBLISHED_KIND,
        "Your lesson was published",
        model=Lesson,
        can_view=permissions.can_view_lesson,
    )
