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
    """Tell whether `user` speaks for the profile: its person, or the champion who keeps it."""
    if not _is_active(user):
        return False
    if profile.user_id is not None:
        return user.id == profile.user_id
    return profile.managed_by_id is not None and user.id == profile.managed_by_id


def _is_champion_or_admin(user: Any) -> bool:
    return _is_active(user) and (
        getattr(user, "is_champion", False) or getattr(user, "is_admin", False)
    )


def can_create_expert_profile(user: Any) -> bool:
    """Active members write their own expert profile."""
    return _is_active(user)


def can_create_external_profile(user: Any) -> bool:
    """Champions and administrators add a profile for someone outside the Hub, with consent."""
    return _is_champion_or_admin(user)


def can_view_expert_profile(viewer: Any, profile: ExpertProfile) -> bool:
    """Show a profile as far as its person chose; hidden ones to its owner and administrators.

    A member's profile disappears with their account (pending or disabled); an external person
    has no account, so only the chosen visibility counts.
    """
    if _is_owner(viewer, profile) or _is_admin(viewer):
        return True
    if profile.user is not None and profile.user.status is not AccountStatus.ACTIVE:
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
    """Only the person edits their own profile: what it says about them is their choice.

    An external person's profile is kept by the champion who added it; administrators step in
    when that champion has left.
    """
    if profile.user_id is None and _is_admin(user):
        return True
    return _is_owner(user, profile)


def can_confirm_expert_profile(user: Any, profile: ExpertProfile) -> bool:
    """The owner (or an external profile's keeper) confirms the profile is still true."""
    return can_edit_expert_profile(user, profile)


def can_delete_expert_profile(user: Any, profile: ExpertProfile) -> bool:
    """The person removes their own profile; an external one goes when consent is withdrawn.

    Administrators may remove any profile (a person may ask them to, under POPIA).
    """
    return _is_owner(user, profile) or _is_admin(user)


def can_decide_inferred_area(user: Any, profile: ExpertProfile) -> bool:
    """The person confirms or hides the areas their records suggest; nobody else speaks for them.

    An external person's profile is decided by the champion who keeps it, or an administrator.
    """
    if not _is_active(user):
        return False
    if profile.user_id is not None:
        return bool(user.id == profile.user_id)
    return bool(user.id == profile.managed_by_id or _is_admin(user))


# Peer endorsements (kmrg/experts/endorsements.py). Imported here, not at the top, because this
# section is appended to a file whose head belongs to the profile core.
from kmrg.experts.models import Endorsement  # noqa: E402


def can_endorse_expert(user: Any, profile: ExpertProfile) -> bool:
    """Active members who may see a profile endorse it; nobody endorses a profile they speak for."""
    if not _is_active(user) or _is_owner(user, profile):
        return False
    return can_view_expert_profile(user, profile)


def can_hide_endorsement(user: Any, endorsement: Endorsement) -> bool:
    """The expert (an external profile's keeper) hides or shows one; administrators may too."""
    return _is_owner(user, endorsement.profile) or _is_admin(user)


def is_addressed_by_endorsements(user: Any, profile: ExpertProfile) -> bool:
    """Tell whether `user` is who endorsers of the profile wrote to (told their names by e-mail).

    The expert, or the champion keeping an external profile: they see every endorser's name.
    """
    return _is_owner(user, profile)


def can_see_hidden_endorsements(user: Any, profile: ExpertProfile) -> bool:
    """Only the expert (an external profile's keeper) sees the endorsements they hid."""
    return _is_owner(user, profile)


def can_withdraw_endorsement(user: Any, endorsement: Endorsement) -> bool:
    """An endorsement is its endorser's word: only they withdraw it."""
    return _is_active(user) and user.id == endorsement.endorser_id


def can_change_endorsement(user: Any, endorsement: Endorsement) -> bool:
    """The endorser changes their sentence while they may still see the profile."""
    return can_withdraw_endorsement(user, endorsement) and can_view_expert_profile(
        user, endorsement.profile
    )
