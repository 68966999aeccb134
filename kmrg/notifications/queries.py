"""Read notifications, follows and preferences."""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.auth.models import AccountStatus, User
from kmrg.notifications.models import Delivery, Follow, Notification, NotificationPreference
from kmrg.notifications.registry import NotificationKind, followable_of, registry_of


def delivery_for(session: Session, user: User, kind: NotificationKind) -> Delivery:
    """Return how `user` wants `kind` delivered: their choice, else the kind's default."""
    chosen = session.scalar(
        select(NotificationPreference.delivery).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == kind.name
        )
    )
    return chosen or kind.default


def preferences_of(session: Session, user: User) -> dict[str, Delivery]:
    """Return every registered kind's delivery for `user`, in the kinds' label order."""
    chosen = dict(
        session.execute(
            select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    kinds = sorted(registry_of().kinds.values(), key=lambda kind: kind.label)
    return {kind.name: chosen.get(kind.name, kind.default) for kind in kinds}


def followers_of(session: Session, target_type: str, target_id: int) -> list[User]:
    """Return the active people following one record."""
    return list(
        session.scalars(
            select(User)
            .join(Follow, Follow.user_id == User.id)
            .where(
                Follow.target_type == target_type,
                Follow.target_id == target_id,
                User.status == AccountStatus.ACTIVE,
            )
            .order_by(User.id)
        )
    )


def is_following(session: Session, user: Any, target: Any) -> bool:
    """Tell whether `user` follows `target`."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        session.scalar(
            select(Follow.id).where(
                Follow.user_id == user.id,
                Follow.target_type == followable_of(target).name,
                Follow.target_id == target.id,
            )
        )
        is not None
    )


def list_notifications(session: Session, user: User, limit: int = 100) -> list[Notification]:
    """Return `user`'s newest notifications, newest first."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.recipient_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def count_unread(session: Session, user: Any) -> int:
    """Return how many of `user`'s notifications are unread (0 for a visitor)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return (
        session.scalar(
            select(func.count(Notification.id)).where(
                Notification.recipient_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def get_notification_or_404(session: Session, notification_id: int) -> Notification:
    """Return the notification, or abort with 404."""
    notification = session.get(Notification, notification_id)
    if notification is None:
        abort(404)
    return notification
