"""Read a person's conversations: their inbox page, one thread, and the unread count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from kmrg.auth.models import User
from kmrg.inbox.models import Conversation, Message
from kmrg.inbox.permissions import can_view_conversation
from kmrg.pagination import PageNumbers

PER_PAGE = 20


@dataclass(frozen=True)
class ConversationSummary:
    """One line of the inbox: the conversation, whether it waits for the viewer, its size."""

    conversation: Conversation
    is_unread: bool
    message_count: int


@dataclass(frozen=True)
class ConversationPage(PageNumbers):
    """One page of the inbox, shaped like Flask-SQLAlchemy's pagination for the pager macro."""

    items: list[ConversationSummary]
    page: int
    per_page: int
    total: int


def _involves(viewer: Any) -> ColumnElement[bool]:
    return or_(Conversation.starter_id == viewer.id, Conversation.recipient_id == viewer.id)


def _unread_for(viewer: Any) -> ColumnElement[bool]:
    """Match conversations with news for `viewer`: something arrived since they last looked.

    A message the viewer sent themselves is no news, even if they never opened the thread after.
    """
    read_at = case(
        (Conversation.starter_id == viewer.id, Conversation.starter_read_at),
        else_=Conversation.recipient_read_at,
    )
    last_sender = (
        select(func.coalesce(Message.sender_id, 0))
        .where(Message.conversation_id == Conversation.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return and_(
        or_(read_at.is_(None), Conversation.last_message_at > read_at),
        last_sender != viewer.id,
    )


def _is_signed_in(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and getattr(viewer, "id", None))


def list_conversations(
    session: Session, viewer: Any, page: int = 1, per_page: int = PER_PAGE
) -> ConversationPage:
    """Return one page of `viewer`'s conversations, newest activity first."""
    page = max(page, 1)
    if not _is_signed_in(viewer):
        return ConversationPage(items=[], page=page, per_page=per_page, total=0)
    total = (
        session.scalar(select(func.count()).select_from(Conversation).where(_involves(viewer))) or 0
    )
    message_count = (
        select(func.count(Message.id))
        .where(Message.conversation_id == Conversation.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Conversation, case((_unread_for(viewer), 1), else_=0), message_count)
        .options(
            joinedload(Conversation.starter).joinedload(User.organisation),
            joinedload(Conversation.recipient),
            joinedload(Conversation.profile),
        )
        .where(_involves(viewer))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    items = [
        ConversationSummary(conversation=row[0], is_unread=bool(row[1]), message_count=row[2])
        for row in rows
    ]
    return ConversationPage(items=items, page=page, per_page=per_page, total=total)


def unread_count(session: Session, viewer: Any) -> int:
    """Return how many of `viewer`'s conversations have news for them."""
    if not _is_signed_in(viewer):
        return 0
    return (
        session.scalar(
            select(func.count(Conversation.id)).where(_involves(viewer), _unread_for(viewer))
        )
        or 0
    )


def get_conversation_for(
    session: Session, viewer: Any, conversation_id: int
) -> Conversation | None:
    """Return the conversation if `viewer` takes part in it; None if it is missing or not theirs."""
    conversation = session.scalar(
        select(Conversation)
        .options(
            joinedload(Conversation.starter).joinedload(User.organisation),
            joinedload(Conversation.recipient).joinedload(User.organisation),
            joinedload(Conversation.profile),
            selectinload(Conversation.messages).joinedload(Message.sender),
        )
        .where(Conversation.id == conversation_id)
    )
    if conversation is None or not can_view_conversation(viewer, conversation):
        return None
    return conversation
