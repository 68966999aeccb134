"""The one way areas tell people things: notify, notify followers, follow, preferences.

    notify(session, [author], "case_study_published", case_study, "Your case study was
           published", "/case-studies/x", actor=reviewer, can_view=can_view_case_study)

Everything is written in the caller's transaction (flush, never commit): a rolled-back change
tells nobody, and an e-mail leaves only after the commit (the mail outbox).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import utcnow
from kmrg.notifications.emails import send_after_commit
from kmrg.notifications.models import Delivery, Follow, Notification, NotificationPreference
from kmrg.notifications.permissions import can_follow, can_read_notification
from kmrg.notifications.queries import delivery_for, followers_of
from kmrg.notifications.registry import followable_of, kind_named, registry_of
from kmrg.notifications.tokens import unsubscribe_url
from kmrg.urls import external_url

# A notification's text is one line: the subject of its e-mail and a row of the list.
MAX_TEXT = 200
MAX_EXCERPT = 400


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _subject_key(subject: Any) -> tuple[str, int | None]:
    if subject is None:
        return "", None
    try:
        name = followable_of(subject).name
    except LookupError:
        name = getattr(subject, "__tablename__", type(subject).__name__.lower())
    return name, getattr(subject, "id", None)


def _visibility_check(subject: Any, can_view: Callable[[Any, Any], bool] | None) -> Any:
    if can_view is not None or subject is None:
        return can_view
    try:
        return followable_of(subject).can_view
    except LookupError:
        raise TypeError(
            "notify() needs can_view for a subject no area registered as followable"
        ) from None


def site_path(endpoint: str, **values: Any) -> str:
    """Return the path inside the Hub of an endpoint (what `notify` takes as `url`)."""
    link = external_url(endpoint, **values)
    return "/" + link.removeprefix(current_app.config["BASE_URL"])


def site_url(path: str) -> str:
    """Return the absolute address of a path inside the Hub, at its configured address."""
    return current_app.config["BASE_URL"] + path.lstrip("/")


def notify(
    session: Session,
    recipients: Iterable[User | None],
    kind: str,
    subject: Any,
    text: str,
    url: str,
    *,
    actor: Any,
    can_view: Callable[[Any, Any], bool] | None = None,
    excerpt: str = "",
    mail_template: str | None = None,
    mail_context: Mapping[str, Any] | None = None,
    mail_subject: str | None = None,
) -> list[Notification]:
    """Tell each recipient about `subject` (one line of `text`, a Hub path `url`); return them.

    An area whose e-mail says more than the line and excerpt (a message's text, who to reply
    to) names its own `mail_template` (templates/mail/<name>.txt) and `mail_context`; it gets
    `recipient`, `notification`, `link` and `unsubscribe_link` besides.

    Skips the actor (nobody is told of their own action), inactive accounts, repeats, and anyone
    `can_view(recipient, subject)` refuses (by default the followable's own check; a subject of
    no followable kind needs `can_view`). Those who want the kind at once are e-mailed after the
    commit; digest kinds wait for `kmrg notify digests`.
    """
    registered = kind_named(kind)
    check = _visibility_check(subject, can_view or registered.can_view)
    if not url.startswith("/"):
        raise ValueError(f"a notification links inside the Hub, not to {url!r}")
    subject_type, subject_id = _subject_key(subject)
    line = _one_line(text, MAX_TEXT)
    first_lines = _one_line(excerpt, MAX_EXCERPT)
    actor_id = getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None
    seen: set[int] = set()
    made: list[Notification] = []
    for recipient in recipients:
        if recipient is None or recipient.id in seen:
            continue
        seen.add(recipient.id)
        if recipient.id == actor_id or not recipient.is_active:
            continue
        if check is not None and not check(recipient, subject):
            continue
        delivery = delivery_for(session, recipient, registered)
        notification = Notification(
            recipient=recipient,
            actor_id=actor_id,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            text=line,
            excerpt=first_lines,
            url=url,
            delivery=delivery,
        )
        session.add(notification)
        made.append(notification)
        if delivery is Delivery.IMMEDIATELY:
            unsubscribe_link = unsubscribe_url(recipient.id, f"kind:{kind}")
            send_after_commit(
                session,
                recipient.email,
                mail_subject or line,
                mail_template or "notification",
                with_html=mail_template is None,
                unsubscribe_url=unsubscribe_link,
                **{
                    **(mail_context or {}),
                    "recipient": recipient,
                    "notification": notification,
                    "kind": registered,
                    "link": site_url(url),
                    "preferences_link": site_url("/account/notifications"),
                    "unsubscribe_link": unsubscribe_link,
                },
            )
    session.flush()
    return made


def notify_followers(
    session: Session,
    target: Any,
    kind: str,
    subject: Any,
    text: str,
    url: str,
    *,
    actor: Any,
    can_view: Callable[[Any, Any], bool] | None = None,
    excerpt: str = "",
) -> list[Notification]:
    """Tell everyone following `target` (a theme, an organisation, …) about `subject`.

    A follower hears of it only if they may still see `target` and may see `subject`.
    """
    followable = followable_of(target)
    subject_check = _visibility_check(subject, can_view or kind_named(kind).can_view)
    followers = [
        user
        for user in followers_of(session, followable.name, target.id)
        if followable.can_view(user, target)
    ]
    return notify(
        session,
        followers,
        kind,
        subject,
        text,
        url,
        actor=actor,
        can_view=subject_check,
        excerpt=excerpt,
    )


def follow(session: Session, actor: Any, target: Any) -> Follow:
    """Make `actor` follow `target` (again following it changes nothing)."""
    if not can_follow(actor, target):
        raise PermissionDenied
    name = followable_of(target).name
    existing = session.scalar(
        select(Follow).where(
            Follow.user_id == actor.id, Follow.target_type == name, Follow.target_id == target.id
        )
    )
    if existing is not None:
        return existing
    following = Follow(user_id=actor.id, target_type=name, target_id=target.id)
    session.add(following)
    session.flush()
    return following


def unfollow(session: Session, actor: Any, target: Any) -> None:
    """Stop `actor` following `target` (not following it changes nothing)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    name = followable_of(target).name
    existing = session.scalar(
        select(Follow).where(
            Follow.user_id == actor.id, Follow.target_type == name, Follow.target_id == target.id
        )
    )
    if existing is not None:
        session.delete(existing)
        session.flush()


