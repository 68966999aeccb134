"""Who may do what with a meeting, by role, meeting state and part in the meeting.

"Organisers" of a meeting are administrators, the person who created it, and the active KM
champions of its host organisation. "Participants" are active accounts on the meeting's list
(invited, or registered as attending on the day).

- view: public meetings anyone; members-only meetings active accounts; invited-only meetings
  participants and organisers; an unconfirmed imported draft organisers only.
- edit details, agenda, register and status: organisers, in every state.
- add annexures, record outcomes and action items: organisers in every state; participants once
  the meeting is held (held, or minutes in draft). Put annexures in order and remove them:
  organisers.
- add a lesson drawn from the meeting: organisers and participants, once it has been held.
- answer an invitation: the invited person, while the meeting is planned.
- edit minutes and circulate them: organisers, while the minutes are a draft; approve them (or
  send them back): organisers, while circulated; comment: participants and organisers, while
  circulated.
- update an action's progress or close it: its owner (the person, or the owning organisation's
  champions) and the meeting's organisers; change what it says: organisers.
- print a certificate of attendance: the attendee, and organisers.
- invite people: organisers, while a published meeting is planned; see the invitations and
  answers: organisers; take the register: organisers, from the meeting's first day.
- start the minutes: organisers, once the meeting is held; read them: organisers while a draft,
  participants too while circulated, everyone who sees the meeting once approved; read their
  revisions: organisers.
- correct or remove an outcome or decision: organisers.

Cancelled meetings can be viewed and edited by organisers; nothing else happens to them.
"""

from __future__ import annotations

from typing import Any

from kmrg.events.models import (
    ActionItem,
    Meeting,
    MeetingStatus,
    MeetingVisibility,
    Minutes,
    MinutesStatus,
    Outcome,
    Participant,
)
from kmrg.localtime import local_today, to_local

# The states of a meeting that took place.
HELD_STATES = (MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFT, MeetingStatus.MINUTES_APPROVED)


def _is_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _is_admin(user: Any) -> bool:
    return _is_active(user) and bool(getattr(user, "is_admin", False))


def _is_champion(user: Any) -> bool:
    return _is_active(user) and bool(getattr(user, "is_champion", False))


def is_organiser(user: Any, meeting: Meeting) -> bool:
    """Tell whether `user` organises the meeting: an admin, its creator, or a host champion."""
    if _is_admin(user):
        return True
    if not _is_active(user):
        return False
    if meeting.created_by_id is not None and meeting.created_by_id == user.id:
        return True
    return (
        _is_champion(user)
        and meeting.host_organisation_id is not None
        and user.organisation_id == meeting.host_organisation_id
    )


def participant_of(user: Any, meeting: Meeting) -> Participant | None:
    """Return `user`'s entry on the meeting's list, if they are on it."""
    if not _is_active(user):
        return None
    for participant in meeting.participants:
        if participant.user_id == user.id:
            return participant
    return None


def is_participant(user: Any, meeting: Meeting) -> bool:
    """Tell whether `user` is on the meeting's list (invited or registered on the day)."""
    return participant_of(user, meeting) is not None


def _is_after_the_meeting(meeting: Meeting) -> bool:
    return meeting.status in (MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFT)


def is_meeting_public(meeting: Meeting) -> bool:
    """Tell whether anyone, signed in or not, may see the meeting: public and confirmed."""
    return meeting.visibility is MeetingVisibility.PUBLIC and not meeting.is_draft


def can_create_meeting(user: Any) -> bool:
    """KM champions and administrators record meetings (and import meeting records)."""
    return _is_admin(user) or _is_champion(user)


def can_manage_series(user: Any) -> bool:
    """Administrators (the secretariat) start and describe series of meetings."""
    return _is_admin(user)


def can_view_series(user: Any, series: Any) -> bool:
    """A series' page is public (its meetings each say who sees them): anyone follows it."""
    return True


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    """Apply the meeting's visibility; an unconfirmed imported draft is for organisers only."""
    if is_organiser(user, meeting):
        return True
    if meeting.is_draft:
        return False
    if meeting.visibility is MeetingVisibility.PUBLIC:
        return True
    if meeting.visibility is MeetingVisibility.MEMBERS:
        return _is_active(user)
    return is_participant(user, meeting)


def can_edit_meeting(user: Any, meeting: Meeting) -> bool:
    """Organisers edit a meeting's details, agenda, register and status."""
    return is_organiser(user, meeting)


def can_add_annexure(user: Any, meeting: Meeting) -> bool:
    """Organisers attach annexures any time; participants once the meeting has been held."""
    if meeting.status is MeetingStatus.CANCELLED:
        return False
    if is_organiser(user, meeting):
        return True
    return _is_after_the_meeting(meeting) and is_participant(user, meeting)


def can_arrange_annexures(user: Any, meeting: Meeting) -> bool:
    """Organisers put a meeting's annexures in order and remove them."""
    return is_organiser(user, meeting)


def has_been_held(meeting: Meeting) -> bool:
    """Tell whether the meeting took place (held, or its minutes written since)."""
    return meeting.status in HELD_STATES


