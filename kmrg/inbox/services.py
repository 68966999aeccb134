"""Write to an expert, answer a conversation, and mark one read.

No audit events: the audit log is read by administrators, and who writes to whom is private. The
messages table itself is the record, and it is what the sending limits count.

Sending limits (rolling windows, counted from the database so they hold across processes):
a person starts at most MAX_NEW_CONVERSATIONS conversations per CONVERSATION_WINDOW, at most
MAX_CONVERSATIONS_WITH_ONE_EXPERT of them with the same expert, and sends at most MAX_MESSAGES
messages (first messages and replies) per MESSAGE_WINDOW.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.experts.models import ExpertProfile
from kmrg.inbox.models import Conversation, Message
from kmrg.inbox.permissions import (
    can_reply_to_conversation,
    can_view_conversation,
    contact_refusal,
)
from kmrg.models import utcnow
from kmrg.notifications.emails import send_after_commit
from kmrg.notifications.services import notify, site_path

# Registered by kmrg.inbox.init_app.
MESSAGE_KIND = "inbox_message"

MAX_NEW_CONVERSATIONS = 10
MAX_CONVERSATIONS_WITH_ONE_EXPERT = 3
CONVERSATION_WINDOW = timedelta(hours=24)
MAX_MESSAGES = 60
MESSAGE_WINDOW = timedelta(hours=1)

SUBJECT_MAX = 200
DATES_MAX = 200
BODY_MAX = 5000


@dataclass(frozen=True)
class ContactRequest:
    """What a member writes to an expert: a subject, what they need, and when suits them."""

    subject: str
    need: str
    preferred_dates: str = ""


def _one_line(text: str) -> str:
    # Subjects end up in e-mail headers, where a line break would be refused (or worse).
    return " ".join((text or "").split())


def _clean_body(text: str, field: str) -> str:
    body = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise ValidationError("Write your message.", field)
    if len(body) > BODY_MAX:
        raise ValidationError(
            f"Keep the message under {BODY_MAX} characters (it has {len(body)}).", field
        )
    return body


def _check_sending_limits(session: Session, actor: Any, profile: ExpertProfile | None) -> None:
    now = utcnow()
    if profile is not None:
        since = now - CONVERSATION_WINDOW
        started = select(func.count(Conversation.id)).where(
            Conversation.starter_id == actor.id, Conversation.created_at > since
        )
        if (session.scalar(started) or 0) >= MAX_NEW_CONVERSATIONS:
            raise ValidationError(
                f"You have started {MAX_NEW_CONVERSATIONS} conversations in the last 24 hours, "
                "the most the Hub allows. Please try again tomorrow, or continue one of your "
                "conversations in your inbox."
            )
        with_expert = started.where(Conversation.profile_id == profile.id)
        if (session.scalar(with_expert) or 0) >= MAX_CONVERSATIONS_WITH_ONE_EXPERT:
            raise ValidationError(
                f"You have written to {profile.name} {MAX_CONVERSATIONS_WITH_ONE_EXPERT} times "
                "in the last 24 hours. Please wait for an answer, or add to one of those "
                "conversations in your inbox."
            )
    sent = select(func.count(Message.id)).where(
        Message.sender_id == actor.id, Message.created_at > now - MESSAGE_WINDOW
    )
    if (session.scalar(sent) or 0) >= MAX_MESSAGES:
        raise ValidationError(
            f"You have sent {MAX_MESSAGES} messages in the last hour, the most the Hub allows. "
            "Please wait a while before sending more."
        )


def contact_expert(
    session: Session, actor: Any, profile: ExpertProfile, request: ContactRequest
) -> Conversation:
    """Start a conversation with the expert behind `profile` and tell them by e-mail.

    Raises PermissionDenied (with the reason) if `actor` may not contact this expert, and
    ValidationError for an empty or oversized message or when a sending limit is reached.
    """
    refusal = contact_refusal(actor, profile)
    if refusal is not None:
        raise PermissionDenied(refusal)
    subject = _one_line(request.subject)
    if not subject:
        raise ValidationError("Give your message a subject.", "subject")
    if len(subject) > SUBJECT_MAX:
        raise ValidationError(f"Keep the subject under {SUBJECT_MAX} characters.", "subject")
    need = _clean_body(request.need, "need")
    dates = _one_line(request.preferred_dates)
    if len(dates) > DATES_MAX:
        raise ValidationError(
            f"Keep the preferred dates under {DATES_MAX} characters.", "preferred_dates"
        )
    _check_sending_limits(session, actor, profile)

    now = utcnow()
    conversation = Conversation(
        subject=subject,
        preferred_dates=dates,
        profile=profile,
        starter=actor,
        recipient=profile.user,
        # Kept for an external expert only: a member is written to at their current address.
        recipient_email=profile.external_email if profile.user is None else "",
        created_at=now,
        last_message_at=now,
        # The sender has read what they wrote; it must not show up as news in their own inbox.
        starter_read_at=now,
    )
    conversation.messages.append(Message(sender=actor, body=need, created_at=now))
    session.add(conversation)
    session.flush()
    _notify_of_contact(session, actor, profile, conversation, need)
    return conversation


def _notify_of_contact(
    session: Session,
    actor: Any,
    profile: ExpertProfile,
    conversation: Conversation,
    need: str,
) -> None:
    context = {
        "sender": actor,
        "profile": profile,
        "conversation": conversation,
        "need": need,
    }
    subject = f"{_one_line(actor.name)} wrote to you through the KMRG Hub: {conversation.subject}"
    if profile.user is not None:
        # Through the notification service: the member's preference for messages decides the mail.
        notify(
            session,
            [profile.user],
            MESSAGE_KIND,
            conversation,
            f"New message in your inbox: {conversation.subject}",
            site_path("inbox.show_conversation", conversation_id=conversation.id),
            actor=actor,
            can_view=can_view_conversation,
            excerpt=need,
            mail_template="inbox_new_conversation",
            mail_context=context,
            mail_subject=subject,
        )
    else:
        send_after_commit(
            session,
            profile.external_email,
            subject,
            "inbox_external_contact",
            reply_to=formataddr((_one_line(actor.name), actor.email)),
            **context,
        )
    send_after_commit(
        session,
        actor.email,
        f"Your message to {profile.name}: {conversation.subject}",
        "inbox_sent_copy",
        **context,
    )


def reply_to_conversation(
    session: Session, actor: Any, conversation: Conversation, body: str
) -> Message:
    """Add `actor`'s reply to a member-to-member conversation and tell the other participant.

    Raises PermissionDenied if `actor` may not reply, ValidationError for an empty or oversized
    reply or when the hourly message limit is reached.
    """
    if not can_reply_to_conversation(actor, conversation):
        raise PermissionDenied("You cannot reply to this conversation.")
    text = _clean_body(body, "body")
    _check_sending_limits(session, actor, None)
    now = utcnow()
    message = Message(sender=actor, body=text, created_at=now)
    conversation.messages.append(message)
    conversation.last_message_at = now
    if actor.id == conversation.starter_id:
        conversation.starter_read_at = now
        other = conversation.recipient
    else:
        conversation.recipient_read_at = now
        other = conversation.starter
    session.flush()
    if other is None:  # pragma: no cover - can_reply_to_conversation requires both accounts
        raise PermissionDenied("You cannot reply to this conversation.")
    notify(
        session,
        [other],
        MESSAGE_KIND,
        conversation,
        f"New reply in your inbox: {conversation.subject}",
        site_path("inbox.show_conversation", conversation_id=conversation.id),
        actor=actor,
        can_view=can_view_conversation,
        excerpt=message.body,
        mail_template="inbox_reply",
        mail_context={"sender": actor, "conversation": conversation, "message": message},
        mail_subject=f"{_one_line(actor.name)} replied: {conversation.subject}",
    )
    return message


def mark_conversation_read(session: Session, actor: Any, conversation: Conversation) -> None:
    """Record that `actor` has seen everything in the conversation so far."""
    if not can_view_conversation(actor, conversation):
        raise PermissionDenied("You cannot open this conversation.")
    is_starter = actor.id == conversation.starter_id
    read_at = conversation.starter_read_at if is_starter else conversation.recipient_read_at
    # Opening an already-read thread again writes nothing.
    if read_at is not None and read_at >= conversation.last_message_at:
        return
    now = max(utcnow(), conversation.last_message_at)
    if is_starter:
        conversation.starter_read_at = now
    else:
        conversation.recipient_read_at = now
    session.flush()
