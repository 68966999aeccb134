"""Peer endorsements: a colleague vouches for one area of an expert's profile.

Why one module for both writing and reading: endorsements are a small sub-feature with one rule
that both sides must agree on — an endorsement counts only while its area is on the profile, its
endorser's account is active and the expert has not hidden it. The services that write them and
the read functions the profile page, the endorse page and the directory's ranking use sit side by
side, so that rule lives in one place, and the profile core's services.py and queries.py (owned
and changed by others, and near the size where a file is split) stay out of it.

Services take the acting user, validate, change, flush and never commit; they raise
PermissionDenied or ValidationError(message, field) with a message fit to show.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from kmrg.audit.services import record_event
from kmrg.auth.models import AccountStatus, User
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.experts.models import Endorsement, Expertise, ExpertProfile, area_key
from kmrg.experts.permissions import (
    can_change_endorsement,
    can_endorse_expert,
    can_hide_endorsement,
    can_see_hidden_endorsements,
    can_view_expert_profile,
    can_withdraw_endorsement,
)
from kmrg.notifications.services import notify, site_path

# Registered by kmrg.experts.init_app.
ENDORSED_KIND = "expert_endorsed"

STATEMENT_MIN_LENGTH = 20
STATEMENT_MAX_LENGTH = 500


@dataclass
class AreaEndorsements:
    """The endorsements of one expertise area, as one viewer may see them."""

    area_key: str
    name: str
    endorsements: list[Endorsement] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Return how many of them count (hidden ones, which only the expert sees, do not)."""
        return sum(1 for endorsement in self.endorsements if not endorsement.is_hidden)


# Reading


def endorsable_areas(profile: ExpertProfile) -> list[Expertise]:
    """Return the profile's current expertise areas, in its order, once per area key."""
    seen: set[str] = set()
    areas = []
    for expertise in profile.expertise:
        if expertise.area_key not in seen:
            seen.add(expertise.area_key)
            areas.append(expertise)
    return areas


def _counted(query: Any) -> Any:
    # An endorser who left (pending, disabled) no longer vouches for anyone. A subquery, not a
    # join: joined, SQLite walks every active user and probes each against the profile ids.
    active = select(User.id).where(User.status == AccountStatus.ACTIVE)
    return query.where(Endorsement.endorser_id.in_(active))


def visible_endorsements(
    session: Session, profile: ExpertProfile, viewer: Any
) -> list[AreaEndorsements]:
    """Return what `viewer` may see of the profile's endorsements, grouped by area.

    Groups follow the profile's order of areas and list the oldest endorsement first; areas
    without an endorsement are left out. Hidden endorsements are included only for the expert
    (see can_see_hidden_endorsements). An endorsement of an area the profile no longer lists is
    kept but not shown, and shows again if the expert lists the area again. The caller checks
    that `viewer` may see the profile at all.
    """
    groups = {
        area.area_key: AreaEndorsements(area.area_key, area.name)
        for area in endorsable_areas(profile)
    }
    query = _counted(
        select(Endorsement)
        .options(joinedload(Endorsement.endorser).joinedload(User.organisation))
        .where(Endorsement.profile_id == profile.id)
        .order_by(Endorsement.created_at, Endorsement.id)
    )
    if not can_see_hidden_endorsements(viewer, profile):
        query = query.where(Endorsement.is_hidden.is_(False))
    for endorsement in session.scalars(query):
        group = groups.get(endorsement.area_key)
        if group is not None:
            group.endorsements.append(endorsement)
    return [group for group in groups.values() if group.endorsements]


def endorsement_counts(session: Session, profile_ids: Iterable[int]) -> dict[int, Counter[str]]:
    """Return, per profile id, how many endorsements count for each of its current area keys.

    Hidden endorsements, those of inactive endorsers and those of areas the profile no longer
    lists count for nothing. Every requested id has an entry, empty if nothing counts.
    """
    ids = sorted(set(profile_ids))
    counts: dict[int, Counter[str]] = {profile_id: Counter() for profile_id in ids}
    if not ids:
        return counts
    current: dict[int, set[str]] = {profile_id: set() for profile_id in ids}
    for profile_id, theme_id, skill in session.execute(
        select(Expertise.profile_id, Expertise.theme_id, Expertise.skill).where(
            Expertise.profile_id.in_(ids)
        )
    ):
        current[profile_id].add(area_key(theme_id, skill))
    rows = session.execute(
        _counted(
            select(Endorsement.profile_id, Endorsement.area_key).where(
                Endorsement.profile_id.in_(ids), Endorsement.is_hidden.is_(False)
            )
        )
    )
    for profile_id, key in rows:
        if key in current[profile_id]:
            counts[profile_id][key] += 1
    return counts


def get_endorsement(
    session: Session, profile: ExpertProfile, endorsement_id: int
) -> Endorsement | None:
    """Return the endorsement with this id if it is one of the profile's, else None."""
    endorsement = session.get(Endorsement, endorsement_id)
    if endorsement is None or endorsement.profile_id != profile.id:
        return None
    return endorsement


def own_endorsements(
    session: Session, profile: ExpertProfile, endorser: Any
) -> dict[str, Endorsement]:
    """Return the endorsements `endorser` wrote on the profile, by area key (hidden ones too)."""
    if getattr(endorser, "id", None) is None:
        return {}
    query = select(Endorsement).where(
        Endorsement.profile_id == profile.id, Endorsement.endorser_id == endorser.id
    )
    return {endorsement.area_key: endorsement for endorsement in session.scalars(query)}


# Writing


