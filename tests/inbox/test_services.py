"""Writing to an expert, replying and reading, through the services (no HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kmrg.auth.models import AccountStatus, ProfileVisibility
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.inbox import services
from kmrg.inbox.models import Conversation, Message
from kmrg.inbox.queries import get_conversation_for, list_conversations, unread_count
from kmrg.inbox.services import ContactRequest, contact_expert, reply_to_conversation
from kmrg.models import utcnow
from tests import factories
from tests.experts.conftest import make_profile
from tests.inbox.conftest import (
    EXTERNAL_EMAIL,
    HIDDEN_EMAIL,
    HIDDEN_PHONE,
    make_external_profile,
    start_conversation,
)


def test_contacting_an_expert_starts_a_conversation_and_tells_both(
    session, member, expert, expert_profile, outbox
):
    conversation = start_conversation(session, member, expert_profile, subject="  Meter\naudit  ")

    assert conversation.subject == "Meter audit"
    assert conversation.starter == member
    assert conversation.recipient == expert
    assert conversation.recipient_email == ""
    assert conversation.preferred_dates == "Any Tuesday in March"
    [message] = conversation.messages
    assert message.sender == member
    assert message.body.startswith("We are starting a meter audit")

    sent = {message["To"]: message for message in outbox}
    assert set(sent) == {HIDDEN_EMAIL, member.email}
    to_expert, copy = sent[HIDDEN_EMAIL], sent[member.email]
    body = to_expert.get_content()
    assert "Sipho Member of Buffalo City Metropolitan Municipality" in body
    assert "Could we talk about sampling?" in body
    assert "Any Tuesday in March" in body
    assert f"http://hub.test/inbox/{conversation.id}" in body
    assert to_expert["Reply-To"] is None
    assert HIDDEN_EMAIL not in copy.as_string()
    assert HIDDEN_PHONE not in copy.get_content()


def test_an_external_expert_is_written_to_with_the_sender_as_reply_to(
    session, member, external_profile, outbox
):
    conversation = start_conversation(session, member, external_profile)

    assert conversation.recipient is None
    assert conversation.recipient_email == EXTERNAL_EMAIL
    sent = {message["To"]: message for message in outbox}
    assert set(sent) == {EXTERNAL_EMAIL, member.email}
    to_expert, copy = sent[EXTERNAL_EMAIL], sent[member.email]
    assert to_expert["Reply-To"] == f"Sipho Member <{member.email}>"
    body = to_expert.get_content()
    assert "Buffalo City Metropolitan Municipality" in body
    assert member.email in body
    assert "Thandi Champion" in body  # who keeps the profile, to withdraw consent
    assert EXTERNAL_EMAIL not in copy.as_string()
    assert "reply to you directly by e-mail" in copy.get_content()


def test_nothing_is_sent_when_the_request_rolls_back(session, member, expert_profile, outbox):
    contact_expert(session, member, expert_profile, ContactRequest("Hello", "A question."))
    session.rollback()
    assert outbox == []
    assert session.scalar(select(Conversation)) is None


@pytest.mark.parametrize(
    ("request_", "field", "message"),
    [
        (ContactRequest(" \n ", "Need"), "subject", "Give your message a subject."),
        (ContactRequest("x" * 201, "Need"), "subject", "Keep the subject under 200 characters."),
        (ContactRequest("Subject", "  \n\n "), "need", "Write your message."),
        (ContactRequest("Subject", "x" * 5001), "need", "Keep the message under 5000"),
        (ContactRequest("Subject", "Need", "y" * 201), "preferred_dates", "Keep the preferred"),
    ],
)
def test_contact_requests_are_validated(
    session, member, expert_profile, outbox, request_, field, message
):
    with pytest.raises(ValidationError) as raised:
        contact_expert(session, member, expert_profile, request_)
    assert raised.value.field == field
    assert raised.value.message.startswith(message)
    session.rollback()
    assert outbox == []


def test_nobody_writes_to_themselves(session, expert, expert_profile):
    with pytest.raises(PermissionDenied, match="your own profile"):
        contact_expert(session, expert, expert_profile, ContactRequest("Hi", "Me"))


@pytest.mark.parametrize("state", ["hidden", "members_but_anonymous_only", "disabled"])
def test_hidden_or_dormant_experts_are_refused(session, member, expert, admin, state):
    if state == "hidden":
        profile = make_profile(session, expert, visibility=ProfileVisibility.HIDDEN)
        sender = admin  # even someone who may look at it
    else:
        profile = make_profile(session, expert, visibility=ProfileVisibility.MEMBERS)
        sender = member
    if state == "disabled":
        expert.status = AccountStatus.DISABLED
        session.commit()
    if state == "members_but_anonymous_only":
        member.status = AccountStatus.PENDING
        session.commit()
    with pytest.raises(PermissionDenied):
        contact_expert(session, sender, profile, ContactRequest("Hi", "A question."))


def test_an_external_profile_without_an_address_is_refused(session, member, champion):
    profile = make_external_profile(session, champion, email="")
    with pytest.raises(PermissionDenied, match="has not recorded an e-mail address"):
        contact_expert(session, member, profile, ContactRequest("Hi", "A question."))


def _backdate(session, conversation, age: timedelta) -> None:
    when = utcnow() - age
    conversation.created_at = when
    for message in conversation.messages:
        message.created_at = when
    session.commit()


def test_at_most_three_conversations_a_day_with_one_expert(session, member, expert_profile):
    first = start_conversation(session, member, expert_profile)
    for _ in range(services.MAX_CONVERSATIONS_WITH_ONE_EXPERT - 1):
        start_conversation(session, member, expert_profile)
    with pytest.raises(ValidationError, match="written to Zanele Mokoena 3 times"):
        start_conversation(session, member, expert_profile)
    session.rollback()
    # The window rolls: once the first is over a day old, one more may go.
    _backdate(session, first, services.CONVERSATION_WINDOW + timedelta(minutes=1))
    start_conversation(session, member, expert_profile)


def test_at_most_ten_new_conversations_a_day(session, member, organisation):
    experts = [
        make_profile(session, factories.make_user(session, organisation=organisation))
        for _ in range(services.MAX_NEW_CONVERSATIONS + 1)
    ]
    conversations = [
        start_conversation(session, member, profile)
        for profile in experts[: services.MAX_NEW_CONVERSATIONS]
    ]
    with pytest.raises(ValidationError, match="started 10 conversations in the last 24 hours"):
        start_conversation(session, member, experts[-1])
    session.rollback()
    _backdate(session, conversations[0], services.CONVERSATION_WINDOW + timedelta(seconds=5))
    start_conversation(session, member, experts[-1])


def test_at_most_sixty_messages_an_hour(session, member, expert, expert_profile):
    conversation = start_conversation(session, member, expert_profile)
    for number in range(services.MAX_MESSAGES - 1):
        reply_to_conversation(session, member, conversation, f"Reply {number}")
    session.commit()
    # The first message and 59 replies make 60: the limit itself is allowed, one more is not.
    with pytest.raises(ValidationError, match="sent 60 messages in the last hour"):
        reply_to_conversation(session, member, conversation, "One too many")
    session.rollback()
    # The expert has a budget of their own.
    reply_to_conversation(session, expert, conversation, "Happy to help.")
    session.commit()
    oldest = session.scalars(
        select(Message).where(Message.sender_id == member.id).order_by(Message.id).limit(1)
    ).one()
    oldest.created_at = utcnow() - services.MESSAGE_WINDOW - timedelta(seconds=5)
    session.commit()
    reply_to_conversation(session, member, conversation, "Thank you!")


def test_a_reply_tells_the_other_participant(session, member, expert, expert_profile, outbox):
    conversation = start_conversation(session, member, expert_profile)
    outbox.clear()
    reply_to_conversation(session, expert, conversation, "Tuesday the 10th suits me.")
    session.commit()

    [notice] = outbox
    assert notice["To"] == member.email
    assert "Tuesday the 10th suits me." in notice.get_content()
    assert f"http://hub.test/inbox/{conversation.id}" in notice.get_content()
    assert HIDDEN_EMAIL not in notice.as_string()
    assert len(conversation.messages) == 2


@pytest.mark.parametrize("body", ["", "   ", "\n\n"])
def test_an_empty_reply_is_refused(session, member, expert, expert_profile, body):
    conversation = start_conversation(session, member, expert_profile)
    with pytest.raises(ValidationError, match="Write your message"):
        reply_to_conversation(session, expert, conversation, body)


def test_strangers_and_external_threads_take_no_reply(
    session, member, stranger, expert_profile, external_profile
):
    conversation = start_conversation(session, member, expert_profile)
    with pytest.raises(PermissionDenied):
        reply_to_conversation(session, stranger, conversation, "Butting in")
    external = start_conversation(session, member, external_profile)
    with pytest.raises(PermissionDenied):
        reply_to_conversation(session, member, external, "More")


def test_unread_follows_who_wrote_last_and_who_has_looked(session, member, expert, expert_profile):
    conversation = start_conversation(session, member, expert_profile)
    # The sender's own message is no news to them; it is to the expert.
    assert unread_count(session, member) == 0
    assert unread_count(session, expert) == 1
    [item] = list_conversations(session, expert).items
    assert item.is_unread and item.message_count == 1

    services.mark_conversation_read(session, expert, conversation)
    session.commit()
    assert unread_count(session, expert) == 0

    reply_to_conversation(session, expert, conversation, "Yes, gladly.")
    session.commit()
    assert unread_count(session, expert) == 0
    assert unread_count(session, member) == 1
    [item] = list_conversations(session, member).items
    assert item.is_unread and item.message_count == 2

    services.mark_conversation_read(session, member, conversation)
    session.commit()
    assert unread_count(session, member) == 0


def test_mark_read_refuses_strangers(session, member, stranger, expert_profile):
    conversation = start_conversation(session, member, expert_profile)
    with pytest.raises(PermissionDenied):
        services.mark_conversation_read(session, stranger, conversation)


def test_the_inbox_lists_newest_activity_first_and_pages(session, member, organisation):
    profiles = [
        make_profile(session, factories.make_user(session, organisation=organisation))
        for _ in range(3)
    ]
    first, second, third = (start_conversation(session, member, p) for p in profiles)
    reply_to_conversation(session, member, first, "Bumping this one.")
    session.commit()

    page = list_conversations(session, member, page=1, per_page=2)
    assert [item.conversation for item in page.items] == [first, third]
    assert (page.total, page.pages, page.has_next, page.has_prev) == (3, 2, True, False)
    page_two = list_conversations(session, member, page=2, per_page=2)
    assert [item.conversation for item in page_two.items] == [second]
    assert not page_two.has_next


def test_get_conversation_for_hides_other_peoples_threads(
    session, member, expert, admin, stranger, expert_profile
):
    conversation = start_conversation(session, member, expert_profile)
    assert get_conversation_for(session, member, conversation.id) == conversation
    assert get_conversation_for(session, expert, conversation.id) == conversation
    assert get_conversation_for(session, admin, conversation.id) is None
    assert get_conversation_for(session, stranger, conversation.id) is None
    assert get_conversation_for(session, member, conversation.id + 1000) is None


@pytest.mark.parametrize("name", ["Nomvula Ṱhivhulawi", 'Dlamini, Sipho "Bra Si"'])
def test_reply_to_keeps_one_address_whatever_the_name(
    session, organisation, external_profile, outbox, name
):
    sender = factories.make_user(
        session, name=name, email="sender@example.org", organisation=organisation
    )
    start_conversation(session, sender, external_profile)
    [to_expert] = [message for message in outbox if message["To"] == EXTERNAL_EMAIL]
    assert to_expert["Reply-To"].addresses[0].addr_spec == sender.email
    assert to_expert["Reply-To"].addresses[0].display_name == name
