"""Load the demo meetings (kmrg.events.demo_content) through the meetings' own services.

Every record goes in the way a champion or the secretariat would make it: the meeting while it
is planned, its agenda and invitations, then held, the register, outcomes, actions, annexures
and minutes circulated and approved. A meeting already there (same series and title) is left as
it is, so loading twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.auth.queries import get_user_by_email
from kmrg.events import actions, agenda, attendance, minutes, outcomes, services
from kmrg.events.demo_content import (
    MEETINGS,
    SERIES_CONVENOR,
    SERIES_DESCRIPTION,
    SERIES_TITLE,
    DemoAction,
    DemoMeeting,
)
from kmrg.events.models import (
    ActionStatus,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    MeetingVisibility,
    OutcomeKind,
    Rsvp,
)
from kmrg.localtime import from_local, local_today
from kmrg.notifications.emails import dropping_mail
from kmrg.organisations.queries import get_organisation_by_code

SECRETARIAT_EMAIL = "admin@example.org"
GUEST_PREFIX = "guest:"
# Where the demo's annexure files come from: set by the annexures module when it is present, so
# this loader does not depend on how files are stored.
AnnexureLoader = Callable[[Session, User, Meeting, DemoMeeting], None]


def load_meeting_demo(session: Session, *, add_annexures: AnnexureLoader | None = None) -> int:
    """Add the demo series and each of its meetings not there yet; return how many were added."""
    secretariat = _person(session, SECRETARIAT_EMAIL)
    series = _series(session, secretariat)
    existing = set(session.scalars(select(Meeting.title).where(Meeting.series_id == series.id)))
    added = 0
    today = local_today()
    with dropping_mail(session):
        for demo in MEETINGS:
            if demo.title in existing:
                continue
            _load_meeting(session, secretariat, series, demo, today, add_annexures)
            added += 1
    return added


def _series(session: Session, secretariat: User) -> MeetingSeries:
    series = session.scalars(
        select(MeetingSeries).where(MeetingSeries.title == SERIES_TITLE)
    ).first()
    if series is not None:
        return series
    convenor = get_organisation_by_code(session, SERIES_CONVENOR)
    return services.create_series(
        session,
        secretariat,
        services.SeriesData(
            title=SERIES_TITLE,
            description=SERIES_DESCRIPTION,
            organisation_id=convenor.id if convenor else None,
        ),
    )


def _load_meeting(
    session: Session,
    secretariat: User,
    series: MeetingSeries,
    demo: DemoMeeting,
    today: date,
    add_annexures: AnnexureLoader | None,
) -> None:
    host = get_organisation_by_code(session, demo.host)
    if host is None:
        raise LookupError(f"demo meeting host {demo.host} is not loaded")
    first_day = _months_from(today, demo.months_from_now)
    last_day = first_day + timedelta(days=demo.days - 1)
    meeting = services.create_meeting(
        session,
        secretariat,
        series,
        services.MeetingData(
            title=demo.title,
            starts_at=from_local(first_day, time(9, 0)),
            ends_at=from_local(last_day, time(16, 0)),
            host_organisation_id=host.id,
            venue=demo.venue,
            aims="\n".join(demo.aims),
            visibility=MeetingVisibility(demo.visibility),
        ),
    )
    for demo_session in demo.sessions:
        agenda.add_session(
            session,
            secretariat,
            meeting,
            agenda.SessionData(
                title=demo_session.title,
                day=first_day + timedelta(days=demo_session.day),
                starts=time.fromisoformat(demo_session.starts),
                ends=time.fromisoformat(demo_session.ends),
                notes=" ".join(demo_session.notes.split("\n")),
                **_facilitator(session, demo_session.facilitator),
                speakers=[_speaker(session, who) for who in demo_session.speakers],
            ),
        )
    _invite(session, secretariat, meeting, demo)
    if demo.months_from_now >= 0:
        _answer_invitations(session, meeting)
        return
    services.change_meeting_status(
        session, secretariat, meeting, MeetingStatus.HELD, expected_version=meeting.version
    )
    attendance.take_register(
        session, secretariat, meeting, [participant.id for participant in meeting.participants]
    )
    for text in demo.decisions:
        outcomes.record_outcome(
            session, secretariat, meeting, outcomes.OutcomeData(text, OutcomeKind.DECISION)
        )
    for text in demo.outcomes:
        outcomes.record_outcome(session, secretariat, meeting, outcomes.OutcomeData(text))
    for demo_action in demo.actions:
        _record_action(session, secretariat, meeting, demo_action, today)
    if add_annexures is not None:
        add_annexures(session, secretariat, meeting, demo)
    if demo.minutes:
        _approve_minutes(session, secretariat, meeting, demo)


def _invite(session: Session, secretariat: User, meeting: Meeting, demo: DemoMeeting) -> None:
    members = [_person(session, who) for who in demo.attendees if not who.startswith(GUEST_PREFIX)]
    if members:
        attendance.invite_members(session, secretariat, meeting, members)
    for who in demo.attendees:
        if who.startswith(GUEST_PREFIX):
            name, _, organisation = who.removeprefix(GUEST_PREFIX).partition("|")
            attendance.invite_guest(
                session, secretariat, meeting, attendance.Guest(name, organisation)
            )


def _answer_invitations(session: Session, meeting: Meeting) -> None:
    # The first two invited members of a planned meeting have said they are coming.
    for participant in [p for p in meeting.participants if p.user is not None][:2]:
        attendance.answer_invitation(session, participant.user, meeting, Rsvp.YES)


def _record_action(
    session: Session, secretariat: User, meeting: Meeting, demo: DemoAction, today: date
) -> None:
    owner = {}
    if "@" in demo.owner:
        owner["owner_user_id"] = _person(session, demo.owner).id
    else:
        organisation = get_organisation_by_code(session, demo.owner)
        if organisation is None:
            raise LookupError(f"demo action owner {demo.owner} is not loaded")
        owner["owner_organisation_id"] = organisation.id
    action = actions.record_action(
        session,
        secretariat,
        meeting,
        actions.ActionData(
            description=demo.description, due_on=today + timedelta(days=demo.due_in_days), **owner
        ),
    )
    status = ActionStatus(demo.status)
    notes = list(demo.updates) or [""]
    for index, note in enumerate(notes):
        move = status if index == len(notes) - 1 and status is not ActionStatus.OPEN else None
        if not note and move is None:
            continue
        actions.note_progress(
            session, secretariat, action, note=note, status=move, expected_version=action.version
        )


def _approve_minutes(
    session: Session, secretariat: User, meeting: Meeting, demo: DemoMeeting
) -> None:
    record = minutes.start_minutes(session, secretariat, meeting)
    minutes.save_minutes(
        session, secretariat, record, demo.minutes, expected_version=record.version
    )
    minutes.circulate_minutes(session, secretariat, record, expected_version=record.version)
    minutes.approve_minutes(session, secretariat, record, expected_version=record.version)


def _facilitator(session: Session, who: str) -> dict[str, object]:
    if not who:
        return {}
    if who.startswith(GUEST_PREFIX):
        return {"facilitator_name": who.removeprefix(GUEST_PREFIX)}
    return {"facilitator_id": _person(session, who).id}


def _speaker(session: Session, who: str) -> agenda.SpeakerEntry:
    if who.startswith(GUEST_PREFIX):
        name, _, organisation = who.removeprefix(GUEST_PREFIX).partition("|")
        return agenda.SpeakerEntry(guest_name=name, guest_organisation=organisation)
    return agenda.SpeakerEntry(user_id=_person(session, who).id)


def _person(session: Session, email: str) -> User:
    person = get_user_by_email(session, email)
    if person is None:
        raise LookupError(f"demo person {email} is not loaded")
    return person


def _months_from(today: date, months: int) -> date:
    """Return a weekday about `months` months from `today` (the 10th of that month, or after)."""
    month_index = today.year * 12 + today.month - 1 + months
    day = date(month_index // 12, month_index % 12 + 1, 10)
    while day.weekday() >= 5:  # meetings are held on working days
        day += timedelta(days=1)
    return day
