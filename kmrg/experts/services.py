"""Write expert profiles: validate, change, flush; the view commits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.auth.models import ProfileVisibility
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.experts.models import (
    AVAILABILITY,
    ContactChannel,
    ContactVisibility,
    Expertise,
    ExpertiseLevel,
    ExpertLanguage,
    ExpertProfile,
    Language,
)
from kmrg.experts.permissions import (
    can_confirm_expert_profile,
    can_create_expert_profile,
    can_edit_expert_profile,
)
from kmrg.markdown import render_markdown
from kmrg.models import StaleEditError, utcnow
from kmrg.organisations.models import Province
from kmrg.text import slugify
from kmrg.themes.models import Theme

HEADLINE_MAX_LENGTH = 200
BIOGRAPHY_MAX_LENGTH = 5_000
SKILL_MAX_LENGTH = 120
MAX_EXPERTISE = 12
MAX_DAYS_PER_QUARTER = 90
# Slugs that would collide with the area's own URLs (/experts/new).
RESERVED_SLUGS = frozenset({"new"})
# Digits, spaces and the usual separators; "+27 43 705 1234", "(043) 705-1234".
_PHONE = re.compile(r"\+?[0-9 ()\-]{6,30}")


@dataclass(frozen=True)
class ExpertiseEntry:
    """One requested expertise area: a theme or a free skill (not both), at a level."""

    level: ExpertiseLevel
    theme: Theme | None = None
    skill: str = ""


@dataclass(frozen=True)
class ProfileDetails:
    """Everything a person states on their expert profile."""

    headline: str
    biography: str = ""
    province: Province | None = None
    languages: Sequence[Language] = ()
    expertise: Sequence[ExpertiseEntry] = ()
    availability: Sequence[str] = ()
    days_per_quarter: int | None = None
    preferred_channel: ContactChannel = ContactChannel.HUB_MESSAGE
    visibility: ProfileVisibility = ProfileVisibility.HIDDEN
    email_visibility: ContactVisibility = ContactVisibility.NOBODY
    phone_visibility: ContactVisibility = ContactVisibility.NOBODY
    phone: str = ""


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name) or "expert"
    taken = set(
        session.scalars(
            select(ExpertProfile.slug).where(
                (ExpertProfile.slug == base) | ExpertProfile.slug.like(f"{base}-%")
            )
        )
    )
    if base not in taken and base not in RESERVED_SLUGS:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _clean_expertise(entries: Sequence[ExpertiseEntry]) -> list[Expertise]:
    rows: list[Expertise] = []
    seen: set[str] = set()
    for entry in entries:
        skill = " ".join((entry.skill or "").split())
        if entry.theme is not None and skill:
            raise ValidationError(
                "Give either a theme or a skill in each row, not both.", "expertise"
            )
        if entry.theme is None and not skill:
            continue
        if len(skill) > SKILL_MAX_LENGTH:
            raise ValidationError(
                f"Keep each skill under {SKILL_MAX_LENGTH} characters.", "expertise"
            )
        key = f"theme:{entry.theme.id}" if entry.theme is not None else f"skill:{skill.lower()}"
        if key in seen:
            raise ValidationError("Each expertise area appears once.", "expertise")
        seen.add(key)
        rows.append(Expertise(theme=entry.theme, skill=skill or None, level=entry.level))
    if len(rows) > MAX_EXPERTISE:
        raise ValidationError(f"List at most {MAX_EXPERTISE} areas of expertise.", "expertise")
    return rows


def _apply(profile: ExpertProfile, details: ProfileDetails) -> None:
    headline = " ".join((details.headline or "").split())
    if not headline:
        raise ValidationError("Say in one line what you know about.", "headline")
    if len(headline) > HEADLINE_MAX_LENGTH:
        raise ValidationError(
            f"Keep the headline under {HEADLINE_MAX_LENGTH} characters.", "headline"
        )
    biography = (details.biography or "").strip()
    if len(biography) > BIOGRAPHY_MAX_LENGTH:
        raise ValidationError(
            f"Keep the biography under {BIOGRAPHY_MAX_LENGTH:,} characters.", "biography"
        )
    phone = " ".join((details.phone or "").split())
    if phone and not _PHONE.fullmatch(phone):
        raise ValidationError("Write the phone number with digits, e.g. +27 43 705 1234.", "phone")
    days = details.days_per_quarter
    if days is not None and not 0 <= days <= MAX_DAYS_PER_QUARTER:
        raise ValidationError(
            f"Days per quarter is a number from 0 to {MAX_DAYS_PER_QUARTER}.", "days_per_quarter"
        )
    unknown = set(details.availability) - {attribute for attribute, _ in AVAILABILITY}
    if unknown:
        raise ValidationError("Choose what you are available for from the list.", "availability")
    expertise = _clean_expertise(details.expertise)

    profile.headline = headline
    profile.biography = biography
    # Stored beside the Markdown so pages never render on read.
    profile.biography_html = render_markdown(biography)
    profile.province = details.province
    profile.phone = phone
    profile.days_per_quarter = days
    profile.preferred_channel = details.preferred_channel
    profile.visibility = details.visibility
    profile.email_visibility = details.email_visibility
    profile.phone_visibility = details.phone_visibility
    for attribute, _label in AVAILABILITY:
        setattr(profile, attribute, attribute in details.availability)
    _replace_expertise(profile, expertise)
    _replace_languages(profile, details.languages)


def _replace_expertise(profile: ExpertProfile, rows: list[Expertise]) -> None:
    def key(row: Expertise) -> tuple[Any, ...]:
        return (row.theme.id if row.theme else None, row.skill, row.level)

    # Rewriting unchanged rows would bump nothing but still churn ids and audit noise.
    if [key(r) for r in profile.expertise] != [key(r) for r in rows]:
        profile.expertise = rows


def _replace_languages(profile: ExpertProfile, languages: Sequence[Language]) -> None:
    wanted = set(languages)
    current = {row.language for row in profile.language_rows}
    if wanted != current:
        profile.language_rows = [row for row in profile.language_rows if row.language in wanted] + [
            ExpertLanguage(language=language) for language in sorted(wanted - current)
        ]


def create_expert_profile(session: Session, actor: Any, details: ProfileDetails) -> ExpertProfile:
    """Publish the actor's own expert profile; creating it confirms it.

    Raises PermissionDenied (not a member, or already has one) and ValidationError.
    """
    if not can_create_expert_profile(actor):
        raise PermissionDenied("Only signed-in members write an expert profile.")
    existing = session.scalar(select(ExpertProfile.id).where(ExpertProfile.user_id == actor.id))
    if existing is not None:
        raise PermissionDenied("You already have an expert profile; edit it instead.")
    profile = ExpertProfile(user=actor, slug=_unique_slug(session, actor.name))
    _apply(profile, details)
    profile.confirmed_at = utcnow()
    session.add(profile)
    session.flush()
    record_event(session, actor, "expert_profile.created", profile)
    return profile


def update_expert_profile(
    session: Session,
    actor: Any,
    profile: ExpertProfile,
    details: ProfileDetails,
    *,
    expected_version: int,
) -> None:
    """Change the actor's own profile; saving it also confirms it is current.

    Raises PermissionDenied, StaleEditError (the form is older than the last save) and
    ValidationError.
    """
    if not can_edit_expert_profile(actor, profile):
        raise PermissionDenied("You may only edit your own expert profile.")
    if profile.version != expected_version:
        raise StaleEditError("Someone changed this profile since you opened the page.")
    _apply(profile, details)
    profile.updated_at = profile.confirmed_at = utcnow()
    session.flush()
    record_event(session, actor, "expert_profile.updated", profile)


def confirm_expert_profile(session: Session, actor: Any, profile: ExpertProfile) -> None:
    """Record that the owner checked their profile is still true, so it is no longer stale."""
    if not can_confirm_expert_profile(actor, profile):
        raise PermissionDenied("Only the person confirms their own profile.")
    profile.confirmed_at = utcnow()
    session.flush()
    record_event(session, actor, "expert_profile.confirmed", profile)
