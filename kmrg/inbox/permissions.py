"""Who may write to an expert, and who may open and answer a conversation.

Messages are private: only the two participants open a conversation, administrators included.
"""

from __future__ import annotations

from typing import Any

from kmrg.auth.models import AccountStatus, ProfileVisibility
from kmrg.experts.models import ExpertProfile
from kmrg.experts.permissions import can_see_contact, can_view_expert_profile
from kmrg.inbox.models import Conversation


def _is_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def contact_refusal(user: Any, profile: ExpertProfile) -> str | None:
    """Return why `user` may not contact the expert behind `profile`, or None if they may.

    The reasons are fit to show the sender; a profile the user may not see is refused without
    saying more (the view answers 404 for it).
    """
    if not _is_active(user):
        return "Sign in with an active account to contact an expert."
    if not can_view_expert_profile(user, profile):
        return "This profile is not available."
    if profile.user_id is not None and profile.user_id == user.id:
        return "This is your own profile."
    # Administrators may look at hidden profiles; that is not an invitation to write to them.
    if profile.visibility is ProfileVisibility.HIDDEN:
        return "This expert has hidden their profile, so it does not take messages."
    if profile.user is not None:
        if profile.user.status is not AccountStatus.ACTIVE:
            return "This expert's account is not active, so it does not take messages."
        return None
    if not profile.external_email:
        return (
            "This expert has no account on the Hub and the champion who keeps the profile has "
            "not recorded an e-mail address, so the Hub cannot pass a message on."
        )
    return None


def can_contact_expert(user: Any, profile: ExpertProfile) -> bool:
    """Active members write to experts they can see, never to themselves or dormant accounts."""
    return contact_refusal(user, profile) is None


def _is_participant(user: Any, conversation: Conversation) -> bool:
    return _is_active(user) and user.id in (conversation.starter_id, conversation.recipient_id)


def can_view_conversation(user: Any, conversation: Conversation) -> bool:
    """Only the two participants open a conversation; private messages have no moderators."""
    return _is_participant(user, conversation)


def can_reply_to_conversation(user: Any, conversation: Conversation) -> bool:
    """Participants answer member-to-member conversations while both accounts are active.

    An external expert answers by e-mail outside the Hub, so their threads take no replies.
    """
    if not _is_participant(user, conversation) or conversation.recipient_id is None:
        return False
    other = conversation.recipient if user.id == conversation.starter_id else conversation.starter
    return other is not None and other.status is AccountStatus.ACTIVE


def email_disclosure(
    sender: Any, profile: ExpertProfile, sender_profile: ExpertProfile | None
) -> tuple[bool, bool]:
    """Tell whether the sender sees the expert's e-mail address, and the expert the sender's.

    Messages never carry either address; each expert profile shows it to whom its owner chose.
    """
    sees_theirs = can_see_contact(sender, profile, "email")
    expert = profile.user
    they_see_mine = (
        expert is not None
        and sender_profile is not None
        and can_see_contact(expert, sender_profile, "email")
    )
    return sees_theirs, they_see_mine
