"""Contact form, inbox, conversation and reply pages through the Flask test client."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kmrg.auth.models import AccountStatus, ProfileVisibility, User
from kmrg.database import write_transactions
from kmrg.extensions import db
from kmrg.inbox.models import Conversation
from tests import factories
from tests.experts.conftest import make_profile
from tests.factories import post, sign_in
from tests.inbox.conftest import (
    EXTERNAL_EMAIL,
    HIDDEN_EMAIL,
    HIDDEN_PHONE,
    make_external_profile,
    start_conversation,
)

FORM = {
    "subject": "Advice on a meter audit",
    "need": "We are starting a meter audit.\n\nCould we talk about sampling?",
    "preferred_dates": "Any Tuesday in March",
}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _conversation_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Conversation.id)))


def _assert_nothing_hidden(text: str) -> None:
    assert HIDDEN_EMAIL not in text
    assert HIDDEN_PHONE not in text
    assert EXTERNAL_EMAIL not in text


def test_anonymous_visitors_are_sent_to_sign_in(client, expert_profile):
    for response in (
        client.get(f"/experts/{expert_profile.slug}/contact"),
        post(client, f"/experts/{expert_profile.slug}/contact", FORM),
        client.get("/inbox/"),
        client.get("/inbox/1"),
        post(client, "/inbox/1/reply", {"body": "x"}),
    ):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_a_member_writes_to_an_expert_and_finds_the_thread(
    client, session, member, expert_profile, outbox
):
    sign_in(client, member)
    form_page = client.get(f"/experts/{expert_profile.slug}/contact")
    assert form_page.status_code == 200
    assert "Write to Zanele Mokoena" in _text(form_page)
    assert "Neither of you sees the other’s e-mail address" in _text(form_page)
    _assert_nothing_hidden(_text(form_page))

    response = post(client, f"/experts/{expert_profile.slug}/contact", FORM)
    assert response.status_code == 302
    conversation = session.scalar(select(Conversation))
    assert response.headers["Location"].endswith(f"/inbox/{conversation.id}")

    thread = client.get(response.headers["Location"])
    text = _text(thread)
    assert "Your message to Zanele Mokoena is sent." in text
    assert "Advice on a meter audit" in text
    assert "Could we talk about sampling?" in text
    assert "Any Tuesday in March" in text
    _assert_nothing_hidden(text)
    inbox = _text(client.get("/inbox/"))
    assert "To Zanele Mokoena" in inbox
    assert "1 conversation, 0 unread" in inbox
    _assert_nothing_hidden(inbox)
    for message in outbox:
        if message["To"] != HIDDEN_EMAIL:
            _assert_nothing_hidden(message.as_string())


def test_the_form_shows_the_validation_messages(client, session, member, expert_profile):
    sign_in(client, member)
    response = post(client, f"/experts/{expert_profile.slug}/contact", {"subject": "", "need": " "})
    assert response.status_code == 400
    assert "Give your message a subject." in _text(response)
    assert "Write your message." in _text(response)
    assert _conversation_count(session) == 0


def test_a_reached_limit_is_explained_on_the_form(client, session, member, expert_profile):
    for _ in range(3):
        start_conversation(session, member, expert_profile)
    sign_in(client, member)
    response = post(client, f"/experts/{expert_profile.slug}/contact", FORM)
    assert response.status_code == 400
    assert "written to Zanele Mokoena 3 times in the last 24 hours" in _text(response)
    assert _conversation_count(session) == 3


def test_a_form_without_its_csrf_token_is_refused(client, session, member, expert_profile):
    sign_in(client, member)
    response = client.post(f"/experts/{expert_profile.slug}/contact", data=FORM)
    assert response.status_code == 400
    assert "The form had expired" in _text(response)
    assert _conversation_count(session) == 0


@pytest.mark.parametrize("state", ["hidden", "owner_disabled"])
def test_a_profile_the_sender_cannot_see_is_not_found(client, session, member, expert, state):
    visibility = ProfileVisibility.HIDDEN if state == "hidden" else ProfileVisibility.MEMBERS
    profile = make_profile(session, expert, visibility=visibility)
    if state == "owner_disabled":
        expert.status = AccountStatus.DISABLED
        session.commit()
    sign_in(client, member)
    assert client.get(f"/experts/{profile.slug}/contact").status_code == 404
    assert post(client, f"/experts/{profile.slug}/contact", FORM).status_code == 404
    assert client.get("/experts/no-such-person/contact").status_code == 404
    assert _conversation_count(session) == 0


def test_an_administrator_who_sees_a_hidden_profile_still_may_not_write(
    client, session, admin, expert
):
    profile = make_profile(session, expert, visibility=ProfileVisibility.HIDDEN)
    sign_in(client, admin)
    response = client.get(f"/experts/{profile.slug}/contact")
    assert response.status_code == 403
    assert "hidden their profile" in _text(response)
    assert post(client, f"/experts/{profile.slug}/contact", FORM).status_code == 403
    assert _conversation_count(session) == 0


def test_writing_to_oneself_is_refused_with_a_reason(client, session, expert, expert_profile):
    sign_in(client, expert)
    response = client.get(f"/experts/{expert_profile.slug}/contact")
    assert response.status_code == 403
    assert "This is your own profile." in _text(response)
    assert post(client, f"/experts/{expert_profile.slug}/contact", FORM).status_code == 403
    assert _conversation_count(session) == 0


def test_the_external_form_warns_what_is_passed_on(client, session, member, external_profile):
    sign_in(client, member)
    text = _text(client.get(f"/experts/{external_profile.slug}/contact"))
    assert "Themba Dlamini has no account on the Hub" in text
    assert "your name, your organisation" in text
    assert member.email in text
    _assert_nothing_hidden(text)

    response = post(client, f"/experts/{external_profile.slug}/contact", FORM)
    thread = _text(client.get(response.headers["Location"]))
    assert "reply to you directly by e-mail" in thread
    assert 'name="body"' not in thread  # no reply form: the answer comes by e-mail
    _assert_nothing_hidden(thread)
    _assert_nothing_hidden(_text(client.get("/inbox/")))


def test_an_external_profile_without_an_address_explains_why(client, session, member, champion):
    profile = make_external_profile(session, champion, email="")
    sign_in(client, member)
    response = client.get(f"/experts/{profile.slug}/contact")
    assert response.status_code == 403
    assert "has not recorded an e-mail address" in _text(response)


def _unread_label(client) -> str | None:
    match = re.search(r">Inbox(?: \((\d+) unread\))?</a>", _text(client.get("/")))
    assert match, "the header has an Inbox link"
    return match.group(1)


def test_unread_marker_and_header_count_go_away_after_opening(
    app, session, member, expert, expert_profile
):
    conversation = start_conversation(session, member, expert_profile)
    expert_client = app.test_client()
    sign_in(expert_client, expert)
    assert _unread_label(expert_client) == "1"
    inbox = _text(expert_client.get("/inbox/"))
    assert "Unread" in inbox
    # Linked: the member lets members see their profile (tests/test_people_visibility.py).
    link = f'<a href="/people/{member.id}">Sipho Member</a>'
    assert f"From {link}, Buffalo City Metropolitan Municipality" in inbox
    assert "1 conversation, 1 unread" in inbox

    thread = expert_client.get(f"/inbox/{conversation.id}")
    assert thread.status_code == 200
    assert "Sipho Member wrote to you" in _text(thread)
    assert _unread_label(expert_client) is None
    assert "Unread" not in _text(expert_client.get("/inbox/"))


def test_opening_a_thread_marks_it_read_while_another_worker_writes(
    app, session, member, expert, expert_profile, monkeypatch
):
    """Marking read writes after the page's reads: it must wait its turn, never fail (SQLite)."""
    from kmrg.inbox import views

    def find_while_another_worker_commits(conversation_id):
        conversation = views_get_conversation(conversation_id)
        with write_transactions(), Session(db.engine) as other:
            other.execute(update(User).where(User.id == member.id).values(job_title="Analyst"))
            other.commit()
        return conversation

    views_get_conversation = views._get_conversation_or_404
    monkeypatch.setattr(views, "_get_conversation_or_404", find_while_another_worker_commits)
    conversation = start_conversation(session, member, expert_profile)
    expert_client = app.test_client()
    sign_in(expert_client, expert)

    thread = expert_client.get(f"/inbox/{conversation.id}")

    assert thread.status_code == 200
    assert "Sipho Member wrote to you" in _text(thread)
    assert _unread_label(expert_client) is None


