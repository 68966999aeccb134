"""Who may follow what and read which notifications (pure functions)."""

from __future__ import annotations

from typing import Any

from kmrg.notifications.models import Notification
from kmrg.notifications.registry import followable_of


def _is_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def can_have_notifications(user: Any) -> bool:
    """Every active member has a list of notifications and preferences."""
    return _is_active(user)


def can_read_notification(user: Any, notification: Notification) -> bool:
    """Only its recipient reads (and marks) a notification."""
    return _is_active(user) and notification.recipient_id == user.id


def can_follow(user: Any, target: Any) -> bool:
    """An active member follows what they may see, of a kind an area made followable."""
    if not _is_active(user):
        return False
    try:
        followable = followable_of(target)
    except LookupError:
        return False
    return bool(followable.can_view(user, target))
