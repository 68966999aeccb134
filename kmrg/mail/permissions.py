"""Who may read the outbox. Message bodies hold password-reset links: administrators only."""

from __future__ import annotations

from typing import Any

from kmrg.auth.permissions import is_admin
from kmrg.mail.models import MailMessage, MailStatus


def can_view_outbox(user: Any) -> bool:
    """Administrators read the outbox, bodies included."""
    return is_admin(user)


def can_retry_message(user: Any, message: MailMessage) -> bool:
    """Administrators send a failed message again."""
    return is_admin(user) and message.status is MailStatus.FAILED
