"""flask-limiter in front of the inbox's POST routes (the suite otherwise runs without it)."""

from __future__ import annotations

from kmrg.inbox.views import CONTACT_RATE_LIMIT, REPLY_RATE_LIMIT
from tests.conftest import make_app
from tests.factories import csrf_token, sign_in
from tests.inbox.conftest import start_conversation

FORM = {"subject": "Hello", "need": "A question."}


def _limited_client(migrated, tmp_path, user):
    app = make_app(migrated, tmp_path / "limited", RATELIMIT_ENABLED=True)
    client = app.test_client()
    sign_in(client, user)
    return app, client


def test_contact_posts_are_limited_per_sender(migrated, tmp_path, member, stranger, expert_profile):
    assert CONTACT_RATE_LIMIT == "20 per hour"
    app, client = _limited_client(migrated, tmp_path, member)
    url = f"/experts/{expert_profile.slug}/contact"
    token = csrf_token(client, url)
    # The service refuses after three to one expert (400); the limiter still counts each try.
    statuses = [client.post(url, data={"csrf_token": token, **FORM}).status_code for _ in range(21)]
    assert 429 not in statuses[:20]
    assert statuses[3:20] == [400] * 17
    assert statuses[20] == 429
    again = client.post(url, data={"csrf_token": token, **FORM})
    assert again.status_code == 429
    assert "Too many attempts" in again.get_data(as_text=True)
    # Reading the form is not limited, and another member still has their own allowance.
    assert client.get(url).status_code == 200
    other = app.test_client()
    sign_in(other, stranger)
    response = other.post(url, data={"csrf_token": csrf_token(other, url), **FORM})
    assert response.status_code == 302


def test_replies_are_limited_per_sender(migrated, tmp_path, session, member, expert_profile):
    assert REPLY_RATE_LIMIT == "30 per 10 minutes"
    conversation = start_conversation(session, member, expert_profile)
    _, client = _limited_client(migrated, tmp_path, member)
    url = f"/inbox/{conversation.id}/reply"
    token = csrf_token(client, f"/inbox/{conversation.id}")
    statuses = [
        client.post(url, data={"csrf_token": token, "body": f"Reply {n}"}).status_code
        for n in range(31)
    ]
    assert statuses[:30] == [302] * 30
    assert statuses[30] == 429
    session.expire_all()
    assert len(conversation.messages) == 31
