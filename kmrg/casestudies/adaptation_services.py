"""Record that another organisation reused a case study ("adapted here"). Flush, never commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.casestudies import permissions
from kmrg.casestudies.models import Adaptation, CaseStudy
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.markdown import render_markdown

ADAPTATION_TEXT_MAX_LENGTH = 20_000


def _clean_adaptation_text(value: str | None, field: str, required_message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(required_message, field)
    if len(text) > ADAPTATION_TEXT_MAX_LENGTH:
        raise ValidationError(f"Keep this under {ADAPTATION_TEXT_MAX_LENGTH:,} characters.", field)
    return text


def record_adaptation(
    session: Session,
    actor: Any,
    case_study: CaseStudy,
    *,
    what_changed: str,
    what_happened: str,
) -> Adaptation:
    """Record that the actor's organisation reused a published case study of another one."""
    if getattr(actor, "organisation_id", None) == case_study.organisation_id:
        raise ValidationError(
            "Adaptations are recorded by other organisations; your own organisation wrote "
            "this case study."
        )
    if not permissions.can_record_adaptation(actor, case_study):
        raise PermissionDenied(
            "Signed-in members of another organisation record reuse of a published case study."
        )
    adaptation = Adaptation(
        case_study=case_study,
        organisation_id=actor.organisation_id,
        recorded_by_id=actor.id,
        what_changed=_clean_adaptation_text(
            what_changed, "what_changed", "Say what you changed to make it work for you."
        ),
        what_happened=_clean_adaptation_text(
            what_happened, "what_happened", "Say what happened when you tried it."
        ),
    )
    adaptation.what_changed_html = render_markdown(adaptation.what_changed)
    adaptation.what_happened_html = render_markdown(adaptation.what_happened)
    session.add(adaptation)
    session.flush()
    record_event(session, actor, "case_study.adapted", adaptation, f"Reused “{case_study.title}”")
    return adaptation
