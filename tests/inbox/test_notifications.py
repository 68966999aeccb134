"""A new message or reply notifies its recipient, in the Hub and by their preference."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kmrg.auth.models import ProfileVisibility
from kmrg.inbox.services import reply_to_conversation
from kmrg.notifications.models import Delivery, Notification
from kmrg.notifications.services import set_preferences
from tests import factories
from tests.inbox.conftest import start_conversation


def _notifications(session) -> list[Notification]:
    session.rollback()
    return list(session.scalars(select(Notification).order_by(Notification.id)))


def test_a_message_and_its_reply_notify_the_other_person(
    session, member, expert, expert_profile, outbox
):
    conversation = start_conversation(session, member, expert_profile)
    [told] = _notifications(session)
    assert told.recipient_id == expert.id and told.kind == "inbox_message"
    assert told.text == "New message in your inbox: Advice on a meter audit"
    assert told.url == f"/inbox/{conversation.id}"
    # The expert's own e-mail keeps the message's text; the sender gets a copy as before.
    to_expert = next(m for m in outbox if m["To"] == expert.email)
    assert "sampling" in to_expert.get_content()
    assert to_expert["List-Unsubscribe"]

    reply_to_conversation(session, expert, conversation, "Happy to: Tuesday at ten?")
    session.commit()
    reply = _notifications(session)[-1]
    assert reply.recipient_id == member.id
    assert reply.excerpt == "Happy to: Tuesday at ten?"


def test_a_member_who_chose_nothing_gets_the_notification_but_no_mail(
    session, member, expert, expert_profile, outbox
):
    set_preferences(session, expert, {"inbox_message": Delivery.NEVER})
    session.commit()
    start_conversation(session, member, expert_profile)
    assert [n.recipient_id for n in _notifications(session)] == [expert.id]
    assert expert.email not in [m["To"] for m in outbox]


@pytest.mark.parametrize(
    ("expert_shows", "sender_shows", "says"),
    [
        (False, False, "Neither of you sees the other’s e-mail address."),
        (True, False, "their profile shows you theirs"),
        (False, True, "your expert profile shows them yours"),
        (True, True, "your expert profiles show each of you the other’s"),
    ],
)
def test_the_contact_page_says_truly_who_sees_whose_e_mail_address(
    client, session, member, expert, expert_shows, sender_shows, says
):
    from kmrg.experts.models import ContactVisibility
    from tests.experts.conftest import make_profile

    def shown(yes: bool) -> ContactVisibility:
        return ContactVisibility.MEMBERS if yes else ContactVisibility.NOBODY

    profile = make_profile(
        session, expert, visibility=ProfileVisibility.MEMBERS, email_visibility=shown(expert_shows)
    )
    make_profile(
        session, member, visibility=ProfileVisibility.MEMBERS, email_visibility=shown(sender_shows)
    )
    factories.sign_in(client, member)
    page = client.get(f"/experts/{profile.slug}/contact").get_data(as_text=True)
    assert says in " ".join(page.split())
    if says != "Neither of you sees the other’s e-mail address.":
        assert "Neither of you" not in page
