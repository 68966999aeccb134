"""Case studies: what a municipality did and what it learned, reviewed before publication."""

from flask import Blueprint, Flask
from sqlalchemy.orm import Session

from kmrg.areas import (
    DemoContext,
    add_demo_loader,
    add_navigation,
    add_template_permissions,
)

blueprint = Blueprint("casestudies", __name__)


def init_app(app: Flask) -> None:
    """Register case studies: pages, search, attachments, evidence, lesson source and demo."""
    from kmrg.casestudies import permissions, views  # noqa: F401  (attach the routes)
    from kmrg.casestudies.attachments import register_attachment_owner
    from kmrg.casestudies.expert_evidence import register_expert_evidence
    from kmrg.casestudies.lesson_source import register_case_study_source
    from kmrg.casestudies.notices import register_notification_kinds
    from kmrg.casestudies.search import register_search_documents

    app.register_blueprint(blueprint)
    register_search_documents()
    register_attachment_owner()
    register_expert_evidence()
    register_case_study_source()
    register_notification_kinds(app)
    add_navigation(app, "casestudies.list_case_studies", "Case studies", order=10)
    add_template_permissions(app, permissions)
    add_demo_loader(app, "case studies", _load_demo)


def _load_demo(session: Session, _context: DemoContext) -> None:
    from kmrg.casestudies.demo import load_case_study_demo

    load_case_study_demo(session)
