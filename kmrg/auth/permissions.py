"""Who may do what with accounts. Used by views (abort 403) and templates (hide the button)."""

from __future__ import annotations

from typing import Any

from kmrg.auth.models import AccountStatus, ProfileVisibility, User


def _is_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_admin(user: Any) -> bool:
    """Tell whether `user` is an active administrator."""
    return bool(getattr(user, "is_admin", False))


def can_manage_users(user: Any) -> bool:
    """Administrators manage every account."""
    return is_admin(user)


def can_review_applications(user: Any) -> bool:
    """Administrators and KM champions see the accounts waiting for their approval."""
    return is_admin(user) or bool(getattr(user, "is_champion", False))


def can_approve_user(actor: Any, applicant: User) -> bool:
    """A champion of the applicant's organisation, or an administrator, approves an application."""
    if applicant.status is not AccountStatus.PENDING or not _is_active(actor):
        return False
    if is_admin(actor):
        return True
    return bool(
        getattr(actor, "is_champion", False)
        and applicant.organisation_id is not None
        and actor.organisation_id == applicant.organisation_id
    )


def can_disable_user(actor: Any, user: User) -> bool:
    """Administrators disable other people's active or pending accounts (never their own)."""
    return is_admin(actor) and actor.id != user.id and user.status is not AccountStatus.DISABLED


def can_enable_user(actor: Any, user: User) -> bool:
    """Administrators re-enable a disabled account."""
    return is_admin(actor) and user.status is AccountStatus.DISABLED


def can_change_role(actor: Any, user: User) -> bool:
    """Administrators change other people's roles; nobody demotes themselves and locks the door."""
    return is_admin(actor) and actor.id != user.id


def can_assign_organisation(actor: Any, user: User) -> bool:
    """Administrators move a person to another organisation."""
    return is_admin(actor)


def can_view_profile(viewer: Any, user: User) -> bool:
    """A person's profile is shown only as far as they chose (POPIA), and to administrators."""
    if user.status is not AccountStatus.ACTIVE:
        return is_admin(viewer)
    if _is_active(viewer) and (viewer.id == user.id or is_admin(viewer)):
        return True
    if user.profile_visibility is ProfileVisibility.PUBLIC:
        return True
    return user.profile_visibility is ProfileVisibility.MEMBERS and _is_active(viewer)
