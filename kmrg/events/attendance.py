"""Who is invited to a meeting, what they answered, and who came: invitations, RSVP, register.

One Participant row per person follows them from invitation to the register on the day. Hub
members are invited by name or with everyone of their organisation and told by e-mail; guests
from outside the Hub are named by the organiser (with their organisation) for the record only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.auth.models import AccountStatus, User
from kmrg.events import permissions
from kmrg.events.models import Meeting, Participant, Rsvp
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.localtime import LOCAL_ZONE_LABEL, to_local
from kmrg.models import utcnow
from kmrg.notifications.emails import send_after_commit
from kmrg.organisations.models import Organisation

MAX_NAME = 200
# One invitation round is a handful of organisations' people, not the whole Hub by mistake.
MAX_INVITED_AT_ONCE = 300


@dataclass(frozen=True)
class Guest:
    """Someone from outside the Hub, as the organiser names them."""

    name: str
    organisation: str = ""


@dataclass(frozen=True)
class AttendanceSummary:
    """How many were invited, what they answered, and how many came."""

    invited: int
    answers: dict[Rsvp, int]
    attended: int

    @property
    def attending(self) -> int:
        return self.answers.get(Rsvp.YES, 0)


def format_meeting_days(starts_at: datetime, ends_at: datetime, *, with_time: bool = False) -> str:
    """Say on which days (SAST) a meeting was held: "7 and 8 February 2008", "30 June to 2 July".

    `with_time` adds the clock time it starts: "…, from 09:00 SAST".
    """
    start, end = to_local(starts_at), to_local(ends_at)
    first, last = start.date(), end.date()
    if first == last:
        text = f"{first.day} {first:%B %Y}"
    elif (last - first).days == 1 and first.month == last.month:
        text = f"{first.day} and {last.day} {last:%B %Y}"
    elif first.month == last.month and first.year == last.year:
        text = f"{first.day} to {last.day} {last:%B %Y}"
    elif first.year == last.year:
        text = f"{first.day} {first:%B} to {last.day} {last:%B %Y}"
    else:
        text = f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"
    return f"{text}, from {start:%H:%M} {LOCAL_ZONE_LABEL}" if with_time else text


def summarise_attendance(meeting: Meeting) -> AttendanceSummary:
    """Count the meeting's invitations, answers and attendees."""
    invited = [p for p in meeting.participants if p.is_invited]
    answers = Counter(p.rsvp for p in invited)
    return AttendanceSummary(
        invited=len(invited),
        answers={rsvp: answers.get(rsvp, 0) for rsvp in Rsvp},
        attended=sum(1 for p in meeting.participants if p.attended),
    )


def attendees(meeting: Meeting) -> list[Participant]:
    """Return the people who came, members first then guests, in the order they were listed."""
    came = [p for p in meeting.participants if p.attended]
    return sorted(came, key=lambda p: (p.user_id is None, p.id))


def invitable_members(session: Session, meeting: Meeting) -> list[User]:
    """Return active Hub members not yet on the meeting's list, by organisation and name."""
    listed = select(Participant.user_id).where(
        Participant.meeting_id == meeting.id, Participant.user_id.is_not(None)
    )
    return list(
        session.scalars(
            select(User)
            .where(User.status == AccountStatus.ACTIVE, User.id.not_in(listed))
            .order_by(User.organisation_id, func.lower(User.name), User.id)
        )
    )


