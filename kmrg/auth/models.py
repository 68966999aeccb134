"""Accounts and roles."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import AnonymousUserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.models import Base, CreatedAtMixin, VersionedMixin, enum_type, utcnow
from kmrg.organisations.models import Organisation


class Role(StrEnum):
    """What a person may do in the Hub.

    - member: reads what members see, drafts and contributes in their own name;
    - champion: a KM champion of one organisation, who approves its members and reviews its work;
    - admin: runs the Hub: users, organisations, themes, and every review.
    Anonymous visitors are not a role: they read public content only.
    """

    MEMBER = "member"
    CHAMPION = "champion"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"member": "Member", "champion": "KM champion", "admin": "Administrator"}[self]


class AccountStatus(StrEnum):
    """Where an account stands: pending approval, active, or disabled."""

    PENDING = "pending"
    ACTIVE = "active"
    DISABLED = "disabled"

    @property
    def label(self) -> str:
        return {"pending": "Awaiting approval", "active": "Active", "disabled": "Disabled"}[self]


class ProfileVisibility(StrEnum):
    """Who may see a person's name, organisation and job title (POPIA: the person chooses)."""

    HIDDEN = "hidden"
    MEMBERS = "members"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return {
            "hidden": "Only me and the Hub's administrators",
            "members": "Signed-in members of the Hub",
            "public": "Everyone, including the public",
        }[self]


def new_session_token() -> str:
    """Return a fresh random token that ties session cookies to one sign-in generation."""
    return secrets.token_urlsafe(24)


class User(VersionedMixin, CreatedAtMixin, Base):
    """A person with an account in the Hub."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, 20), default=Role.MEMBER)
    status: Mapped[AccountStatus] = mapped_column(
        enum_type(AccountStatus, 20), default=AccountStatus.PENDING, index=True
    )
    profile_visibility: Mapped[ProfileVisibility] = mapped_column(
        enum_type(ProfileVisibility, 20), default=ProfileVisibility.HIDDEN
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    # Changing this token signs the person out everywhere: every cookie carries the old one.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    password_changed_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_login_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship()
    approved_by: Mapped[User | None] = relationship(remote_side=[id])

    # Flask-Login protocol.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.status is AccountStatus.ACTIVE

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def new_sign_in_id(self) -> str:
        """Return the id a new sign-in keeps in its session and remember-me cookie.

        It names the account, the sign-in generation and the second the sign-in began, so the
        server can refuse a cookie that has outlived the sign-in's lifetime (the cookies are
        signed, so the date cannot be changed). Flask-Login calls it as its `id_attribute`.
        """
        return f"{self.get_id()}:{int(utcnow().timestamp())}"

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role is Role.ADMIN

    @property
    def is_champion(self) -> bool:
        return self.is_active and self.role is Role.CHAMPION

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class AnonymousUser(AnonymousUserMixin):
    """A visitor who has not signed in."""

    id = None
    role = None
    organisation_id = None
    is_admin = False
    is_champion = False


class Throttle(Base):
    """How many attempts one key (an account, a client address, a member) used in one scope.

    The counts live in the database so that every worker process shares them. `key` is an
    HMAC-SHA256, keyed with the app's secret, of what was counted: the table holds no e-mail or IP
    address in readable form, and guesses of them cannot be checked against it without the secret.
    """

    __tablename__ = "throttles"
    __table_args__ = (
        Index("ix_throttles_scope_last_at", "scope", "last_at"),
        {"info": {"backup": "attempt counts that expire within a day; a restore starts afresh"}},
    )

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    # When the current run of attempts began (a window's start) and when the last was counted.
    started_at: Mapped[datetime]
    last_at: Mapped[datetime]