def set_preferences(session: Session, actor: Any, choices: Mapping[str, Delivery]) -> None:
    """Store how `actor` wants each kind delivered; raise ValidationError for an unknown kind."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    kinds = registry_of().kinds
    for kind in choices:
        if kind not in kinds:
            raise ValidationError(f"There is no kind of notification called {kind!r}.")
    stored = {
        preference.kind: preference
        for preference in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == actor.id)
        )
    }
    for kind, delivery in choices.items():
        if kind in stored:
            stored[kind].delivery = Delivery(delivery)
        else:
            session.add(
                NotificationPreference(user_id=actor.id, kind=kind, delivery=Delivery(delivery))
            )
        _reroute_waiting(session, actor.id, kind, Delivery(delivery))
    session.flush()


def _reroute_waiting(session: Session, user_id: int, kind: str, delivery: Delivery) -> None:
    # What waits for a digest follows the new choice: into the other digest, or (for "at once"
    # or "nothing", whose moment has passed) into no e-mail at all.
    digests = (Delivery.DAILY, Delivery.WEEKLY)
    session.execute(
        update(Notification)
        .where(
            Notification.recipient_id == user_id,
            Notification.kind == kind,
            Notification.delivery.in_(digests),
            Notification.digested_at.is_(None),
        )
        .values(delivery=delivery if delivery in digests else Delivery.NEVER)
        .execution_options(synchronize_session=False)
    )


def unsubscribe(session: Session, user: User, scope: str) -> list[str]:
    """Turn off e-mail for `scope` (`kind:<name>`, `digest:daily|weekly`); return the kinds.

    Called from an e-mailed link without signing in: the signed token is the authority.
    """
    kinds = registry_of().kinds
    if scope.startswith("kind:"):
        names = [scope.removeprefix("kind:")] if scope.removeprefix("kind:") in kinds else []
    elif scope in ("digest:daily", "digest:weekly"):
        wanted = Delivery(scope.removeprefix("digest:"))
        names = [
            name for name, kind in kinds.items() if delivery_for(session, user, kind) is wanted
        ]
    else:
        names = []
    if names:
        set_preferences(session, user, dict.fromkeys(names, Delivery.NEVER))
    return names


def mark_read(session: Session, actor: Any, notification: Notification) -> None:
    """Mark one of the actor's notifications read."""
    if not can_read_notification(actor, notification):
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = utcnow()
    session.flush()


def mark_all_read(session: Session, actor: Any) -> int:
    """Mark every unread notification of the actor read; return how many."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    result = session.execute(
        update(Notification)
        .where(Notification.recipient_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return result.rowcount or 0
