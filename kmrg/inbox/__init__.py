"""The Hub inbox: messages between members, starting with "Contact this expert"."""

from flask import Blueprint, Flask
from sqlalchemy.orm import Session

from kmrg.areas import DemoContext, add_demo_loader, add_template_permissions

blueprint = Blueprint("inbox", __name__)


def init_app(app: Flask) -> None:
    """Register the inbox and its demo conversations."""
    from kmrg.inbox import permissions, views  # noqa: F401  (attach the routes)
    from kmrg.inbox.models import Conversation
    from kmrg.inbox.services import MESSAGE_KIND
    from kmrg.notifications.registry import add_notification_kind

    app.register_blueprint(blueprint)
    add_template_permissions(app, permissions)
    add_notification_kind(
        app,
        MESSAGE_KIND,
        "A message or reply in your inbox",
        model=Conversation,
        can_view=permissions.can_view_conversation,
    )
    # The demo's messages are written to experts' profiles.
    add_demo_loader(app, "inbox", _load_demo, after=("experts",))


def _load_demo(session: Session, _context: DemoContext) -> None:
    from kmrg.inbox.demo import load_inbox_demo

    load_inbox_demo(session)
