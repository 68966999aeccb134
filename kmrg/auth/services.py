"""Change accounts: register, approve, sign in, passwords, roles. Services flush, never commit."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from kmrg.audit.services import record_event
from kmrg.auth import permissions, throttling
from kmrg.auth.models import AccountStatus, ProfileVisibility, Role, User, new_session_token
from kmrg.auth.queries import (
    administrators,
    champions_of,
    get_user_by_email,
    normalise_email,
)
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import StaleEditError, utcnow
from kmrg.notifications.emails import send_after_commit
from kmrg.organisations.models import Organisation

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
RESET_SALT = "kmrg.password-reset"
# Checked against when no account matches, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0")


def hash_password(password: str) -> str:
    """Hash a password with scrypt, Werkzeug's memory-hard default."""
    return generate_password_hash(password, method="scrypt")


def check_new_password(password: str, *, name: str = "", email: str = "") -> None:
    """Refuse passwords that are too short, too long, or built from the person's own details."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"Use at least {MIN_PASSWORD_LENGTH} characters for your password.", "password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError("That password is too long.", "password")
    lowered = password.lower()
    for own in (email.lower(), email.split("@")[0].lower(), name.lower().replace(" ", "")):
        if own and len(own) >= 4 and own in lowered:
            raise ValidationError(
                "Choose a password that does not contain your name or e-mail.", "password"
            )


def clean_email(email: str) -> str:
    """Validate an e-mail address's form and return it normalised."""
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError("Enter a valid e-mail address.", "email") from error
    return normalise_email(email)


def _require(allowed: bool, message: str = "You may not do that.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def register_user(
    session: Session,
    *,
    name: str,
    email: str,
    organisation: Organisation,
    job_title: str,
    password: str,
) -> User | None:
    """Create a pending account; tell the applicant and the people who can approve it.

    If the address has an account already, e-mail its owner instead and return None: the
    applicant is answered the same either way, so the form tells nobody which addresses exist.
    """
    email = clean_email(email)
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Enter your name.", "name")
    if organisation.is_retired:
        raise ValidationError("That organisation is no longer in the network.", "organisation")
    check_new_password(password, name=name, email=email)
    # Hashed either way, so the two answers also take as long.
    password_hash = hash_password(password)
    existing = get_user_by_email(session, email)
    if existing is not None:
        _tell_owner_of_registration_attempt(session, existing)
        return None
    user = User(
        name=name,
        email=email,
        organisation=organisation,
        job_title=" ".join(job_title.split()),
        password_hash=password_hash,
        password_changed_at=utcnow(),
        status=AccountStatus.PENDING,
        role=Role.MEMBER,
    )
    session.add(user)
    session.flush()
    record_event(
        session, user, "user.registered", user, f"Applied to join from {organisation.name}"
    )
    send_after_commit(
        session,
        user.email,
        "Your KMRG Knowledge Hub application",
        "registration_pending",
        user=user,
    )
    approvers = {a.email: a for a in champions_of(session, organisation.id)}
    approvers.update({a.email: a for a in administrators(session)})
    for approver in approvers.values():
        send_after_commit(
            session,
            approver.email,
            f"New application: {user.name}",
            "application_to_review",
            user=user,
            approver=approver,
        )
    return user


def _tell_owner_of_registration_attempt(session: Session, owner: User) -> None:
    # A few a day at most, so the form cannot be used to flood someone's inbox.
    if not throttling.count_attempt(session, throttling.REGISTRATION_NOTICES, owner.email).allowed:
        return
    send_after_commit(
        session,
        owner.email,
        "Someone tried to register with your address",
        "registration_attempt",
        user=owner,
    )


