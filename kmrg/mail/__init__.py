"""Mail: the SMTP transport, the outbox of every message the Hub sends, and its admin page.

One package rather than a mail module beside an outbox area: the transport, the table, its
delivery and the page that shows it change together when mail changes.
"""

from flask import Blueprint

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
    "send_mail",
]

blueprint = Blueprint("mail", __name__, url_prefix="/admin/mail")
