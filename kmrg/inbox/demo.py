"""Load the demo conversations of demo_content.toml through the real services (safe to repeat).

Each message is sent as its sender would through "Contact this expert", and answered by the
expert in the Hub, after the expert demo has written the profiles they go to. A conversation
already there (same sender, expert and subject) is skipped.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.auth.queries import get_user_by_email
from kmrg.experts.queries import get_profile_by_email
from kmrg.inbox.models import Conversation
from kmrg.inbox.services import ContactRequest, contact_expert, reply_to_conversation
from kmrg.notifications.emails import dropping_mail

# Demo people are invented and have example.org addresses; the loader acts only as them.
DEMO_DOMAIN = "@example.org"


@dataclass(frozen=True)
class DemoConversation:
    """A member writes to an expert (both named by e-mail); ``reply`` is "" when unanswered."""

    sender: str
    expert: str
    subject: str
    body: str
    preferred_dates: str
    reply: str


def _conversations() -> tuple[DemoConversation, ...]:
    data = tomllib.loads(files("kmrg.inbox").joinpath("demo_content.toml").read_text("utf-8"))
    return tuple(
        DemoConversation(**{**raw, "body": raw["body"].strip(), "reply": raw["reply"].strip()})
        for raw in data.get("conversation", [])
    )


CONVERSATIONS = _conversations()


def load_inbox_demo(session: Session) -> int:
    """Send the demo conversations not yet sent; return how many were added.

    Raises LookupError when the data names a person or profile that is missing.
    """
    added = 0
    with dropping_mail(session):
        for demo in CONVERSATIONS:
            added += _converse(session, demo)
    session.flush()
    return added


def _converse(session: Session, demo: DemoConversation) -> bool:
    profile = get_profile_by_email(session, demo.expert)
    if profile is None:
        raise LookupError(f"No demo expert profile belongs to {demo.expert}.")
    sender = _demo_user(session, demo.sender)
    sent = session.scalar(
        select(Conversation.id).where(
            Conversation.starter_id == sender.id,
            Conversation.profile_id == profile.id,
            Conversation.subject == demo.subject,
        )
    )
    if sent is not None:
        return False
    request = ContactRequest(
        subject=demo.subject, need=demo.body, preferred_dates=demo.preferred_dates
    )
    conversation = contact_expert(session, sender, profile, request)
    if demo.reply:
        if profile.user is None:
            raise ValueError(f"{demo.expert} has no account, so cannot reply through the Hub")
        reply_to_conversation(session, profile.user, conversation, demo.reply)
    return True


def _demo_user(session: Session, email: str) -> User:
    if not email.endswith(DEMO_DOMAIN):
        raise LookupError(f"{email} is not a demo address.")
    user = get_user_by_email(session, email)
    if user is None or not user.is_active:
        raise LookupError(f"The demo account {email} is missing or not active.")
    return user
