"""Daily and weekly digests: each person's waiting notifications, with their content, in one e-mail.

Each person's digest is one transaction: the queued e-mail and the items marked digested commit
together, and the marking is a conditional UPDATE, so a second run (or two at once) never sends
an item twice, and a run that dies mid-way leaves the rest for the next.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.models import utcnow
from kmrg.notifications.emails import send_after_commit
from kmrg.notifications.models import Delivery, Notification
from kmrg.notifications.registry import registry_of
from kmrg.notifications.services import site_url
from kmrg.notifications.tokens import unsubscribe_url

DIGESTS = (Delivery.DAILY, Delivery.WEEKLY)


def waiting_recipient_ids(session: Session, frequency: Delivery) -> list[int]:
    """Return the people with notifications waiting for the `frequency` digest."""
    return list(
        session.scalars(
            select(Notification.recipient_id)
            .where(Notification.delivery == frequency, Notification.digested_at.is_(None))
            .distinct()
            .order_by(Notification.recipient_id)
        )
    )


def queue_digest(session: Session, recipient: User, frequency: Delivery) -> int:
    """Queue `recipient`'s `frequency` digest and mark its items digested; return how many.

    Returns 0 (and queues nothing) when nothing waits, or another run took the items first.
    """
    if frequency not in DIGESTS:
        raise ValueError(f"there is no {frequency} digest")
    items = list(
        session.scalars(
            select(Notification)
            .where(
                Notification.recipient_id == recipient.id,
                Notification.delivery == frequency,
                Notification.digested_at.is_(None),
            )
            .order_by(Notification.kind, Notification.created_at, Notification.id)
        )
    )
    if not items:
        return 0
    ids = [item.id for item in items]
    taken = session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.digested_at.is_(None))
        .values(digested_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != len(ids):
        raise DigestTaken
    if not recipient.is_active:
        return 0
    items = [item for item in items if still_visible(session, recipient, item)]
    if not items:
        return 0
    kinds = registry_of().kinds
    sections = [
        (kinds[kind].label if kind in kinds else kind, list(group))
        for kind, group in groupby(items, key=lambda item: item.kind)
    ]
    link = unsubscribe_url(recipient.id, f"digest:{frequency.value}")
    count = len(items)
    send_after_commit(
        session,
        recipient.email,
        f"Your {frequency.value} digest from the KMRG Knowledge Hub: "
        f"{count} new item{'' if count == 1 else 's'}",
        "notification_digest",
        with_html=True,
        unsubscribe_url=link,
        recipient=recipient,
        frequency=frequency.value,
        sections=sections,
        link_to=site_url,
        unsubscribe_link=link,
        preferences_link=site_url("/account/notifications"),
    )
    session.flush()
    return count


def still_visible(session: Session, recipient: User, item: Notification) -> bool:
    """Tell whether the recipient may still see the item's subject (when anyone can tell)."""
    registry = registry_of()
    kind = registry.kinds.get(item.kind)
    followable = registry.followables.get(item.subject_type)
    if kind is not None and kind.model is not None and kind.can_view is not None:
        model, can_view = kind.model, kind.can_view
    elif followable is not None:
        model, can_view = followable.model, followable.can_view
    else:
        return True  # its area checked at the time, and registered no way to ask again
    if item.subject_id is None:
        return True
    subject = session.get(model, item.subject_id)
    return subject is not None and bool(can_view(recipient, subject))


class DigestTaken(Exception):
    """Another run marked some of these items digested first: this run sends none of them."""


def send_digests(session: Session, frequency: Delivery, commit: Callable[[], None]) -> int:
    """Queue every waiting `frequency` digest, one transaction per person; return how many mails."""
    sent = 0
    for recipient_id in waiting_recipient_ids(session, frequency):
        recipient = session.get(User, recipient_id)
        try:
            queued = queue_digest(session, recipient, frequency) if recipient else 0
        except DigestTaken:
            session.rollback()
            continue
        commit()
        sent += 1 if queued else 0
    return sent
