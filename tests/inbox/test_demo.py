"""`kmrg demo` adds a few conversations through "Contact this expert", once."""

from __future__ import annotations

from sqlalchemy import func, select

from kmrg.auth.models import User
from kmrg.demo import load_demo
from kmrg.inbox.demo import CONVERSATIONS, load_inbox_demo
from kmrg.inbox.models import Conversation, Message
from tests import factories

PASSWORD = "demo-password-for-tests"


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_demo_conversations_reach_the_expert_once_and_the_answer_comes_back(
    client, session, monkeypatch, outbox
):
    monkeypatch.setenv("KMRG_DEMO_PASSWORD", PASSWORD)
    load_demo(session)
    session.commit()
    assert outbox == []  # nothing is sent to invented people
    assert count(session, Conversation) == len(CONVERSATIONS) >= 2
    messages = count(session, Message)
    assert load_inbox_demo(session) == 0
    assert count(session, Message) == messages

    for demo in CONVERSATIONS:
        conversation = session.scalar(
            select(Conversation).where(Conversation.subject == demo.subject)
        )
        assert conversation.starter.email == demo.sender
        assert conversation.recipient.email == demo.expert
        bodies = [message.body for message in conversation.messages]
        assert bodies == [demo.body] + ([demo.reply] if demo.reply else [])
    expert = session.scalar(select(User).where(User.email == "member.mangaung@example.org"))
    factories.sign_in(client, expert, PASSWORD)
    assert "Planning a data-cleansing sprint" in client.get("/inbox/").get_data(as_text=True)
