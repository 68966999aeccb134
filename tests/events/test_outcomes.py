"""Outcomes and decisions of a meeting: the services and the meeting page."""

from __future__ import annotations

import pytest

from kmrg.events import outcomes
from kmrg.events.models import AgendaSession, Meeting, MeetingStatus, OutcomeKind
from kmrg.exceptions import PermissionDenied, ValidationError
from tests.events.conftest import invite
from tests.factories import post


def text_of(response) -> str:
    return response.get_data(as_text=True)


def fresh(session, meeting: Meeting) -> Meeting:
    session.rollback()
    session.expire_all()
    return session.get(Meeting, meeting.id)


@pytest.fixture
def held(session, make_meeting, member) -> Meeting:
    """A held meeting with one agenda session, which the member attended."""
    meeting = make_meeting(title="KMRG meeting in Nelson Mandela Bay", status=MeetingStatus.HELD)
    meeting.sessions.append(AgendaSession(title="Reflection and new partnerships", position=1))
    session.commit()
    invite(session, meeting, member, attended=True)
    return meeting


DECISION = outcomes.OutcomeData(
    text="Johannesburg hosts the next meeting.", kind=OutcomeKind.DECISION
)


# Services


def test_a_participant_records_outcomes_once_the_meeting_is_held(session, held, member):
    session_id = held.sessions[0].id
    first = outcomes.record_outcome(
        session,
        member,
        held,
        outcomes.OutcomeData(text="  KM units share service providers.  ", session_id=session_id),
    )
    second = outcomes.record_outcome(session, member, held, DECISION)
    session.commit()
    assert first.text == "KM units share service providers." and first.session_id == session_id
    assert first.recorded_by_id == member.id and second.position > first.position
    groups = outcomes.outcomes_by_kind(fresh(session, held))
    assert [(kind, [o.text for o in items]) for kind, items in groups] == [
        (OutcomeKind.DECISION, ["Johannesburg hosts the next meeting."]),
        (OutcomeKind.OUTCOME, ["KM units share service providers."]),
    ]


def test_participants_wait_until_the_meeting_is_held(session, meeting, member):
    invite(session, meeting, member)
    with pytest.raises(PermissionDenied):
        outcomes.record_outcome(session, member, meeting, DECISION)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (outcomes.OutcomeData(text="  "), "Write what was decided"),
        (outcomes.OutcomeData(text="x" * 5001), "under 5,000"),
        (outcomes.OutcomeData(text="Agreed.", session_id=999_999), "Choose a session"),
    ],
)
def test_bad_outcomes_are_refused(session, champion, held, data, message):
    with pytest.raises(ValidationError, match=message):
        outcomes.record_outcome(session, champion, held, data)


def test_only_organisers_correct_or_remove(session, champion, held, member):
    outcome = outcomes.record_outcome(session, member, held, DECISION)
    session.commit()
    with pytest.raises(PermissionDenied):
        outcomes.update_outcome(session, member, outcome, outcomes.OutcomeData(text="Changed."))
    with pytest.raises(PermissionDenied):
        outcomes.remove_outcome(session, member, outcome)
    assert outcomes.update_outcome(
        session, champion, outcome, outcomes.OutcomeData(text="Tshwane hosts it.")
    )
    assert outcome.kind is OutcomeKind.OUTCOME
    assert not outcomes.update_outcome(
        session, champion, outcome, outcomes.OutcomeData(text="Tshwane hosts it.")
    )
    outcomes.remove_outcome(session, champion, outcome)
    session.commit()
    assert fresh(session, held).outcomes == []


# Pages


def test_a_participant_records_a_decision_on_the_meeting_page(session, client_as, held, member):
    client = client_as(member)
    page = text_of(client.get(f"/meetings/{held.slug}"))
    assert "Record a decision or outcome" in page
    assert "Reflection and new partnerships" in page  # the session choice
    response = post(
        client,
        f"/meetings/{held.slug}/outcomes/new",
        {"kind": "decision", "text": "Johannesburg hosts\nthe next meeting.", "session": ""},
    )
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Decision recorded." in page
    assert "<h3>Decisions</h3>" in page
    assert "Johannesburg hosts<br>the next meeting." in page
    assert "Correct" not in page  # participants do not correct outcomes


def test_decisions_come_before_outcomes_with_their_session(session, client_as, held, champion):
    outcomes.record_outcome(
        session,
        champion,
        held,
        outcomes.OutcomeData(text="KM units share providers.", session_id=held.sessions[0].id),
    )
    outcomes.record_outcome(session, champion, held, DECISION)
    session.commit()
    page = text_of(client_as(champion).get(f"/meetings/{held.slug}"))
    assert page.index("<h3>Decisions</h3>") < page.index("<h3>Outcomes</h3>")
    assert "Session: Reflection and new partnerships" in page
    assert "Correct<span" in page


def test_a_bad_outcome_is_shown_with_its_message(session, client_as, held, champion):
    response = post(
        client_as(champion),
        f"/meetings/{held.slug}/outcomes/new",
        {"kind": "outcome", "text": "", "session": ""},
    )
    assert response.status_code == 400
    assert "Write what was decided or what came of it." in text_of(response)
    assert fresh(session, held).outcomes == []


def test_an_organiser_corrects_and_removes_an_outcome(session, client_as, held, champion):
    outcome = outcomes.record_outcome(session, champion, held, DECISION)
    session.commit()
    client = client_as(champion)
    url = f"/meetings/{held.slug}/outcomes/{outcome.id}"
    page = text_of(client.get(f"{url}/edit"))
    assert "Johannesburg hosts the next meeting." in page
    response = post(
        client,
        f"{url}/edit",
        {"kind": "decision", "text": "Tshwane hosts the next meeting.", "session": ""},
    )
    page = text_of(client.get(response.location))
    assert "Saved." in page and "Tshwane hosts the next meeting." in page
    response = post(client, f"{url}/remove")
    page = text_of(client.get(response.location))
    assert "Decision removed." in page and "Tshwane hosts" not in page


def test_outcome_posts_need_signing_in_and_rights(
    session, client, client_as, held, champion, member
):
    outcome = outcomes.record_outcome(session, champion, held, DECISION)
    session.commit()
    url = f"/meetings/{held.slug}/outcomes"
    posts = [
        (f"{url}/new", {"kind": "outcome", "text": "More."}),
        (f"{url}/{outcome.id}/edit", {"kind": "outcome", "text": "Changed."}),
        (f"{url}/{outcome.id}/remove", {}),
    ]
    for path, data in posts:
        response = post(client, path, data)
        assert response.status_code == 302 and "/login" in response.location, path
    outsider = client_as(None)
    assert outsider.get(f"/meetings/{held.slug}").status_code == 404  # members-only meeting
    participant = client_as(member)
    for path, data in posts[1:]:
        assert post(participant, path, data).status_code == 403, path
    assert post(client_as(champion), f"{url}/999999/remove").status_code == 404
    assert [o.text for o in fresh(session, held).outcomes] == [DECISION.text]


def test_someone_not_on_the_list_records_nothing(session, client_as, held, guest):
    response = post(
        client_as(guest), f"/meetings/{held.slug}/outcomes/new", {"kind": "outcome", "text": "X"}
    )
    assert response.status_code == 403
    assert "Record a decision" not in text_of(client_as(guest).get(f"/meetings/{held.slug}"))
