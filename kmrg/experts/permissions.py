"""Who may see and change expert profiles, and who may see each contact field (POPIA)."""

from __future__ import annotations

from typing import Any

from kmrg.auth.models import AccountStatus, ProfileVisibility
from kmrg.experts.models import ContactVisibility, ExpertProfile

CONTACT_FIELDS = ("email", "phone")


def _is_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_admin", False))


def _is_owner(user: Any, profile: ExpertProfile) -> bool:
    return _is_active(user) and user.id == profile.user_id


def can_create_expert_profile(user: Any) -> bool:
    """Active members write their own expert profile."""
    return _is_active(user)


def can_view_expert_profile(viewer: Any, profile: ExpertProfile) -> bool:
    """Show a profile as far as its owner chose; hidden ones to the owner and administrators."""
    if _is_owner(viewer, profile) or _is_admin(viewer):
        return True
    if profile.user.status is not AccountStatus.ACTIVE:
        return False
    if profile.visibility is ProfileVisibility.PUBLIC:
        return True
    return profile.visibility is ProfileVisibility.MEMBERS and _is_active(viewer)


def can_see_contact(viewer: Any, profile: ExpertProfile, field: str) -> bool:
    """Tell whether `viewer` may see the `field` ("email" or "phone") of a profile.

    Anonymous visitors never see one, whatever the owner chose.
    """
    if field not in CONTACT_FIELDS:
        raise ValueError(f"unknown contact field {field!r}")
    if not _is_active(viewer) or not can_view_expert_profile(viewer, profile):
        return False
    if _is_owner(viewer, profile) or _is_admin(viewer):
        return True
    chosen = profile.email_visibility if field == "email" else profile.phone_visibility
    return chosen is ContactVisibility.MEMBERS


def can_see_any_contact(viewer: Any, profile: ExpertProfile) -> bool:
    """Tell whether `viewer` may see at least one contact field (and so download a vCard)."""
    return any(can_see_contact(viewer, profile, field) for field in CONTACT_FIELDS)


def can_edit_expert_profile(user: Any, profile: ExpertProfile) -> bool:
    """Only the person edits their own profile: what it says about them is their choice."""
    return _is_owner(user, profile)


def can_confirm_expert_profile(user: Any, profile: ExpertProfile) -> bool:
    """The owner confirms their profile is still true."""
    return _is_owner(user, profile)
