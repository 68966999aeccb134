"""`kmrg demo` adds a year of the reference group's meetings through the meetings' services."""

from __future__ import annotations

from sqlalchemy import func, select

from kmrg.demo import load_demo
from kmrg.events.demo import load_meeting_demo
from kmrg.events.demo_content import MEETINGS
from kmrg.events.models import (
    ActionItem,
    ActionStatus,
    Meeting,
    MeetingStatus,
    MinutesStatus,
)
from kmrg.localtime import local_today
from kmrg.models import utcnow

PASSWORD = "demo-password-for-tests"


def test_the_demo_series_has_past_and_planned_meetings_with_their_records(
    client, session, monkeypatch, outbox
):
    monkeypatch.setenv("KMRG_DEMO_PASSWORD", PASSWORD)
    load_demo(session)
    session.commit()
    assert outbox == []  # invitations to invented people are never sent

    meetings = list(session.scalars(select(Meeting).order_by(Meeting.starts_at)))
    assert [meeting.title for meeting in meetings] == [demo.title for demo in MEETINGS]
    past = [meeting for meeting in meetings if meeting.ends_at < utcnow()]
    planned = [meeting for meeting in meetings if meeting.starts_at > utcnow()]
    assert len(past) >= 4 and len(planned) == 2
    assert len({meeting.host_organisation_id for meeting in past}) == len(past)
    assert {meeting.status for meeting in past} == {MeetingStatus.MINUTES_APPROVED}
    assert {meeting.status for meeting in planned} == {MeetingStatus.PLANNED}
    for meeting in past:
        assert meeting.sessions and meeting.outcomes and meeting.actions
        assert meeting.minutes.status is MinutesStatus.APPROVED
        assert any(participant.attended for participant in meeting.participants)

    actions = list(session.scalars(select(ActionItem)))
    assert {action.status for action in actions} == set(ActionStatus)
    overdue = [
        action
        for action in actions
        if not action.status.is_closed and action.due_on < local_today()
    ]
    assert overdue, "some demo actions are overdue"

    # Safe to run twice: nothing is added again.
    counts = session.scalar(select(func.count()).select_from(ActionItem))
    assert load_meeting_demo(session) == 0
    assert session.scalar(select(func.count()).select_from(ActionItem)) == counts

    # Anyone sees the public meeting and the hosting schedule; members see the rest.
    listing = client.get("/meetings/").get_data(as_text=True)
    assert MEETINGS[0].title in listing
    assert MEETINGS[1].title not in listing  # members only
    page = client.get(f"/meetings/{past[0].slug}").get_data(as_text=True)
    assert "Where the cities stand with knowledge management" in page
