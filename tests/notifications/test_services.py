"""The notification service: who is told, who is not, and how (no HTTP)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.auth.models import AccountStatus, User
from kmrg.exceptions import PermissionDenied
from kmrg.notifications import services
from kmrg.notifications.models import Delivery, Notification
from kmrg.notifications.queries import (
    count_unread,
    followers_of,
    is_following,
    list_notifications,
    preferences_of,
)
from kmrg.themes.models import Theme
from tests import factories
from tests.notifications.conftest import DIGEST_KIND, KIND

pytestmark = pytest.mark.usefixtures("kinds")


def _tell(session: Session, recipients, subject, *, actor, **kwargs) -> list[Notification]:
    made = services.notify(
        session,
        recipients,
        KIND,
        subject,
        "New in Revenue enhancement",
        "/themes/",
        actor=actor,
        **kwargs,
    )
    session.commit()
    return made


def test_notify_writes_a_row_and_emails_after_the_commit(
    session: Session, theme: Theme, follower: User, admin: User, outbox: list
) -> None:
    made = services.notify(
        session,
        [follower],
        KIND,
        theme,
        "A new case study on property rates",
        "/themes/",
        actor=admin,
        excerpt="Buffalo City raised collection by\n12 per cent.",
    )
    assert outbox == []  # nothing leaves before the commit
    session.commit()
    assert [n.recipient_id for n in made] == [follower.id]
    [message] = outbox
    assert message["To"] == follower.email
    assert message["Subject"] == "A new case study on property rates"
    assert message["List-Unsubscribe"].startswith("<http://hub.test/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    assert "Buffalo City raised collection by 12 per cent." in text
    assert "http://hub.test/themes/" in text
    assert "http://hub.test/themes/" in message.get_body(("html",)).get_content()


def test_a_rolled_back_change_tells_nobody(
    session: Session, theme: Theme, follower: User, admin: User, outbox: list
) -> None:
    services.notify(session, [follower], KIND, theme, "Gone", "/themes/", actor=admin)
    session.rollback()
    assert session.scalars(select(Notification)).all() == []
    assert outbox == []


def test_nobody_is_told_of_their_own_action(
    session: Session, theme: Theme, follower: User, outbox: list
) -> None:
    assert _tell(session, [follower], theme, actor=follower) == []
    assert outbox == []


def test_inactive_people_and_repeats_are_skipped(
    session: Session, theme: Theme, follower: User, admin: User
) -> None:
    disabled = factories.make_user(session, status=AccountStatus.DISABLED)
    made = _tell(session, [follower, follower, disabled, None], theme, actor=admin)
    assert [n.recipient_id for n in made] == [follower.id]


def test_nobody_is_told_of_what_they_may_not_see(
    session: Session, theme: Theme, follower: User, member: User, admin: User, outbox: list
) -> None:
    made = _tell(
        session,
        [follower, member],
        theme,
        actor=admin,
        can_view=lambda user, _: user.id == member.id,
    )
    assert [n.recipient_id for n in made] == [member.id]
    assert [m["To"] for m in outbox] == [member.email]


def test_a_subject_nobody_registered_needs_a_visibility_check(
    session: Session, follower: User, admin: User
) -> None:
    with pytest.raises(TypeError, match="can_view"):
        services.notify(session, [follower], KIND, object(), "x", "/", actor=admin)


def test_an_unregistered_kind_is_refused(session: Session, theme: Theme, follower: User) -> None:
    with pytest.raises(LookupError, match="no_such_kind"):
        services.notify(session, [follower], "no_such_kind", theme, "x", "/", actor=None)


def test_digest_kinds_and_nothing_send_no_mail_now(
    session: Session, theme: Theme, follower: User, admin: User, outbox: list
) -> None:
    services.set_preferences(session, follower, {KIND: Delivery.NEVER})
    services.notify(session, [follower], KIND, theme, "Quiet", "/themes/", actor=admin)
    services.notify(session, [follower], DIGEST_KIND, theme, "Later", "/themes/", actor=admin)
    session.commit()
    assert outbox == []
    deliveries = {n.text: n.delivery for n in list_notifications(session, follower)}
    assert deliveries == {"Quiet": Delivery.NEVER, "Later": Delivery.DAILY}


def test_preferences_default_to_the_kind_and_keep_the_choice(
    session: Session, follower: User
) -> None:
    assert preferences_of(session, follower)[DIGEST_KIND] is Delivery.DAILY
    services.set_preferences(session, follower, {DIGEST_KIND: Delivery.WEEKLY})
    session.commit()
    assert preferences_of(session, follower)[DIGEST_KIND] is Delivery.WEEKLY


def test_followers_hear_of_what_happens_to_what_they_follow(
    session: Session, theme: Theme, follower: User, member: User, admin: User
) -> None:
    services.follow(session, follower, theme)
    services.follow(session, follower, theme)  # again: nothing changes
    session.commit()
    assert is_following(session, follower, theme)
    assert followers_of(session, "theme", theme.id) == [follower]

    made = services.notify_followers(
        session, theme, KIND, theme, "New in the theme", "/themes/", actor=admin
    )
    session.commit()
    assert [n.recipient_id for n in made] == [follower.id]

    services.unfollow(session, follower, theme)
    session.commit()
    assert not is_following(session, follower, theme)


def test_visitors_may_not_follow(session: Session, theme: Theme) -> None:
    from flask_login import AnonymousUserMixin

    with pytest.raises(PermissionDenied):
        services.follow(session, AnonymousUserMixin(), theme)


def test_marking_read(
    session: Session, theme: Theme, follower: User, member: User, admin: User
) -> None:
    (first,) = _tell(session, [follower], theme, actor=admin)
    _tell(session, [follower], theme, actor=admin)
    assert count_unread(session, follower) == 2
    with pytest.raises(PermissionDenied):
        services.mark_read(session, member, first)
    services.mark_read(session, follower, first)
    session.commit()
    assert count_unread(session, follower) == 1
    assert services.mark_all_read(session, follower) == 1
    session.commit()
    assert count_unread(session, follower) == 0
