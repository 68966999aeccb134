"""Decide on expertise areas inferred from evidence: confirm one, hide one, or take it back.

Kept apart from kmrg/experts/evidence.py, which only reads (the registry and what it finds),
in the house's split of queries and services.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.experts.evidence import collect_evidence
from kmrg.experts.models import AreaDecision, ExpertProfile
from kmrg.experts.permissions import can_decide_inferred_area
from kmrg.models import utcnow
from kmrg.themes.models import Theme


def _check(actor: Any, profile: ExpertProfile) -> None:
    if not can_decide_inferred_area(actor, profile):
        raise PermissionDenied("Only the person decides which areas their records show.")


def _decision(session: Session, profile: ExpertProfile, theme: Theme) -> AreaDecision | None:
    return session.scalar(
        select(AreaDecision).where(
            AreaDecision.profile_id == profile.id, AreaDecision.theme_id == theme.id
        )
    )


def _decide(
    session: Session, actor: Any, profile: ExpertProfile, theme: Theme, *, is_hidden: bool
) -> AreaDecision:
    _check(actor, profile)
    evidence = collect_evidence(session, profile, actor)
    if not any(theme.id in item.theme_ids for item in evidence):
        raise ValidationError(f"None of the Hub's records about {profile.name} is on {theme.name}.")
    decision = _decision(session, profile, theme)
    if decision is not None and decision.is_hidden is is_hidden:
        return decision
    if decision is None:
        decision = AreaDecision(profile_id=profile.id, theme_id=theme.id)
        session.add(decision)
    decision.is_hidden = is_hidden
    decision.decided_at = utcnow()
    session.flush()
    action = "expert_profile.area_hidden" if is_hidden else "expert_profile.area_confirmed"
    record_event(session, actor, action, profile, theme.name)
    return decision


def confirm_inferred_area(
    session: Session, actor: Any, profile: ExpertProfile, theme: Theme
) -> AreaDecision:
    """Confirm an area the person's records suggest, so the profile says they stand by it.

    Raises PermissionDenied for anyone but the person (or an external profile's keeper), and
    ValidationError when no evidence points at the theme.
    """
    return _decide(session, actor, profile, theme, is_hidden=False)


def hide_inferred_area(
    session: Session, actor: Any, profile: ExpertProfile, theme: Theme
) -> AreaDecision:
    """Hide an area the person's records suggest: nobody else sees it or its evidence then.

    Raises as confirm_inferred_area does.
    """
    return _decide(session, actor, profile, theme, is_hidden=True)


def clear_area_decision(session: Session, actor: Any, profile: ExpertProfile, theme: Theme) -> bool:
    """Take back a decision, so the area is only suggested again; return False if there was none.

    Raises PermissionDenied for anyone but the person (or an external profile's keeper).
    """
    _check(actor, profile)
    decision = _decision(session, profile, theme)
    if decision is None:
        return False
    session.delete(decision)
    session.flush()
    record_event(session, actor, "expert_profile.area_decision_cleared", profile, theme.name)
    return True
