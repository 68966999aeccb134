"""What a meeting resolved (decisions) and what came of its sessions (outcomes), as records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.events import permissions
from kmrg.events.models import Meeting, Outcome, OutcomeKind
from kmrg.exceptions import PermissionDenied, ValidationError

MAX_TEXT = 5_000


@dataclass(frozen=True)
class OutcomeData:
    """What an outcome form holds."""

    text: str
    kind: OutcomeKind = OutcomeKind.OUTCOME
    session_id: int | None = None


def outcomes_by_kind(meeting: Meeting) -> list[tuple[OutcomeKind, list[Outcome]]]:
    """Return the meeting's decisions, then its outcomes, each in the order recorded."""
    order = (OutcomeKind.DECISION, OutcomeKind.OUTCOME)
    return [
        (kind, [outcome for outcome in meeting.outcomes if outcome.kind is kind])
        for kind in order
        if any(outcome.kind is kind for outcome in meeting.outcomes)
    ]


def record_outcome(session: Session, actor: Any, meeting: Meeting, data: OutcomeData) -> Outcome:
    """Record an outcome or decision of the meeting (or of one of its sessions)."""
    if not permissions.can_record_outcomes(actor, meeting):
        raise PermissionDenied("Organisers, and participants once it is held, record outcomes.")
    outcome = Outcome(recorded_by_id=getattr(actor, "id", None))
    _apply(meeting, outcome, data)
    outcome.position = max((o.position for o in meeting.outcomes), default=0) + 1
    meeting.outcomes.append(outcome)
    session.flush()
    record_event(session, actor, f"meeting.{data.kind.value}_recorded", meeting)
    return outcome


def update_outcome(session: Session, actor: Any, outcome: Outcome, data: OutcomeData) -> bool:
    """Correct an outcome or decision; return whether anything changed."""
    if not permissions.can_edit_outcome(actor, outcome):
        raise PermissionDenied("Only the meeting's organisers correct its outcomes.")
    before = (outcome.text, outcome.kind, outcome.session_id)
    _apply(outcome.meeting, outcome, data)
    if (outcome.text, outcome.kind, outcome.session_id) == before:
        return False
    session.flush()
    record_event(session, actor, "meeting.outcome_updated", outcome.meeting)
    return True


def remove_outcome(session: Session, actor: Any, outcome: Outcome) -> None:
    """Remove an outcome or decision recorded by mistake."""
    if not permissions.can_edit_outcome(actor, outcome):
        raise PermissionDenied("Only the meeting's organisers remove its outcomes.")
    meeting = outcome.meeting
    meeting.outcomes.remove(outcome)
    session.flush()
    record_event(session, actor, "meeting.outcome_removed", meeting)


def _apply(meeting: Meeting, outcome: Outcome, data: OutcomeData) -> None:
    text = (data.text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError("Write what was decided or what came of it.", "text")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"Keep it under {MAX_TEXT:,} characters.", "text")
    if data.session_id is not None and data.session_id not in {s.id for s in meeting.sessions}:
        raise ValidationError("Choose a session of this meeting's agenda.", "session")
    outcome.text = text
    outcome.kind = data.kind
    outcome.session_id = data.session_id
