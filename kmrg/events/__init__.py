"""Meeting records: the reference group's meetings, their agendas, annexures, attendance,
minutes, outcomes and action items, across a series of meetings.

These are meetings people hold, not audit events: what the Hub logs about changes lives in
kmrg.audit.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from sqlalchemy.orm import Session

from kmrg.areas import DemoContext

blueprint = Blueprint("events", __name__, url_prefix="/meetings")


def init_app(app: Flask) -> None:
    """Plug meetings in: pages, permissions, search, annexures, evidence, lessons, demo."""
    from kmrg.areas import add_demo_loader, add_navigation, add_template_permissions
    from kmrg.events import models as _models  # noqa: F401  (the tables, for the migrations check)
    from kmrg.events import permissions, views  # noqa: F401  (the views attach their routes)
    from kmrg.events.actions import ACTION_KIND
    from kmrg.events.annexures import register_attachment_owner
    from kmrg.events.expert_evidence import register_expert_evidence
    from kmrg.events.lesson_source import register_meeting_source
    from kmrg.events.models import ActionItem, MeetingSeries
    from kmrg.events.organisation_section import TEMPLATE, load_hosted_meetings
    from kmrg.events.search import register_search_documents
    from kmrg.notifications.registry import add_followable, add_notification_kind
    from kmrg.organisations.sections import add_organisation_section

    app.register_blueprint(blueprint)
    register_search_documents()
    add_navigation(app, "events.list_meetings", "Meetings", order=40)
    add_template_permissions(app, permissions)
    add_followable(
        app, "meeting_series", "Meeting series", MeetingSeries, can_view=permissions.can_view_series
    )
    add_notification_kind(
        app,
        ACTION_KIND,
        "A meeting's action item is assigned to you",
        model=ActionItem,
        can_view=permissions.can_view_action,
    )
    add_organisation_section(app, "meetings", TEMPLATE, load_hosted_meetings, order=20)
    register_attachment_owner()
    register_expert_evidence()
    register_meeting_source()
    # After the case studies and experts: a presentation becomes evidence on a profile.
    add_demo_loader(app, "meetings", _load_demo, after=("case studies", "experts"))


def _load_demo(session: Session, _context: DemoContext) -> None:
    from kmrg.events.annexure_demo import add_demo_annexures
    from kmrg.events.demo import load_meeting_demo

    load_meeting_demo(session, add_annexures=add_demo_annexures)
