"""Read expert profiles: one by slug, and the directory narrowed by the viewer and filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from kmrg.auth.models import AccountStatus, ProfileVisibility, User
from kmrg.experts.models import (
    AVAILABILITY_LABELS,
    Expertise,
    ExpertLanguage,
    ExpertProfile,
    Language,
)
from kmrg.organisations.models import Province
from kmrg.themes.models import Theme


@dataclass(frozen=True)
class ExpertFilters:
    """The directory's filters, as read from the query string (unknown values are ignored)."""

    theme: str = ""
    province: str = ""
    language: str = ""
    availability: str = ""

    @property
    def is_filtered(self) -> bool:
        return any([self.theme, self.province, self.language, self.availability])


def _loaded() -> tuple[Any, ...]:
    return (
        joinedload(ExpertProfile.user).joinedload(User.organisation),
        selectinload(ExpertProfile.expertise).joinedload(Expertise.theme),
        selectinload(ExpertProfile.language_rows),
    )


def get_profile_by_slug(session: Session, slug: str) -> ExpertProfile | None:
    """Return the profile with this slug, or None."""
    return session.scalar(
        select(ExpertProfile).options(*_loaded()).where(ExpertProfile.slug == slug)
    )


def get_profile_of_user(session: Session, user_id: int | None) -> ExpertProfile | None:
    """Return a person's own profile, or None."""
    if user_id is None:
        return None
    return session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == user_id))


def _visible_to(viewer: Any) -> Any:
    if getattr(viewer, "is_admin", False):
        return true()
    shown = [ProfileVisibility.PUBLIC]
    if getattr(viewer, "is_authenticated", False) and getattr(viewer, "is_active", False):
        shown.append(ProfileVisibility.MEMBERS)
        own = ExpertProfile.user_id == viewer.id
        return (ExpertProfile.visibility.in_(shown) & (User.status == AccountStatus.ACTIVE)) | own
    return ExpertProfile.visibility.in_(shown) & (User.status == AccountStatus.ACTIVE)


def experts_query(filters: ExpertFilters, viewer: Any) -> Select[tuple[ExpertProfile]]:
    """Return the directory's query: profiles `viewer` may see, matching `filters`, by name."""
    query = (
        select(ExpertProfile)
        .join(ExpertProfile.user)
        .options(*_loaded())
        .where(_visible_to(viewer))
        .order_by(User.name, ExpertProfile.id)
    )
    if filters.theme:
        query = query.where(
            ExpertProfile.expertise.any(Expertise.theme.has(Theme.slug == filters.theme))
        )
    if filters.province in Province._value2member_map_:
        query = query.where(ExpertProfile.province == Province(filters.province))
    if filters.language in Language._value2member_map_:
        query = query.where(
            ExpertProfile.language_rows.any(ExpertLanguage.language == Language(filters.language))
        )
    if filters.availability in AVAILABILITY_LABELS:
        query = query.where(getattr(ExpertProfile, filters.availability).is_(True))
    return query


def list_visible_profiles(session: Session, viewer: Any) -> list[ExpertProfile]:
    """Return every profile `viewer` may see, for small lists and tests."""
    return list(session.scalars(experts_query(ExpertFilters(), viewer)).unique())