def create_active_user(
    session: Session,
    actor: Any,
    *,
    name: str,
    email: str,
    role: Role,
    organisation: Organisation | None,
    password: str,
    job_title: str = "",
) -> User:
    """Create an account that can sign in at once (administrators and the command line)."""
    email = clean_email(email)
    if get_user_by_email(session, email) is not None:
        raise ValidationError("An account with that e-mail address already exists.", "email")
    if role is Role.CHAMPION and organisation is None:
        raise ValidationError("A KM champion belongs to an organisation.", "organisation")
    check_new_password(password, name=name, email=email)
    user = User(
        name=" ".join(name.split()),
        email=email,
        role=role,
        organisation=organisation,
        job_title=job_title,
        password_hash=hash_password(password),
        password_changed_at=utcnow(),
        status=AccountStatus.ACTIVE,
        approved_at=utcnow(),
        approved_by_id=getattr(actor, "id", None),
    )
    session.add(user)
    session.flush()
    record_event(session, actor, "user.created", user, f"Created as {role.label}")
    return user


def approve_user(session: Session, actor: Any, applicant: User) -> None:
    """Approve a pending account and tell the applicant."""
    _require(
        permissions.can_approve_user(actor, applicant),
        "Only a KM champion of that organisation or an administrator can approve it.",
    )
    applicant.status = AccountStatus.ACTIVE
    applicant.approved_at = utcnow()
    applicant.approved_by_id = actor.id
    record_event(session, actor, "user.approved", applicant)
    send_after_commit(
        session,
        applicant.email,
        "Your KMRG Knowledge Hub account is approved",
        "registration_approved",
        user=applicant,
        approver=actor,
    )


def disable_user(session: Session, actor: Any, user: User, reason: str = "") -> None:
    """Disable an account and end all its sessions."""
    _require(permissions.can_disable_user(actor, user))
    was = user.status
    user.status = AccountStatus.DISABLED
    user.session_token = new_session_token()
    record_event(session, actor, "user.disabled", user, reason or f"Was {was.label.lower()}")


def enable_user(session: Session, actor: Any, user: User) -> None:
    """Re-enable a disabled account."""
    _require(permissions.can_enable_user(actor, user))
    user.status = AccountStatus.ACTIVE
    if user.approved_at is None:
        user.approved_at = utcnow()
        user.approved_by_id = actor.id
    record_event(session, actor, "user.enabled", user)


def change_role(session: Session, actor: Any, user: User, role: Role) -> None:
    """Give a person another role."""
    _require(permissions.can_change_role(actor, user), "You cannot change your own role.")
    if role is Role.CHAMPION and user.organisation_id is None:
        raise ValidationError("Assign an organisation before making someone a KM champion.", "role")
    if role is user.role:
        return
    previous = user.role
    user.role = role
    record_event(session, actor, "user.role_changed", user, f"{previous.label} → {role.label}")


def assign_organisation(
    session: Session, actor: Any, user: User, organisation: Organisation | None
) -> None:
    """Move a person to another organisation (or none)."""
    _require(permissions.can_assign_organisation(actor, user))
    if organisation is None and user.role is Role.CHAMPION:
        raise ValidationError("A KM champion must belong to an organisation.", "organisation")
    if organisation is not None and organisation.id == user.organisation_id:
        return
    before = user.organisation.name if user.organisation else "none"
    user.organisation = organisation
    after = organisation.name if organisation else "none"
    record_event(session, actor, "user.organisation_changed", user, f"{before} → {after}")


def start_sign_in(
    session: Session, email: str, address: str | None, now: datetime | None = None
) -> throttling.Decision:
    """Count a sign-in attempt for this e-mail and client address, if both throttles allow one.

    Counted before the password is checked, so concurrent attempts never get more tries than the
    throttles allow; `finish_sign_in` gives the attempt back when the password was right.
    """
    email, address = normalise_email(email), address or "unknown"
    per_address = throttling.count_attempt(session, throttling.SIGN_IN_PER_ADDRESS, address, now)
    if not per_address.allowed:
        return per_address
    per_account = throttling.count_attempt(session, throttling.SIGN_IN_PER_ACCOUNT, email, now)
    if not per_account.allowed:
        # Only password checks count against the address: a refused try checked nothing.
        throttling.give_back_attempt(session, throttling.SIGN_IN_PER_ADDRESS, address)
    return per_account


