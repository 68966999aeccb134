"""Reading an imported meeting record's proposals, for its review page and the meeting page."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.events.models import ImportProposal, Meeting, ProposalKind, ProposalStatus


def list_import_proposals(
    session: Session, meeting: Meeting
) -> dict[ProposalKind, list[ImportProposal]]:
    """Return the meeting's proposals by kind (sessions, attendees, annexures, actions), in
    document order; kinds without any are left out."""
    grouped: dict[ProposalKind, list[ImportProposal]] = {kind: [] for kind in ProposalKind}
    proposals = session.scalars(
        select(ImportProposal)
        .where(ImportProposal.meeting_id == meeting.id)
        .order_by(ImportProposal.position, ImportProposal.id)
    )
    for proposal in proposals:
        grouped[proposal.kind].append(proposal)
    return {kind: found for kind, found in grouped.items() if found}


def count_pending_proposals(session: Session, meeting: Meeting) -> int:
    """Return how many of the meeting's proposals wait for a decision."""
    return (
        session.scalar(
            select(func.count()).where(
                ImportProposal.meeting_id == meeting.id,
                ImportProposal.status == ProposalStatus.PENDING,
            )
        )
        or 0
    )


def get_import_proposal(
    session: Session, meeting: Meeting, proposal_id: int
) -> ImportProposal | None:
    """Return the meeting's proposal numbered `proposal_id`, if it is one of the meeting's."""
    return session.scalars(
        select(ImportProposal).where(
            ImportProposal.id == proposal_id, ImportProposal.meeting_id == meeting.id
        )
    ).first()
