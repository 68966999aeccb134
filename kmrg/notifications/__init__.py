"""Notifications: the one service areas tell people through, follows, preferences, digests.

Areas register the kinds they send and the things people may follow (kmrg.notifications.registry)
in their own init_app, and call kmrg.notifications.services.notify / notify_followers. The mail
helpers that queue e-mail after the commit live in kmrg.notifications.emails (re-exported here,
where they lived before this package).
"""

from flask import Blueprint, Flask

from kmrg.areas import add_template_permissions
from kmrg.notifications.emails import dropping_mail, send_after_commit
from kmrg.notifications.models import Delivery
from kmrg.notifications.registry import add_followable, add_notification_kind

__all__ = [
    "Delivery",
    "add_followable",
    "add_notification_kind",
    "blueprint",
    "dropping_mail",
    "init_app",
    "send_after_commit",
]

blueprint = Blueprint("notifications", __name__)


def init_app(app: Flask) -> None:
    """Register the notification pages and the unsubscribe link (kmrg.cli adds the command)."""
    from kmrg.notifications import permissions, views  # noqa: F401  (attach the routes)

    app.register_blueprint(blueprint)
    add_template_permissions(app, permissions)