def finish_sign_in(session: Session, email: str, address: str | None) -> None:
    """Forget the account's failed attempts and give the address back its try: it was right."""
    throttling.clear_attempts(session, throttling.SIGN_IN_PER_ACCOUNT, normalise_email(email))
    throttling.give_back_attempt(session, throttling.SIGN_IN_PER_ADDRESS, address or "unknown")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active account these credentials open, or None."""
    user = get_user_by_email(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


def record_sign_in(session: Session, user: User) -> None:
    """Note the moment of a successful sign-in."""
    user.last_login_at = utcnow()


def end_all_sessions(session: Session, user: User) -> None:
    """Sign the person out everywhere: every earlier session and remember-me cookie stops."""
    user.session_token = new_session_token()


def _set_password(session: Session, user: User, new_password: str) -> None:
    check_new_password(new_password, name=user.name, email=user.email)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    end_all_sessions(session, user)


def change_password(session: Session, user: User, current_password: str, new_password: str) -> None:
    """Change a password after checking the current one; ends every other session."""
    if not check_password_hash(user.password_hash, current_password):
        raise ValidationError("Your current password is not right.", "current_password")
    _set_password(session, user, new_password)
    record_event(session, user, "user.password_changed", user)
    send_after_commit(
        session,
        user.email,
        "Your KMRG Knowledge Hub password was changed",
        "password_changed",
        user=user,
    )


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    # Binds a reset link to the password it replaces: once used (or the password changes by any
    # route), the link is dead. A one-time link needs no table of issued tokens.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:24]


def make_password_reset_token(user: User, secret_key: str) -> str:
    """Return a signed one-time token for resetting this user's password."""
    return _reset_serializer(secret_key).dumps({"u": user.id, "p": _password_fingerprint(user)})


def request_password_reset(
    session: Session, email: str, secret_key: str, reset_url_for: Any
) -> None:
    """E-mail a reset link if an active account has this address; say nothing either way."""
    user = get_user_by_email(session, email)
    if user is None or user.status is not AccountStatus.ACTIVE:
        return
    token = make_password_reset_token(user, secret_key)
    send_after_commit(
        session,
        user.email,
        "Reset your KMRG Knowledge Hub password",
        "password_reset",
        user=user,
        reset_url=reset_url_for(token),
    )


def user_for_reset_token(session: Session, token: str, secret_key: str, max_age: int) -> User:
    """Return the account a reset token is for, or raise ValidationError if it is not usable."""
    message = "That password reset link has expired or was already used. Ask for a new one."
    try:
        data = _reset_serializer(secret_key).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature) as error:
        raise ValidationError(message) from error
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    if (
        user is None
        or user.status is not AccountStatus.ACTIVE
        or not hmac.compare_digest(_password_fingerprint(user), str(data.get("p")))
    ):
        raise ValidationError(message)
    return user


def reset_password(
    session: Session, token: str, new_password: str, secret_key: str, max_age: int
) -> User:
    """Set a new password through a reset link; the link then stops working.

    The link proves the person holds the account's mailbox, so the account's sign-in throttle is
    cleared: however many guesses someone else made, the owner can sign in at once.
    """
    user = user_for_reset_token(session, token, secret_key, max_age)
    _set_password(session, user, new_password)
    throttling.clear_attempts(session, throttling.SIGN_IN_PER_ACCOUNT, user.email)
    record_event(session, user, "user.password_reset", user)
    return user


def update_account(
    session: Session,
    user: User,
    *,
    name: str,
    job_title: str,
    profile_visibility: ProfileVisibility,
    expected_version: int,
) -> None:
    """Change a person's own details and who may see them."""
    if user.version != expected_version:
        raise StaleEditError("Your account was changed elsewhere since you opened this page.")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Enter your name.", "name")
    changes = []
    if name != user.name:
        changes.append("name")
    if job_title != user.job_title:
        changes.append("job title")
    if profile_visibility is not user.profile_visibility:
        changes.append(f"visibility → {profile_visibility.value}")
    if not changes:
        return
    user.name = name
    user.job_title = " ".join(job_title.split())
    user.profile_visibility = profile_visibility
    record_event(session, user, "user.account_updated", user, ", ".join(changes))