def invite_members(
    session: Session, actor: Any, meeting: Meeting, people: Iterable[User]
) -> list[Participant]:
    """Invite Hub members to the meeting and e-mail each; return the new invitations.

    People already invited are left as they are; someone registered on the day without an
    invitation becomes invited. Only active accounts can be invited.
    """
    if not permissions.can_invite_to_meeting(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers invite people, before it is held.")
    people = list({person.id: person for person in people}.values())
    if not people:
        raise ValidationError("Choose at least one person to invite.", "people")
    if len(people) > MAX_INVITED_AT_ONCE:
        raise ValidationError(f"Invite at most {MAX_INVITED_AT_ONCE} people at once.", "people")
    inactive = [person for person in people if person.status is not AccountStatus.ACTIVE]
    if inactive:
        raise ValidationError("Only people with an active account can be invited.", "people")
    listed = {p.user_id: p for p in meeting.participants if p.user_id is not None}
    now = utcnow()
    invited: list[Participant] = []
    for person in people:
        participant = listed.get(person.id)
        if participant is not None and participant.is_invited:
            continue
        if participant is None:
            participant = Participant(
                user_id=person.id, organisation_id=person.organisation_id, attended=False
            )
            meeting.participants.append(participant)
        participant.is_invited = True
        participant.invited_at = now
        invited.append(participant)
        send_after_commit(
            session,
            person.email,
            f"Invitation: {meeting.title}",
            "meeting_invitation",
            meeting=meeting,
            invitee=person,
        )
    session.flush()
    if invited:
        record_event(session, actor, "meeting.invited", meeting, summary=f"{len(invited)} invited")
    return invited


def invite_organisation(
    session: Session, actor: Any, meeting: Meeting, organisation: Organisation
) -> list[Participant]:
    """Invite every active member of `organisation` who is not invited yet."""
    if not permissions.can_invite_to_meeting(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers invite people, before it is held.")
    already = {p.user_id for p in meeting.participants if p.is_invited}
    people = [
        person
        for person in session.scalars(
            select(User).where(
                User.organisation_id == organisation.id, User.status == AccountStatus.ACTIVE
            )
        )
        if person.id not in already
    ]
    if not people:
        raise ValidationError(
            f"Everyone with an account at {organisation.name} is invited already "
            "(or nobody there has one yet).",
            "organisation",
        )
    return invite_members(session, actor, meeting, people)


def invite_guest(session: Session, actor: Any, meeting: Meeting, guest: Guest) -> Participant:
    """Put a guest from outside the Hub on the invitation list (they get no e-mail)."""
    if not permissions.can_invite_to_meeting(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers invite people, before it is held.")
    participant = _guest(meeting, guest)
    participant.is_invited = True
    participant.invited_at = utcnow()
    session.flush()
    record_event(session, actor, "meeting.guest_invited", meeting)
    return participant


def answer_invitation(session: Session, actor: Any, meeting: Meeting, answer: Rsvp) -> Participant:
    """Record the invited person's answer: attending, not attending, or maybe."""
    if not permissions.can_rsvp_meeting(actor, meeting):
        raise PermissionDenied("Only invited people answer, while the meeting is planned.")
    if answer is Rsvp.PENDING:
        raise ValidationError("Choose whether you will attend.", "answer")
    participant = permissions.participant_of(actor, meeting)
    assert participant is not None  # can_rsvp_meeting found it
    participant.rsvp = answer
    participant.responded_at = utcnow()
    session.flush()
    return participant


def remove_participant(session: Session, actor: Any, participant: Participant) -> None:
    """Take someone off the list of a meeting (not once the register says they came)."""
    meeting = participant.meeting
    if not permissions.can_edit_meeting(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers change its list.")
    if participant.attended:
        raise ValidationError("The register says they came: untick them there first.")
    meeting.participants.remove(participant)
    session.flush()
    record_event(session, actor, "meeting.participant_removed", meeting)


def take_register(
    session: Session, actor: Any, meeting: Meeting, present_ids: Collection[int]
) -> int:
    """Mark who on the list attended (and who did not); return how many attended."""
    if not permissions.can_take_register(actor, meeting):
        raise PermissionDenied("Only organisers take the register, from the meeting's first day.")
    listed = {p.id for p in meeting.participants}
    if not set(present_ids) <= listed:
        raise ValidationError("Someone ticked is no longer on the list: reload the register.")
    for participant in meeting.participants:
        participant.attended = participant.id in present_ids
    session.flush()
    record_event(session, actor, "meeting.register_taken", meeting)
    return len(present_ids)


def add_walk_in_member(session: Session, actor: Any, meeting: Meeting, person: User) -> Participant:
    """Register a Hub member who came without being on the list (or tick them if they are)."""
    if not permissions.can_take_register(actor, meeting):
        raise PermissionDenied("Only organisers take the register, from the meeting's first day.")
    if person.status is not AccountStatus.ACTIVE:
        raise ValidationError("Only people with an active account can be registered.", "person")
    participant = next((p for p in meeting.participants if p.user_id == person.id), None)
    if participant is None:
        participant = Participant(
            user_id=person.id, organisation_id=person.organisation_id, is_invited=False
        )
        meeting.participants.append(participant)
    participant.attended = True
    session.flush()
    record_event(session, actor, "meeting.walk_in_registered", meeting)
    return participant


def add_walk_in_guest(session: Session, actor: Any, meeting: Meeting, guest: Guest) -> Participant:
    """Register a guest from outside the Hub who came on the day."""
    if not permissions.can_take_register(actor, meeting):
        raise PermissionDenied("Only organisers take the register, from the meeting's first day.")
    participant = _guest(meeting, guest)
    participant.is_invited = False
    participant.attended = True
    session.flush()
    record_event(session, actor, "meeting.walk_in_registered", meeting)
    return participant


def _guest(meeting: Meeting, guest: Guest) -> Participant:
    name = " ".join((guest.name or "").split())
    organisation = " ".join((guest.organisation or "").split())
    if not name:
        raise ValidationError("Give the guest's name.", "guest_name")
    if len(name) > MAX_NAME:
        raise ValidationError(f"Keep the name under {MAX_NAME} characters.", "guest_name")
    if len(organisation) > MAX_NAME:
        raise ValidationError(
            f"Keep the organisation under {MAX_NAME} characters.", "guest_organisation"
        )
    if any(
        p.user_id is None and p.guest_name.lower() == name.lower() for p in meeting.participants
    ):
        raise ValidationError(f"{name} is on the list already.", "guest_name")
    participant = Participant(guest_name=name, guest_organisation=organisation, attended=False)
    meeting.participants.append(participant)
    return participant
