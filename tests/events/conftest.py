"""Meetings for the events area's tests: a series and its meetings, written through the real
services and committed, and clients signed in as each role.

The people come from tests/conftest.py: `admin`, `champion` (a KM champion of Buffalo City, the
`organisation` that hosts meetings by default, so an organiser of them), `member` (of Buffalo
City, no role in the meeting), `outsider_champion` (a champion elsewhere); `guest` below is a
member from elsewhere invited to meetings with `invite`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from kmrg.auth.models import ProfileVisibility, User
from kmrg.events import services
from kmrg.events.models import (
    Meeting,
    MeetingSeries,
    MeetingStatus,
    MeetingVisibility,
    Participant,
)
from kmrg.localtime import from_local, local_today
from kmrg.models import utcnow
from kmrg.organisations.models import Organisation
from tests import factories
from tests.factories import sign_in

# How a meeting reaches each status through the services, from planned.
STATUS_PATH = {
    MeetingStatus.PLANNED: (),
    MeetingStatus.HELD: (MeetingStatus.HELD,),
    MeetingStatus.MINUTES_DRAFT: (MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFT),
    MeetingStatus.MINUTES_APPROVED: (
        MeetingStatus.HELD,
        MeetingStatus.MINUTES_DRAFT,
        MeetingStatus.MINUTES_APPROVED,
    ),
    MeetingStatus.CANCELLED: (MeetingStatus.CANCELLED,),
}


def meeting_data(
    *,
    title: str = "Quarterly meeting in Buffalo City",
    day: date | None = None,
    days: int = 1,
    starts: time = time(9, 0),
    ends: time = time(16, 0),
    host: Organisation | None = None,
    visibility: MeetingVisibility = MeetingVisibility.MEMBERS,
    venue: str = "East London City Hall, Oxford Street",
    online_url: str = "",
    aims: str = "Share the revenue turnaround\nAgree the business plan",
    notes: str = "",
) -> services.MeetingData:
    """Return what a meeting form would hold; `day` in SAST (30 days from today by default)."""
    day = day or local_today() + timedelta(days=30)
    return services.MeetingData(
        title=title,
        starts_at=from_local(day, starts),
        ends_at=from_local(day + timedelta(days=days - 1), ends),
        host_organisation_id=host.id if host else None,
        venue=venue,
        online_url=online_url,
        aims=aims,
        visibility=visibility,
        notes=notes,
    )


def record_meeting(
    session: Session,
    actor: User,
    series: MeetingSeries,
    *,
    status: MeetingStatus = MeetingStatus.PLANNED,
    is_draft: bool = False,
    **details,
) -> Meeting:
    """Record a meeting through the services, move it to `status`, and commit.

    A meeting past `planned` must have started, so it is put 30 days ago unless `day` says when.
    """
    if status not in (MeetingStatus.PLANNED, MeetingStatus.CANCELLED):
        details.setdefault("day", local_today() - timedelta(days=30))
    meeting = services.create_meeting(
        session, actor, series, meeting_data(**details), is_draft=is_draft
    )
    session.flush()
    for step in STATUS_PATH[status]:
        services.change_meeting_status(
            session, actor, meeting, step, expected_version=meeting.version
        )
    session.commit()
    return meeting


def invite(session: Session, meeting: Meeting, user: User, *, attended: bool = False) -> None:
    """Put `user` on the meeting's list, as an invitation (and attendance) would."""
    session.add(
        Participant(
            meeting=meeting,
            user_id=user.id,
            organisation_id=user.organisation_id,
            invited_at=utcnow(),
            attended=attended,
        )
    )
    session.commit()


@pytest.fixture
def series(session: Session, admin: User, organisation: Organisation) -> MeetingSeries:
    """The reference group's quarterly meetings, started by the secretariat (an admin)."""
    series = services.create_series(
        session,
        admin,
        services.SeriesData(
            title="KMRG quarterly meetings",
            description="The reference group meets each quarter in a **different** member city.",
        ),
    )
    session.commit()
    return series


@pytest.fixture
def make_meeting(
    session: Session, champion: User, series: MeetingSeries, organisation: Organisation
) -> Callable[..., Meeting]:
    """Return a factory of meetings of `series`, recorded by the host's champion by default.

    Keywords: actor, status, is_draft and any of meeting_data's (title, day, days, starts, ends,
    host, visibility, venue, online_url, aims, notes); `host` defaults to `organisation`.
    """

    def make(*, actor: User | None = None, **details) -> Meeting:
        details.setdefault("host", organisation)
        return record_meeting(session, actor or champion, series, **details)

    return make


@pytest.fixture
def meeting(make_meeting) -> Meeting:
    """A planned members-only meeting in a month, hosted by Buffalo City."""
    return make_meeting()


@pytest.fixture
def guest(session: Session, other_organisation: Organisation) -> User:
    """A member from another municipality, whom organisers invite to meetings."""
    return factories.make_user(
        session,
        name="Zanele Guest",
        organisation=other_organisation,
        profile_visibility=ProfileVisibility.MEMBERS,
    )


@pytest.fixture
def client_as(app) -> Callable[[User | None], FlaskClient]:
    """Return a factory of test clients: signed in as the user given, anonymous for None."""

    def make(user: User | None) -> FlaskClient:
        client = app.test_client()
        if user is not None:
            sign_in(client, user)
        return client

    return make
