"""Read accounts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from kmrg.auth.models import AccountStatus, ProfileVisibility, Role, User
from kmrg.extensions import db
from kmrg.models import utcnow
from kmrg.organisations.models import Organisation

# "<user id>:<session token>:<Unix second the sign-in began>", as User.new_sign_in_id makes it.
SIGN_IN_ID = re.compile(r"(\d{1,10}):([\w-]+):(\d{1,11})", re.ASCII)


def normalise_email(email: str) -> str:
    """Return the form of an address the Hub stores and compares."""
    return email.strip().lower()


def get_user_by_session_id(session_id: str, lasts: timedelta) -> User | None:
    """Load the signed-in user from a session or remember-me cookie's id.

    Only if its sign-in generation is current and the sign-in began within `lasts`: a browser
    forgets its remember-me cookie then, and the server must not honour a copy kept longer.
    An id without a date (made before sign-ins were dated) is refused too.
    """
    parsed = SIGN_IN_ID.fullmatch(session_id)
    if parsed is None:
        return None
    user_id, token, began = parsed.groups()
    if datetime.fromtimestamp(int(began), UTC) < utcnow() - lasts:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def get_user_by_email(session: Session, email: str) -> User | None:
    """Return the account with this e-mail address, if any."""
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def users_query(
    status: AccountStatus | None = None,
    role: Role | None = None,
    organisation_id: int | None = None,
    text: str | None = None,
) -> Select[tuple[User]]:
    """Return a query of accounts for the administrators' list, filtered."""
    query = select(User).options(joinedload(User.organisation)).order_by(User.name, User.id)
    if status:
        query = query.where(User.status == status)
    if role:
        query = query.where(User.role == role)
    if organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(User.name.ilike(pattern), User.email.ilike(pattern)))
    return query


def pending_applications_for(session: Session, actor: Any) -> list[User]:
    """Return the accounts `actor` may approve: all for administrators, their own organisation's
    for a champion."""
    query = (
        select(User)
        .options(joinedload(User.organisation))
        .where(User.status == AccountStatus.PENDING)
        .order_by(User.created_at)
    )
    if not getattr(actor, "is_admin", False):
        if not getattr(actor, "is_champion", False) or actor.organisation_id is None:
            return []
        query = query.where(User.organisation_id == actor.organisation_id)
    return list(session.scalars(query))


def visible_people_of_organisation(
    session: Session, organisation: Organisation, viewer: Any
) -> list[User]:
    """Return the organisation's active people whose chosen visibility lets `viewer` see them."""
    visible = [ProfileVisibility.PUBLIC]
    if getattr(viewer, "is_authenticated", False) and getattr(viewer, "is_active", False):
        visible.append(ProfileVisibility.MEMBERS)
    query = (
        select(User)
        .where(User.organisation_id == organisation.id, User.status == AccountStatus.ACTIVE)
        .order_by(case((User.role == Role.CHAMPION, 0), else_=1), func.lower(User.name))
    )
    if not getattr(viewer, "is_admin", False):
        viewer_id = getattr(viewer, "id", None)
        query = query.where(or_(User.profile_visibility.in_(visible), User.id == viewer_id))
    return list(session.scalars(query))


def administrators(session: Session) -> list[User]:
    """Return the active administrators."""
    return list(
        session.scalars(
            select(User).where(User.role == Role.ADMIN, User.status == AccountStatus.ACTIVE)
        )
    )


def champions_of(session: Session, organisation_id: int) -> list[User]:
    """Return the active KM champions of an organisation."""
    return list(
        session.scalars(
            select(User).where(
                User.role == Role.CHAMPION,
                User.status == AccountStatus.ACTIVE,
                User.organisation_id == organisation_id,
            )
        )
    )
