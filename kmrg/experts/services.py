"""Write expert profiles: validate, change, flush; the view commits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.auth.models import AccountStatus, ProfileVisibility, User
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.experts.models import (
    AVAILABILITY,
    STALE_AFTER,
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
    can_create_external_profile,
    can_delete_expert_profile,
    can_edit_expert_profile,
)
from kmrg.markdown import render_markdown
from kmrg.models import StaleEditError, utcnow
from kmrg.notifications.emails import send_after_commit
from kmrg.organisations.models import Organisation, Province
from kmrg.slugs import add_with_free_slug
from kmrg.text import slugify
from kmrg.themes.models import Theme

HEADLINE_MAX_LENGTH = 200
BIOGRAPHY_MAX_LENGTH = 5_000
SKILL_MAX_LENGTH = 120
MAX_EXPERTISE = 12
MAX_DAYS_PER_QUARTER = 90
NAME_MAX_LENGTH = 120
JOB_TITLE_MAX_LENGTH = 120
CONSENT_NOTE_MAX_LENGTH = 1_000
# A stale profile's owner is reminded once, then again only after this long.
REMIND_AGAIN_AFTER = timedelta(days=30)
# Slugs that would collide with the area's own URLs (/experts/new).
RESERVED_SLUGS = frozenset({"new"})
# Digits, spaces and the usual separators; "+27 43 705 1234", "(043) 705-1234".
_PHONE = re.compile(r"\+?[0-9 ()\-]{6,30}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


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


@dataclass(frozen=True)
class ExternalPerson:
    """Someone outside the Hub a champion lists, and how they agreed to be listed."""

    name: str
    consent_note: str
    email: str = ""
    job_title: str = ""
    organisation: Organisation | None = None


def _add_with_slug(session: Session, profile: ExpertProfile, name: str) -> None:
    base = slugify(name) or "expert"
    add_with_free_slug(session, profile, base, reserved=RESERVED_SLUGS, field="name")


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
    profile = ExpertProfile(user=actor)
    _apply(profile, details)
    profile.confirmed_at = utcnow()
    _add_with_slug(session, profile, actor.name)
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


def _apply_person(session: Session, profile: ExpertProfile, person: ExternalPerson) -> None:
    name = " ".join((person.name or "").split())
    if not name:
        raise ValidationError("Give the person's name.", "name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(f"Keep the name under {NAME_MAX_LENGTH} characters.", "name")
    email = (person.email or "").strip().lower()
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        raise ValidationError("Write the e-mail address as name@example.org.", "email")
    if email and session.scalar(select(User.id).where(User.email == email)) is not None:
        # One person, one profile: with an account they keep their own, by their own choices.
        raise ValidationError(
            "This person has a Hub account: ask them to publish their own expert profile.",
            "email",
        )
    job_title = " ".join((person.job_title or "").split())
    if len(job_title) > JOB_TITLE_MAX_LENGTH:
        raise ValidationError(
            f"Keep the job title under {JOB_TITLE_MAX_LENGTH} characters.", "job_title"
        )
    consent = (person.consent_note or "").strip()
    if not consent:
        raise ValidationError(
            "Say how and when the person agreed to be listed, e.g. "
            "“Agreed by e-mail on 3 March 2026 to a public profile with e-mail shown to members”.",
            "consent_note",
        )
    if len(consent) > CONSENT_NOTE_MAX_LENGTH:
        raise ValidationError(
            f"Keep the consent note under {CONSENT_NOTE_MAX_LENGTH:,} characters.", "consent_note"
        )
    if consent != profile.consent_note:
        profile.consent_recorded_at = utcnow()
    profile.external_name = name
    profile.external_email = email
    profile.external_job_title = job_title
    profile.external_organisation = person.organisation
    profile.consent_note = consent


def create_external_profile(
    session: Session, actor: Any, person: ExternalPerson, details: ProfileDetails
) -> ExpertProfile:
    """List someone outside the Hub, with their consent recorded; the actor keeps the profile.

    Raises PermissionDenied (not a champion or administrator) and ValidationError.
    """
    if not can_create_external_profile(actor):
        raise PermissionDenied("Only champions and administrators add someone outside the Hub.")
    profile = ExpertProfile(managed_by=actor, consent_note="")
    _apply_person(session, profile, person)
    _apply(profile, details)
    profile.confirmed_at = utcnow()
    _add_with_slug(session, profile, profile.external_name)
    record_event(session, actor, "expert_profile.external_created", profile)
    return profile


def update_external_profile(
    session: Session,
    actor: Any,
    profile: ExpertProfile,
    person: ExternalPerson,
    details: ProfileDetails,
    *,
    expected_version: int,
) -> None:
    """Change an external person's profile as they asked; a changed consent note is re-dated.

    Raises PermissionDenied, StaleEditError and ValidationError.
    """
    if not profile.is_external or not can_edit_expert_profile(actor, profile):
        raise PermissionDenied("Only the champion who keeps this profile edits it.")
    if profile.version != expected_version:
        raise StaleEditError("Someone changed this profile since you opened the page.")
    _apply_person(session, profile, person)
    _apply(profile, details)
    profile.updated_at = profile.confirmed_at = utcnow()
    session.flush()
    record_event(session, actor, "expert_profile.updated", profile)


def delete_expert_profile(session: Session, actor: Any, profile: ExpertProfile) -> None:
    """Remove a profile for good: its person withdrew, or no longer wants to be listed.

    What others wrote to or about the person goes with it (endorsements, decisions); inbox
    conversations stay with their participants.
    """
    if not can_delete_expert_profile(actor, profile):
        raise PermissionDenied("Only the person, or the champion who keeps it, removes a profile.")
    record_event(session, actor, "expert_profile.deleted", profile)
    session.delete(profile)
    session.flush()


def _reminder_recipient(profile: ExpertProfile) -> User | None:
    person = profile.user if profile.user is not None else profile.managed_by
    if person is None or person.status is not AccountStatus.ACTIVE:
        return None
    return person


def send_stale_reminders(session: Session, *, now: datetime | None = None) -> list[ExpertProfile]:
    """E-mail the owner of every stale profile not reminded lately; return the profiles reminded.

    A member is reminded of their own profile, a champion of the external ones they keep. The
    e-mails go out when the caller commits.
    """
    now = now or utcnow()
    profiles = session.scalars(
        select(ExpertProfile)
        .where(
            ExpertProfile.confirmed_at.is_(None) | (ExpertProfile.confirmed_at < now - STALE_AFTER),
            ExpertProfile.reminded_at.is_(None)
            | (ExpertProfile.reminded_at < now - REMIND_AGAIN_AFTER),
        )
        .order_by(ExpertProfile.id)
    ).all()
    reminded = []
    for profile in profiles:
        recipient = _reminder_recipient(profile)
        if recipient is None:
            continue
        send_after_commit(
            session,
            recipient.email,
            "Is your expert profile still current?"
            if profile.user is not None
            else f"Is {profile.name}'s expert profile still current?",
            "expert_stale_reminder",
            profile=profile,
            recipient=recipient,
            remind_again_days=REMIND_AGAIN_AFTER.days,
        )
        profile.reminded_at = now
        reminded.append(profile)
    session.flush()
    return reminded
