"""Reading an imported meeting record's proposals, for its review page and the meeting page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.events.matching import match_organisation
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


@dataclass(frozen=True)
class AnnexureDetails:
    """What an accepted annexure proposal says, as the annexure form's fields take it."""

    title: str
    presenter_name: str
    organisation_code: str


def accepted_annexure_details(
    session: Session, meeting: Meeting, proposal_id: int
) -> AnnexureDetails | None:
    """Return the title, presenter and presenting organisation of an accepted annexure proposal.

    "Annexure B: Government wide KM" presented by "Bongani Matomela (Department of Public Service
    and Administration)" gives the title "Government wide KM", the presenter's name, and the
    organisation's code where exactly one organisation matches.
    """
    proposal = get_import_proposal(session, meeting, proposal_id)
    if (
        proposal is None
        or proposal.kind is not ProposalKind.ANNEXURE
        or proposal.status is not ProposalStatus.ACCEPTED
    ):
        return None
    title = re.sub(r"^Annexure\s+\w{1,2}\s*:\s*", "", proposal.text)
    presenter, _, bracketed = proposal.detail.partition(" (")
    organisation = match_organisation(session, bracketed.removesuffix(")"))
    return AnnexureDetails(
        title[:200], presenter.strip()[:200], organisation.code if organisation else ""
    )