def can_add_meeting_lesson(user: Any, meeting: Meeting) -> bool:
    """Organisers and participants draw lessons from a meeting once it has been held."""
    if meeting.is_draft or not has_been_held(meeting):
        return False
    return is_organiser(user, meeting) or is_participant(user, meeting)


def can_record_outcomes(user: Any, meeting: Meeting) -> bool:
    """Organisers record outcomes and actions any time; participants once it has been held."""
    return can_add_annexure(user, meeting)


def can_rsvp_meeting(user: Any, meeting: Meeting) -> bool:
    """An invited person answers while the meeting is still planned."""
    participant = participant_of(user, meeting)
    return (
        participant is not None
        and participant.is_invited
        and meeting.status is MeetingStatus.PLANNED
        and not meeting.is_draft
    )


def can_invite_to_meeting(user: Any, meeting: Meeting) -> bool:
    """Organisers invite people while a published meeting is still planned."""
    return (
        meeting.status is MeetingStatus.PLANNED
        and not meeting.is_draft
        and is_organiser(user, meeting)
    )


def can_view_invitations(user: Any, meeting: Meeting) -> bool:
    """Organisers see who was invited and what each answered."""
    return is_organiser(user, meeting)


def can_take_register(user: Any, meeting: Meeting) -> bool:
    """Organisers take the register from the meeting's first day (South African time) on."""
    return (
        meeting.status is not MeetingStatus.CANCELLED
        and to_local(meeting.starts_at).date() <= local_today()
        and is_organiser(user, meeting)
    )


def can_start_minutes(user: Any, meeting: Meeting) -> bool:
    """Organisers start the minutes of a meeting once it has been held."""
    return (
        meeting.minutes is None
        and meeting.status in (MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFT)
        and is_organiser(user, meeting)
    )


def can_view_minutes(user: Any, minutes: Minutes) -> bool:
    """Draft minutes are the organisers'; circulated ones participants' too; approved ones are
    for everyone who may see the meeting."""
    meeting = minutes.meeting
    if minutes.status is MinutesStatus.APPROVED:
        return can_view_meeting(user, meeting)
    if is_organiser(user, meeting):
        return True
    return minutes.status is MinutesStatus.CIRCULATED and is_participant(user, meeting)


def can_view_minutes_history(user: Any, minutes: Minutes) -> bool:
    """Organisers read every saved revision of the minutes (drafts are theirs alone)."""
    return is_organiser(user, minutes.meeting)


def can_edit_minutes(user: Any, minutes: Minutes) -> bool:
    """Organisers write the minutes while they are a draft."""
    return minutes.status is MinutesStatus.DRAFT and is_organiser(user, minutes.meeting)


def can_circulate_minutes(user: Any, minutes: Minutes) -> bool:
    """Organisers circulate draft minutes for comment."""
    return minutes.status is MinutesStatus.DRAFT and is_organiser(user, minutes.meeting)


def can_approve_minutes(user: Any, minutes: Minutes) -> bool:
    """Organisers approve circulated minutes (or return them to draft)."""
    return minutes.status is MinutesStatus.CIRCULATED and is_organiser(user, minutes.meeting)


def can_comment_on_minutes(user: Any, minutes: Minutes) -> bool:
    """Participants and organisers comment while the minutes are circulated."""
    if minutes.status is not MinutesStatus.CIRCULATED:
        return False
    meeting = minutes.meeting
    return is_organiser(user, meeting) or is_participant(user, meeting)


def can_edit_outcome(user: Any, outcome: Outcome) -> bool:
    """Organisers correct or remove an outcome or decision (not of a cancelled meeting)."""
    meeting = outcome.meeting
    return meeting.status is not MeetingStatus.CANCELLED and is_organiser(user, meeting)


def is_action_owner(user: Any, action: ActionItem) -> bool:
    """Tell whether `user` owns the action, or champions the organisation that owns it."""
    if not _is_active(user):
        return False
    if action.owner_user_id is not None and action.owner_user_id == user.id:
        return True
    return (
        _is_champion(user)
        and action.owner_organisation_id is not None
        and user.organisation_id == action.owner_organisation_id
    )


def can_view_action(user: Any, action: ActionItem) -> bool:
    """An action is as visible as its meeting."""
    return can_view_meeting(user, action.meeting)


def can_update_action(user: Any, action: ActionItem) -> bool:
    """The action's owner and the meeting's organisers record progress and close it."""
    if not can_view_meeting(user, action.meeting):
        return False
    return is_action_owner(user, action) or is_organiser(user, action.meeting)


def can_edit_action(user: Any, action: ActionItem) -> bool:
    """Organisers change what an action says, who owns it and when it is due."""
    return is_organiser(user, action.meeting)


def can_view_certificate(user: Any, participant: Participant) -> bool:
    """An attendee prints their own certificate; organisers print anyone's."""
    if not participant.attended:
        return False
    if is_organiser(user, participant.meeting):
        return True
    return _is_active(user) and participant.user_id is not None and participant.user_id == user.id