def test_a_reply_reaches_the_other_side(
    app, client, session, member, expert, expert_profile, outbox
):
    conversation = start_conversation(session, member, expert_profile)
    outbox.clear()
    expert_client = app.test_client()
    sign_in(expert_client, expert)
    response = post(
        expert_client, f"/inbox/{conversation.id}/reply", {"body": "Tuesday the 10th suits me."}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/inbox/{conversation.id}#latest")
    [notice] = outbox
    assert notice["To"] == member.email
    _assert_nothing_hidden(notice.as_string())

    sign_in(client, member)
    assert _unread_label(client) == "1"
    thread = _text(client.get(f"/inbox/{conversation.id}"))
    assert "Tuesday the 10th suits me." in thread
    _assert_nothing_hidden(thread)
    assert _unread_label(client) is None


def test_an_empty_reply_shows_the_form_again(client, session, member, expert_profile):
    conversation = start_conversation(session, member, expert_profile)
    sign_in(client, member)
    response = post(client, f"/inbox/{conversation.id}/reply", {"body": "  "})
    assert response.status_code == 400
    assert "Write your message." in _text(response)


@pytest.mark.parametrize("who", ["admin", "stranger"])
def test_other_peoples_threads_are_not_found(request, client, session, member, expert_profile, who):
    conversation = start_conversation(session, member, expert_profile)
    sign_in(client, request.getfixturevalue(who))
    assert client.get(f"/inbox/{conversation.id}").status_code == 404
    response = post(client, f"/inbox/{conversation.id}/reply", {"body": "Butting in"})
    assert response.status_code == 404
    assert "Advice on a meter audit" not in _text(client.get("/inbox/"))
    assert len(session.get(Conversation, conversation.id).messages) == 1


def test_replying_to_an_external_thread_is_forbidden(client, session, member, external_profile):
    conversation = start_conversation(session, member, external_profile)
    sign_in(client, member)
    assert post(client, f"/inbox/{conversation.id}/reply", {"body": "More"}).status_code == 403


def test_a_reply_without_its_csrf_token_is_refused(client, session, member, expert_profile):
    conversation = start_conversation(session, member, expert_profile)
    sign_in(client, member)
    response = client.post(f"/inbox/{conversation.id}/reply", data={"body": "Hello?"})
    assert response.status_code == 400
    session.expire_all()
    assert len(session.get(Conversation, conversation.id).messages) == 1


def test_the_inbox_is_paginated(client, session, expert, expert_profile, organisation):
    for _ in range(21):
        start_conversation(
            session, factories.make_user(session, organisation=organisation), expert_profile
        )
    sign_in(client, expert)
    first = _text(client.get("/inbox/"))
    assert "21 conversations, 21 unread" in first
    assert "Page 1 of 2" in first
    assert first.count(">Unread</span>") == 20
    second = _text(client.get("/inbox/?page=2"))
    assert "Page 2 of 2" in second
    assert second.count(">Unread</span>") == 1
    assert _text(client.get("/inbox/?page=nonsense")).count("Page 1 of 2") == 1
    assert "There is nothing on this page." in _text(client.get("/inbox/?page=9"))


def test_signed_out_pages_have_no_inbox_link(client):
    assert ">Inbox" not in _text(client.get("/"))
