"""Who may do what with minutes, attendance and outcomes, as (role × state) tables.

The people and meetings are plain objects, never saved: permissions are pure functions of them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from kmrg.auth.models import AccountStatus, AnonymousUser, Role, User
from kmrg.events import permissions
from kmrg.events.models import (
    Meeting,
    MeetingStatus,
    MeetingVisibility,
    Minutes,
    MinutesStatus,
    Outcome,
    Participant,
)
from kmrg.models import utcnow

HOST, ELSEWHERE = 1, 2
ROLES = [
    "anonymous",
    "member",
    "participant",
    "disabled_participant",
    "host_champion",
    "outsider_champion",
    "creator",
    "admin",
]
ORGANISERS = {"host_champion", "creator", "admin"}
PARTICIPANTS = {"participant"}


def person(role: str) -> User | AnonymousUser:
    if role == "anonymous":
        return AnonymousUser()
    number = ROLES.index(role) + 100
    return User(
        id=number,
        name=role,
        email=f"{role}@example.org",
        role={"host_champion": Role.CHAMPION, "outsider_champion": Role.CHAMPION}.get(
            role, Role.ADMIN if role == "admin" else Role.MEMBER
        ),
        status=AccountStatus.DISABLED if role.startswith("disabled") else AccountStatus.ACTIVE,
        organisation_id=ELSEWHERE if role == "outsider_champion" else HOST,
    )


def meeting_in(
    status: MeetingStatus,
    *,
    visibility: MeetingVisibility = MeetingVisibility.INVITED,
    starts_in: timedelta = timedelta(days=-1),
) -> Meeting:
    starts_at = utcnow() + starts_in
    meeting = Meeting(
        id=1,
        title="Quarterly meeting",
        host_organisation_id=HOST,
        created_by_id=person("creator").id,
        status=status,
        visibility=visibility,
        is_draft=False,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=7),
    )
    for role in ("participant", "disabled_participant"):
        meeting.participants.append(Participant(id=ROLES.index(role), user_id=person(role).id))
    return meeting


def minutes_in(status: str) -> Minutes:
    meeting = meeting_in(MeetingStatus.MINUTES_DRAFT)
    return Minutes(meeting=meeting, status=MinutesStatus(status))


MINUTES_STATES = [status.value for status in MinutesStatus]


def table(allowed: dict[str, set[str]]) -> list[tuple[str, str, bool]]:
    return [
        (role, state, role in allowed.get(state, set()))
        for role in ROLES
        for state in MINUTES_STATES
    ]


@pytest.mark.parametrize(("role", "state", "allowed"), table({"draft": ORGANISERS}))
def test_edit_and_circulate_minutes(role, state, allowed):
    minutes = minutes_in(state)
    assert permissions.can_edit_minutes(person(role), minutes) is allowed
    assert permissions.can_circulate_minutes(person(role), minutes) is allowed


@pytest.mark.parametrize(
    ("role", "state", "allowed"), table({"circulated": ORGANISERS | PARTICIPANTS})
)
def test_comment_on_minutes(role, state, allowed):
    assert permissions.can_comment_on_minutes(person(role), minutes_in(state)) is allowed


@pytest.mark.parametrize(("role", "state", "allowed"), table({"circulated": ORGANISERS}))
def test_approve_minutes_or_send_them_back(role, state, allowed):
    assert permissions.can_approve_minutes(person(role), minutes_in(state)) is allowed


@pytest.mark.parametrize(
    ("role", "state", "allowed"),
    # The meeting is for invited people only: approved minutes are theirs and the organisers'.
    table(
        {
            "draft": ORGANISERS,
            "circulated": ORGANISERS | PARTICIPANTS,
            "approved": ORGANISERS | PARTICIPANTS,
        }
    ),
)
def test_read_minutes(role, state, allowed):
    assert permissions.can_view_minutes(person(role), minutes_in(state)) is allowed


@pytest.mark.parametrize("visibility", list(MeetingVisibility))
@pytest.mark.parametrize("role", ROLES)
def test_approved_minutes_are_read_by_whoever_sees_the_meeting(role, visibility):
    minutes = minutes_in("approved")
    minutes.meeting.visibility = visibility
    viewer = person(role)
    expected = permissions.can_view_meeting(viewer, minutes.meeting)
    assert permissions.can_view_minutes(viewer, minutes) is expected


@pytest.mark.parametrize(
    ("role", "state", "allowed"), table(dict.fromkeys(MINUTES_STATES, ORGANISERS))
)
def test_read_the_revisions_of_minutes(role, state, allowed):
    assert permissions.can_view_minutes_history(person(role), minutes_in(state)) is allowed


STATUSES = list(MeetingStatus)


def status_table(allowed: dict[MeetingStatus, set[str]]) -> list[tuple[str, MeetingStatus, bool]]:
    return [
        (role, status, role in allowed.get(status, set())) for role in ROLES for status in STATUSES
    ]


@pytest.mark.parametrize(
    ("role", "status", "allowed"),
    status_table({MeetingStatus.HELD: ORGANISERS, MeetingStatus.MINUTES_DRAFT: ORGANISERS}),
)
def test_start_minutes(role, status, allowed):
    assert permissions.can_start_minutes(person(role), meeting_in(status)) is allowed


def test_minutes_are_started_once():
    meeting = meeting_in(MeetingStatus.MINUTES_DRAFT)
    meeting.minutes = Minutes(status=MinutesStatus.DRAFT)
    assert not permissions.can_start_minutes(person("admin"), meeting)


@pytest.mark.parametrize(
    ("role", "status", "allowed"), status_table({MeetingStatus.PLANNED: ORGANISERS})
)
def test_invite_to_meeting(role, status, allowed):
    meeting = meeting_in(status, starts_in=timedelta(days=10))
    assert permissions.can_invite_to_meeting(person(role), meeting) is allowed


def test_nobody_is_invited_to_an_unconfirmed_imported_draft():
    meeting = meeting_in(MeetingStatus.PLANNED, starts_in=timedelta(days=10))
    meeting.is_draft = True
    assert not permissions.can_invite_to_meeting(person("admin"), meeting)


@pytest.mark.parametrize(
    ("role", "status", "allowed"),
    status_table({s: ORGANISERS for s in STATUSES if s is not MeetingStatus.CANCELLED}),
)
def test_take_the_register_from_the_first_day(role, status, allowed):
    meeting = meeting_in(status)
    assert permissions.can_take_register(person(role), meeting) is allowed


@pytest.mark.parametrize("role", ROLES)
def test_no_register_before_the_meeting_day(role):
    meeting = meeting_in(MeetingStatus.PLANNED, starts_in=timedelta(days=2))
    assert not permissions.can_take_register(person(role), meeting)


@pytest.mark.parametrize(
    ("role", "status", "allowed"),
    status_table({s: ORGANISERS for s in STATUSES if s is not MeetingStatus.CANCELLED}),
)
def test_correct_or_remove_an_outcome(role, status, allowed):
    outcome = Outcome(meeting=meeting_in(status), text="Agreed")
    assert permissions.can_edit_outcome(person(role), outcome) is allowed


@pytest.mark.parametrize(
    ("role", "status", "allowed"),
    status_table(
        {
            **{s: ORGANISERS for s in STATUSES if s is not MeetingStatus.CANCELLED},
            MeetingStatus.HELD: ORGANISERS | PARTICIPANTS,
            MeetingStatus.MINUTES_DRAFT: ORGANISERS | PARTICIPANTS,
        }
    ),
)
def test_record_outcomes(role, status, allowed):
    assert permissions.can_record_outcomes(person(role), meeting_in(status)) is allowed


@pytest.mark.parametrize("attended", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_certificate_of_attendance(role, attended):
    meeting = meeting_in(MeetingStatus.HELD)
    attendee = meeting.participants[0]  # the participant's entry
    attendee.meeting = meeting
    attendee.attended = attended
    allowed = attended and role in ORGANISERS | PARTICIPANTS
    assert permissions.can_view_certificate(person(role), attendee) is allowed
