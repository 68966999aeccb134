"""Mail: the SMTP transport, the outbox of every message the Hub sends, and its admin page.

One package rather than a mail module beside an outbox area: the transport, the table, its
delivery and the page that shows it change together when mail changes.
"""

from flask import Blueprint, Flask

from kmrg.areas import add_template_permissions

# The transport's names stay importable from kmrg.mail, where they lived before the outbox.
from kmrg.mail.transport import (
    DEFAULT_SENDER,
    MailError,
    MailSettings,
    build_message,
    deliver,
    send_mail,
)

__all__ = [
    "DEFAULT_SENDER",
    "MailError",
    "MailSettings",
    "blueprint",
    "build_message",
    "deliver",
    "init_app",
    "send_mail",
]

blueprint = Blueprint("mail", __name__, url_prefix="/admin/mail")


def init_app(app: Flask) -> None:
    """Register the outbox page (the sweep that sends due mail starts in kmrg.app.register_mail)."""
    from kmrg.mail import permissions, views  # noqa: F401  (attach the routes)

    app.register_blueprint(blueprint)
    add_template_permissions(app, permissions)
