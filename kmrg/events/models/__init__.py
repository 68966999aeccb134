"""Meetings of a series, their agenda, annexures, attendance, minutes, outcomes and actions.

One module per part of a meeting's record; every model is importable from here.
"""

from kmrg.events.models.actions import (
    ACTION_STATUS_LABELS,
    ActionItem,
    ActionReminder,
    ActionStatus,
    ActionUpdate,
    ReminderKind,
)
from kmrg.events.models.meetings import (
    MEETING_STATUS_LABELS,
    RSVP_LABELS,
    VISIBILITY_LABELS,
    AgendaSession,
    Annexure,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    MeetingVisibility,
    Participant,
    Rsvp,
    SessionSpeaker,
)
from kmrg.events.models.minutes import (
    MINUTES_STATUS_LABELS,
    Minutes,
    MinutesComment,
    MinutesRevision,
    MinutesStatus,
    Outcome,
    OutcomeKind,
)
from kmrg.events.models.proposals import ImportProposal, ProposalKind, ProposalStatus

__all__ = [
    "ACTION_STATUS_LABELS",
    "MEETING_STATUS_LABELS",
    "MINUTES_STATUS_LABELS",
    "RSVP_LABELS",
    "VISIBILITY_LABELS",
    "ActionItem",
    "ActionReminder",
    "ActionStatus",
    "ActionUpdate",
    "AgendaSession",
    "Annexure",
    "ImportProposal",
    "Meeting",
    "MeetingSeries",
    "MeetingStatus",
    "MeetingVisibility",
    "Minutes",
    "MinutesComment",
    "MinutesRevision",
    "MinutesStatus",
    "Outcome",
    "OutcomeKind",
    "Participant",
    "ProposalKind",
    "ProposalStatus",
    "ReminderKind",
    "Rsvp",
    "SessionSpeaker",
]