def clean_statement(statement: str | None) -> str:
    """Return the statement as plain text on one line, or raise ValidationError."""
    # Control characters (NUL among them, which PostgreSQL refuses) never belong in a sentence.
    text = " ".join((statement or "").split())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
    text = " ".join(text.split())
    if not text:
        raise ValidationError("Say in a sentence what work you did together.", "statement")
    if len(text) < STATEMENT_MIN_LENGTH:
        raise ValidationError(
            f"Say a little more about the work you did together (at least "
            f"{STATEMENT_MIN_LENGTH} characters).",
            "statement",
        )
    if len(text) > STATEMENT_MAX_LENGTH:
        raise ValidationError(
            f"Keep it to {STATEMENT_MAX_LENGTH} characters; you wrote {len(text)}.", "statement"
        )
    return text


def _speaks_for(user: Any, profile: ExpertProfile) -> bool:
    if profile.user_id is not None:
        return getattr(user, "id", None) == profile.user_id
    return profile.managed_by_id is not None and getattr(user, "id", None) == profile.managed_by_id


def _notify_expert(session: Session, endorsement: Endorsement) -> None:
    profile = endorsement.profile
    # An external person has no account: the champion who keeps the profile hears of it.
    recipient = profile.user if profile.user is not None else profile.managed_by
    if recipient is None or recipient.status is not AccountStatus.ACTIVE or not recipient.email:
        return
    endorser = endorsement.endorser
    subject = (
        f"{endorser.name} endorsed your expertise in {endorsement.area_name}"
        if profile.user is not None
        else f"{endorser.name} endorsed {profile.name}’s expertise in {endorsement.area_name}"
    )
    notify(
        session,
        [recipient],
        ENDORSED_KIND,
        profile,
        f"A new endorsement of your expertise in {endorsement.area_name}"
        if profile.user is not None
        else f"A new endorsement on {profile.name}’s profile, which you keep",
        site_path("experts.show_expert", slug=profile.slug, _anchor="endorsements"),
        actor=endorsement.endorser,
        can_view=can_view_expert_profile,
        excerpt=endorsement.statement,
        mail_template="expert_endorsed",
        mail_context={"profile": profile, "endorsement": endorsement},
        mail_subject=subject,
    )


def endorse_expert(
    session: Session, actor: Any, profile: ExpertProfile, area: str, statement: str
) -> Endorsement:
    """Endorse one current area (by area key) of the profile; the expert is told by e-mail.

    Raises PermissionDenied (not an active member who may see the profile, or endorsing a
    profile they speak for) and ValidationError (unknown area, bad statement, or an area they
    already endorsed: change_endorsement changes the sentence instead).
    """
    if _speaks_for(actor, profile):
        raise PermissionDenied("You cannot endorse your own profile.")
    if not can_endorse_expert(actor, profile):
        raise PermissionDenied("Only signed-in members who may see this profile endorse it.")
    expertise = next((e for e in endorsable_areas(profile) if e.area_key == area), None)
    if expertise is None:
        raise ValidationError("Choose one of the areas of expertise the profile lists.", "area")
    text = clean_statement(statement)
    if area in own_endorsements(session, profile, actor):
        raise ValidationError(
            f"You already endorsed {profile.name} for {expertise.name}; change your sentence "
            "instead of adding a second endorsement.",
            "area",
        )
    endorsement = Endorsement(
        profile=profile,
        endorser=actor,
        area_key=area,
        theme_id=expertise.theme_id,
        theme=expertise.theme,
        skill=expertise.skill or "",
        statement=text,
    )
    session.add(endorsement)
    session.flush()
    record_event(
        session, actor, "expert_endorsement.created", profile, f"Endorsed “{expertise.name}”"
    )
    _notify_expert(session, endorsement)
    return endorsement


def change_endorsement(
    session: Session, actor: Any, endorsement: Endorsement, statement: str
) -> None:
    """Replace the endorser's sentence; a hidden endorsement stays hidden.

    Raises PermissionDenied (not the endorser, or they may no longer see the profile) and
    ValidationError.
    """
    if not can_change_endorsement(actor, endorsement):
        raise PermissionDenied("Only the person who wrote an endorsement changes it.")
    endorsement.statement = clean_statement(statement)
    session.flush()
    record_event(
        session,
        actor,
        "expert_endorsement.changed",
        endorsement.profile,
        f"Changed the endorsement of “{endorsement.area_name}”",
    )


def withdraw_endorsement(session: Session, actor: Any, endorsement: Endorsement) -> None:
    """Delete the endorser's own endorsement for good. Raises PermissionDenied."""
    if not can_withdraw_endorsement(actor, endorsement):
        raise PermissionDenied("Only the person who wrote an endorsement withdraws it.")
    record_event(
        session,
        actor,
        "expert_endorsement.withdrawn",
        endorsement.profile,
        f"Withdrew the endorsement of “{endorsement.area_name}”",
    )
    session.delete(endorsement)
    session.flush()


def _set_hidden(session: Session, actor: Any, endorsement: Endorsement, hidden: bool) -> None:
    if not can_hide_endorsement(actor, endorsement):
        raise PermissionDenied("Only the expert hides or shows an endorsement of their profile.")
    endorsement.is_hidden = hidden
    session.flush()
    record_event(
        session,
        actor,
        "expert_endorsement.hidden" if hidden else "expert_endorsement.shown",
        endorsement.profile,
        f"{endorsement.endorser.name} on “{endorsement.area_name}”",
    )


def hide_endorsement(session: Session, actor: Any, endorsement: Endorsement) -> None:
    """Hide an endorsement: only the expert sees it, and it counts for nothing."""
    _set_hidden(session, actor, endorsement, True)


def show_endorsement(session: Session, actor: Any, endorsement: Endorsement) -> None:
    """Show a hidden endorsement again to everyone who may see the profile."""
    _set_hidden(session, actor, endorsement, False)
