"""Presentations at meetings as evidence of expertise: the annexures a person presented.

A meeting counts once it has been held (a presentation uploaded ahead of a planned meeting is not
yet given), once per meeting however many annexures the person presented there. The item is as
visible as the meeting: public only for a public, confirmed meeting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, selectinload

from kmrg.events.models import Annexure, Meeting
from kmrg.events.permissions import HELD_STATES, can_view_meeting, is_meeting_public
from kmrg.experts.evidence import (
    EvidenceItem,
    EvidenceProvider,
    evidence_url,
    register_evidence_provider,
)
from kmrg.localtime import to_local

KIND = "meeting_presentation"
ROLE = "Presenter"


def _item(meeting: Meeting) -> EvidenceItem:
    return EvidenceItem(
        kind=KIND,
        kind_label="Presentation",
        role=ROLE,
        title=f"Presented at {meeting.title}",
        url=evidence_url("events.show_meeting", slug=meeting.slug),
        happened_on=to_local(meeting.starts_at).date(),
        is_public=is_meeting_public(meeting),
        viewable_by=lambda viewer: can_view_meeting(viewer, meeting),
    )


def collect_presentation_evidence(
    session: Session, user_ids: Sequence[int]
) -> dict[int, list[EvidenceItem]]:
    """Return the held meetings each person presented at, by user id.

    One query, and one more for the meetings' lists of participants when anyone presented (an
    invited-only meeting's permission check reads its list).
    """
    wanted = set(user_ids)
    found: dict[int, list[EvidenceItem]] = {user_id: [] for user_id in wanted}
    if not wanted:
        return found
    rows = session.execute(
        select(Annexure.presenter_id, Meeting)
        .join(Meeting, Meeting.id == Annexure.meeting_id)
        .options(selectinload(Meeting.participants))
        .where(Annexure.presenter_id.in_(sorted(wanted)), Meeting.status.in_(HELD_STATES))
        .distinct()
    ).all()
    for user_id, meeting in rows:
        found[user_id].append(_item(meeting))
    return found


def _presenters_of_annexure(annexure: Annexure, _connection: Connection) -> Iterable[int]:
    # It runs after the flush: a presenter it replaced is only in the attribute history.
    people: set[Any] = set(inspect(annexure).attrs.presenter_id.history.deleted or ())
    people.add(annexure.presenter_id)
    return {person for person in people if person is not None}


def _presenters_of_meeting(meeting: Meeting, connection: Connection) -> Iterable[int]:
    if meeting.id is None:
        return []
    return connection.execute(
        select(Annexure.presenter_id)
        .where(Annexure.meeting_id == meeting.id, Annexure.presenter_id.is_not(None))
        .distinct()
    ).scalars()


def register_expert_evidence() -> None:
    """Register presentations at meetings as evidence of their presenters' expertise."""
    register_evidence_provider(
        EvidenceProvider(
            name=KIND,
            label="Presentations at meetings",
            collect=collect_presentation_evidence,
            dependents={Annexure: _presenters_of_annexure, Meeting: _presenters_of_meeting},
        )
    )
