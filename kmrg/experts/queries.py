"""Read expert profiles: one by slug, and the directory narrowed by the viewer and facets.

The directory's search and ranking build on `visible_profiles_query` and `narrow` (see
kmrg/experts/directory.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from kmrg.auth.models import AccountStatus, ProfileVisibility, User
from kmrg.experts.models import (
    AVAILABILITY_LABELS,
    Expertise,
    ExpertLanguage,
    ExpertProfile,
    Language,
)
from kmrg.organisations.models import MUNICIPAL_KINDS, Organisation, OrganisationKind, Province
from kmrg.themes.models import Theme

# The organisation-type facet: municipalities together, then the partners by kind.
ORGANISATION_TYPES = (
    ("municipality", "Municipality"),
    ("national", "National department"),
    ("provincial", "Provincial department"),
    ("network", "Network or association"),
    ("university", "University"),
    ("other", "Other partner"),
)
KINDS_BY_TYPE: dict[str, frozenset[OrganisationKind]] = {
    "municipality": MUNICIPAL_KINDS,
    "national": frozenset({OrganisationKind.NATIONAL}),
    "provincial": frozenset({OrganisationKind.PROVINCIAL}),
    "network": frozenset({OrganisationKind.NETWORK}),
    "university": frozenset({OrganisationKind.UNIVERSITY}),
    "other": frozenset({OrganisationKind.OTHER}),
}
# The municipal-category facet, by demarcation category.
CATEGORIES = (
    ("A", "Metropolitan (A)"),
    ("B", "Local (B)"),
    ("C", "District (C)"),
)
KIND_BY_CATEGORY = {
    "A": OrganisationKind.METROPOLITAN,
    "B": OrganisationKind.LOCAL,
    "C": OrganisationKind.DISTRICT,
}


@dataclass(frozen=True)
class ExpertFilters:
    """The directory's search and facets, as read from the query string.

    Values are taken as typed; unknown ones are ignored where they are used, never an error.
    """

    text: str = ""
    theme: str = ""
    province: str = ""
    organisation_type: str = ""
    category: str = ""
    language: str = ""
    availability: str = ""

    @property
    def is_filtered(self) -> bool:
        return any(
            [
                self.text.strip(),
                self.theme,
                self.province,
                self.organisation_type,
                self.category,
                self.language,
                self.availability,
            ]
        )


def _loaded() -> tuple[Any, ...]:
    return (
        joinedload(ExpertProfile.user).joinedload(User.organisation),
        joinedload(ExpertProfile.external_organisation),
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


def load_profiles(session: Session, ids: list[int]) -> dict[int, ExpertProfile]:
    """Return the profiles with these ids, with everything a result card shows, by id."""
    if not ids:
        return {}
    profiles = session.scalars(
        select(ExpertProfile)
        .options(*_loaded())
        .where(ExpertProfile.id.in_(ids))
        # The directory loaded them lighter before; fill in what it left out.
        .execution_options(populate_existing=True)
    ).unique()
    return {profile.id: profile for profile in profiles}


def _visible_to(viewer: Any) -> ColumnElement[bool]:
    # The same rule as permissions.can_view_expert_profile, in SQL; that check still has the
    # last word on every profile shown.
    if getattr(viewer, "is_admin", False):
        return true()
    # A member's profile goes with their account; an external person has none.
    listed = ExpertProfile.user_id.is_(None) | (User.status == AccountStatus.ACTIVE)
    shown = [ProfileVisibility.PUBLIC]
    if getattr(viewer, "is_authenticated", False) and getattr(viewer, "is_active", False):
        shown.append(ProfileVisibility.MEMBERS)
        own = (ExpertProfile.user_id == viewer.id) | (
            ExpertProfile.user_id.is_(None) & (ExpertProfile.managed_by_id == viewer.id)
        )
        return (ExpertProfile.visibility.in_(shown) & listed) | own
    return ExpertProfile.visibility.in_(shown) & listed


def visible_profiles_query(viewer: Any) -> Select[tuple[ExpertProfile]]:
    """Return a query of the profiles `viewer` may see, joined to person and organisation.

    The organisation is the member's own or, for an external person, the one the champion named.
    """
    organisation_id = func.coalesce(User.organisation_id, ExpertProfile.external_organisation_id)
    return (
        select(ExpertProfile)
        .outerjoin(User, User.id == ExpertProfile.user_id)
        .outerjoin(Organisation, Organisation.id == organisation_id)
        .where(_visible_to(viewer))
    )


def narrow(query: Select[Any], filters: ExpertFilters) -> Select[Any]:
    """Apply the facets of `filters` to a `visible_profiles_query`; unknown values are ignored.

    The theme facet here is what people claim; the directory also counts evidence.
    """
    if filters.theme:
        query = query.where(
            ExpertProfile.expertise.any(Expertise.theme.has(Theme.slug == filters.theme))
        )
    if filters.province in Province._value2member_map_:
        query = query.where(ExpertProfile.province == Province(filters.province))
    kinds = KINDS_BY_TYPE.get(filters.organisation_type)
    if kinds:
        query = query.where(Organisation.kind.in_(sorted(kinds)))
    kind = KIND_BY_CATEGORY.get(filters.category)
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    if filters.language in Language._value2member_map_:
        query = query.where(
            ExpertProfile.language_rows.any(ExpertLanguage.language == Language(filters.language))
        )
    if filters.availability in AVAILABILITY_LABELS:
        query = query.where(getattr(ExpertProfile, filters.availability).is_(True))
    return query


def experts_query(filters: ExpertFilters, viewer: Any) -> Select[tuple[ExpertProfile]]:
    """Return the profiles `viewer` may see, matching the facets of `filters`, by name."""
    query = visible_profiles_query(viewer).options(*_loaded())
    query = query.order_by(func.coalesce(User.name, ExpertProfile.external_name), ExpertProfile.id)
    return narrow(query, filters)


def list_visible_profiles(session: Session, viewer: Any) -> list[ExpertProfile]:
    """Return every profile `viewer` may see, for small lists and tests."""
    return list(session.scalars(experts_query(ExpertFilters(), viewer)).unique())


def get_profile_by_email(session: Session, email: str) -> ExpertProfile | None:
    """Return the profile of the person with this e-mail: a member's, else an external one."""
    email = email.strip().lower()
    member = session.scalar(
        select(ExpertProfile).join(ExpertProfile.user).where(User.email == email)
    )
    if member is not None:
        return member
    return session.scalar(
        select(ExpertProfile).where(
            ExpertProfile.user_id.is_(None), ExpertProfile.external_email == email
        )
    )
