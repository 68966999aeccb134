"""Load the demo expert profiles of demo_content through the real services (safe to repeat).

Each profile is written by its own person through the service they would use from the form, and
each external profile by the champion who keeps it; endorsements are written by their endorsers
and inferred areas decided by their owners, so the demo has the audit events, rendered
biographies and search-queue rows that real use produces. Anything already there is skipped: a
member's profile, an external profile with the person's e-mail, an endorser's endorsement of that
area, an owner's decision on that area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.auth.models import AccountStatus, ProfileVisibility, Role, User
from kmrg.auth.queries import get_user_by_email
from kmrg.experts import services
from kmrg.experts.demo_content import (
    AREA_DECISIONS,
    ENDORSEMENTS,
    EXTERNALS,
    PROFILES,
    DemoAreaDecision,
    DemoEndorsement,
    DemoProfile,
)
from kmrg.experts.endorsements import endorse_expert, own_endorsements
from kmrg.experts.evidence_services import confirm_inferred_area, hide_inferred_area
from kmrg.experts.models import (
    AreaDecision,
    ContactChannel,
    ContactVisibility,
    ExpertiseLevel,
    ExpertProfile,
    Language,
    area_key,
)
from kmrg.experts.queries import get_profile_by_email, get_profile_of_user
from kmrg.models import utcnow
from kmrg.notifications.emails import dropping_mail
from kmrg.organisations.models import Organisation, Province
from kmrg.organisations.queries import get_organisation_by_code
from kmrg.themes.models import Theme

# A month, for backdating a confirmation; the stale marker only needs "over a year".
_MONTH = timedelta(days=30)


@dataclass
class ExpertDemoSummary:
    """What one run of the loader added."""

    people: int = 0
    profiles: int = 0
    external_profiles: int = 0
    endorsements: int = 0
    area_decisions: int = 0
    skipped: int = 0


def load_expert_demo(session: Session, password_hash: str) -> ExpertDemoSummary:
    """Add the demo expert profiles (and the new demo people they need) that are missing.

    `password_hash` is the demo password's hash, given to new demo people. Assumes the
    organisations, starter themes and kmrg/demo.py's demo people are loaded; raises LookupError
    when the data names a person, organisation or theme that is missing.
    """
    summary = ExpertDemoSummary()
    themes = {theme.name: theme for theme in session.scalars(select(Theme))}
    with dropping_mail(session):
        for demo in PROFILES:
            person = _person(session, demo, password_hash, summary)
            if get_profile_of_user(session, person.id) is not None:
                summary.skipped += 1
                continue
            profile = services.create_expert_profile(session, person, _details(demo, themes))
            _backdate(profile, demo)
            summary.profiles += 1
        for demo in EXTERNALS:
            if get_profile_by_email(session, demo.email) is not None:
                summary.skipped += 1
                continue
            assert demo.external is not None
            keeper = _demo_user(session, demo.external.keeper_email)
            profile = services.create_external_profile(
                session, keeper, _external_person(session, demo), _details(demo, themes)
            )
            _backdate(profile, demo)
            summary.external_profiles += 1
        for endorsement in ENDORSEMENTS:
            if _endorse(session, themes, endorsement):
                summary.endorsements += 1
            else:
                summary.skipped += 1
        for decision in AREA_DECISIONS:
            if _decide(session, themes, decision):
                summary.area_decisions += 1
            else:
                summary.skipped += 1
    session.flush()
    return summary


def _profile_of(session: Session, email: str) -> ExpertProfile:
    """Return the demo profile of a member or external person named by e-mail."""
    profile = get_profile_by_email(session, email)
    if profile is None:
        raise LookupError(f"No demo expert profile belongs to {email}.")
    return profile


def _endorse(session: Session, themes: dict[str, Theme], demo: DemoEndorsement) -> bool:
    """Write one endorsement as its endorser would; return False when it is already there."""
    profile = _profile_of(session, demo.expert)
    endorser = _demo_user(session, demo.endorser)
    if demo.theme:
        key = area_key(_theme(themes, demo.theme).id, None)
    else:
        key = area_key(None, demo.skill)
    if key in own_endorsements(session, profile, endorser):
        return False
    endorse_expert(session, endorser, profile, key, demo.statement)
    return True


def _decide(session: Session, themes: dict[str, Theme], demo: DemoAreaDecision) -> bool:
    """Confirm or hide one inferred area as its owner would; return False if already decided."""
    profile = _profile_of(session, demo.expert)
    theme = _theme(themes, demo.theme)
    decided = session.scalar(
        select(AreaDecision.id).where(
            AreaDecision.profile_id == profile.id, AreaDecision.theme_id == theme.id
        )
    )
    if decided is not None:
        return False
    decide = hide_inferred_area if demo.decision == "hide" else confirm_inferred_area
    decide(session, _demo_user(session, demo.expert), profile, theme)
    return True


def _person(
    session: Session, demo: DemoProfile, password_hash: str, summary: ExpertDemoSummary
) -> User:
    """Return the demo account the profile belongs to, creating it when the data describes it."""
    user = get_user_by_email(session, demo.email)
    if user is not None or demo.account is None:
        return _demo_user(session, demo.email)
    # Created exactly as kmrg/demo.py creates demo people: active, approved, the demo password.
    user = User(
        name=demo.account.name,
        email=demo.email,
        role=Role.MEMBER,
        organisation=_organisation(session, demo.account.organisation_code),
        job_title=demo.account.job_title,
        # Whoever chose to hide their expert profile would not show their member profile either.
        profile_visibility=ProfileVisibility(demo.visibility),
        status=AccountStatus.ACTIVE,
        password_hash=password_hash,
        password_changed_at=utcnow(),
        approved_at=utcnow(),
    )
    session.add(user)
    session.flush()
    summary.people += 1
    return user


def _external_person(session: Session, demo: DemoProfile) -> services.ExternalPerson:
    assert demo.external is not None
    code = demo.external.organisation_code
    return services.ExternalPerson(
        name=demo.external.name,
        consent_note=demo.external.consent_note.strip(),
        email=demo.email,
        job_title=demo.external.job_title,
        organisation=_organisation(session, code) if code else None,
    )


def _details(demo: DemoProfile, themes: dict[str, Theme]) -> services.ProfileDetails:
    return services.ProfileDetails(
        headline=demo.headline,
        biography=demo.biography,
        province=Province(demo.province) if demo.province else None,
        languages=[Language(code) for code in demo.languages],
        expertise=[
            services.ExpertiseEntry(
                level=ExpertiseLevel(row.level),
                theme=_theme(themes, row.theme) if row.theme else None,
                skill=row.skill,
            )
            for row in demo.expertise
        ],
        availability=[f"offers_{kind}" for kind in demo.availability],
        days_per_quarter=demo.days_per_quarter,
        preferred_channel=ContactChannel(demo.preferred_channel),
        visibility=ProfileVisibility(demo.visibility),
        email_visibility=ContactVisibility(demo.email_visibility),
        phone_visibility=ContactVisibility(demo.phone_visibility),
        phone=demo.phone,
    )


def _backdate(profile: ExpertProfile, demo: DemoProfile) -> None:
    # No service confirms a profile in the past; the demo sets the date so that a few profiles
    # show what a year without confirmation looks like (and the reminder command has work).
    if demo.confirmed_months_ago:
        profile.confirmed_at = utcnow() - demo.confirmed_months_ago * _MONTH


def _theme(themes: dict[str, Theme], name: str) -> Theme:
    try:
        return themes[name]
    except KeyError:
        raise LookupError(f"No theme is called {name!r}; load the starter themes first.") from None


def _organisation(session: Session, code: str) -> Organisation:
    organisation = get_organisation_by_code(session, code)
    if organisation is None:
        raise LookupError(f"No organisation has the code {code!r}.")
    return organisation


def _demo_user(session: Session, email: str) -> User:
    user = get_user_by_email(session, email)
    if user is None or not user.is_active:
        raise LookupError(f"The demo account {email} is missing or not active.")
    return user
