"""Importing a meeting record through the services: the draft it makes, and confirming what was
recognised in it (sessions, attendees, annexures, actions) once and only once."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.attachments.services import make_upload
from kmrg.database import write_transactions
from kmrg.events import importing, services
from kmrg.events.models import (
    ActionItem,
    AgendaSession,
    ImportProposal,
    MeetingStatus,
    Participant,
    ProposalKind,
    ProposalStatus,
)
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.extensions import db
from kmrg.localtime import local_today, to_local
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories

RECORD = """Reference group meeting in Buffalo City, 7 and 8 February 2008

The meeting was hosted by Buffalo City Municipality with the aim of:

- Welcoming the new member municipalities
- Agreeing the year's plan

Session 1: Welcome and introductions

Thandi Champion from Buffalo City Metropolitan Municipality welcomed the delegates.

Ayanda Mkhize from Msunduzi Municipality presented the Msunduzi knowledge audit. [Report attached \
as annexure A]

Lerato Hidden, from Buffalo City, described the new intranet. [Presentation attached as Annexure B]

Session 2: Planning

Ayanda Mkhize will circulate the audit template by 30 March 2008. Cape Town will host the next \
meeting.
"""


def imported(session: Session, actor, series, text: str = RECORD):
    result = importing.import_meeting_record(
        session, actor, series, importing.RecordText(text, "record.txt")
    )
    session.commit()
    return result.meeting


def proposal(session: Session, meeting, kind: ProposalKind, index: int = 0) -> ImportProposal:
    return session.scalars(
        select(ImportProposal)
        .where(ImportProposal.meeting_id == meeting.id, ImportProposal.kind == kind)
        .order_by(ImportProposal.position)
    ).all()[index]


@pytest.fixture
def cape_town(session):
    return factories.make_organisation(
        session,
        code="CPT",
        name="City of Cape Town Metropolitan Municipality",
        kind=OrganisationKind.METROPOLITAN,
        province=Province.WC,
    )


@pytest.fixture
def hidden_member(session, organisation):
    # Profiles are hidden unless the person chooses otherwise (factories' default).
    return factories.make_user(session, name="Lerato Hidden", organisation=organisation)


def test_a_record_makes_a_draft_meeting_with_its_details(session, champion, series, organisation):
    meeting = imported(session, champion, series)
    assert meeting.is_draft
    assert meeting.series_id == series.id
    assert meeting.title == "Reference group meeting in Buffalo City"
    assert to_local(meeting.starts_at).date() == date(2008, 2, 7)
    assert to_local(meeting.ends_at).date() == date(2008, 2, 8)
    assert meeting.host_organisation_id == organisation.id
    assert meeting.aim_list == [
        "Welcoming the new member municipalities",
        "Agreeing the year's plan",
    ]
    assert meeting.notes == RECORD.strip()
    assert "Ayanda Mkhize will circulate" in meeting.notes_html
    # A record of a meeting that took place: it was held.
    assert meeting.status is MeetingStatus.HELD
    assert meeting.created_by_id == champion.id


def test_what_waits_for_confirmation_is_in_document_order(session, champion, series):
    meeting = imported(session, champion, series)
    proposals = session.scalars(
        select(ImportProposal)
        .where(ImportProposal.meeting_id == meeting.id)
        .order_by(ImportProposal.position)
    ).all()
    assert [(p.kind, p.text) for p in proposals] == [
        (ProposalKind.SESSION, "Welcome and introductions"),
        (ProposalKind.ATTENDEE, "Thandi Champion"),
        (ProposalKind.ATTENDEE, "Ayanda Mkhize"),
        (ProposalKind.ANNEXURE, "Annexure A: Msunduzi knowledge audit"),
        (ProposalKind.ATTENDEE, "Lerato Hidden"),
        (ProposalKind.ANNEXURE, "Annexure B: New intranet"),
        (ProposalKind.SESSION, "Planning"),
        (ProposalKind.ACTION, "Ayanda Mkhize will circulate the audit template by 30 March 2008"),
        (ProposalKind.ACTION, "Cape Town will host the next meeting"),
    ]
    assert {p.status for p in proposals} == {ProposalStatus.PENDING}
    # Nothing is recorded before the champion confirms it.
    assert session.scalars(select(AgendaSession)).all() == []
    assert session.scalars(select(Participant)).all() == []
    assert session.scalars(select(ActionItem)).all() == []


def test_a_record_without_a_date_is_a_planned_draft_for_today(session, champion, series):
    meeting = imported(session, champion, series, "Notes of a knowledge café\n\nWe talked.")
    assert to_local(meeting.starts_at).date() == local_today()
    assert to_local(meeting.starts_at).time() == time(9, 0)
    assert meeting.status is MeetingStatus.PLANNED
    assert meeting.host_organisation_id is None


@pytest.mark.parametrize("role", ["member", "applicant"])
def test_only_champions_and_administrators_import_records(request, session, series, role):
    with pytest.raises(PermissionDenied):
        importing.import_meeting_record(
            session, request.getfixturevalue(role), series, importing.RecordText(RECORD, "r.txt")
        )


def test_an_accepted_session_joins_the_agenda_once_as_edited(session, champion, series):
    meeting = imported(session, champion, series)
    first = proposal(session, meeting, ProposalKind.SESSION)
    assert importing.accept_proposal(session, champion, first, text="  Welcome,  introductions ")
    session.commit()
    assert not importing.accept_proposal(session, champion, first, text="Something else")
    session.commit()
    sessions = session.scalars(select(AgendaSession).where(AgendaSession.meeting_id == meeting.id))
    assert [s.title for s in sessions] == ["Welcome, introductions"]
    assert first.status is ProposalStatus.ACCEPTED
    assert first.text == "Welcome, introductions"


def test_a_proposal_accepted_meanwhile_in_another_tab_is_not_recorded_twice(
    app, session, champion, series
):
    meeting = imported(session, champion, series)
    proposal_id = proposal(session, meeting, ProposalKind.SESSION).id
    # The other tab loaded the proposal while it was still pending.
    with Session(db.engine, expire_on_commit=False) as other_tab:
        stale = other_tab.get(ImportProposal, proposal_id)
        other_tab.commit()
        assert stale.status is ProposalStatus.PENDING
        importing.accept_proposal(
            session, champion, proposal(session, meeting, ProposalKind.SESSION)
        )
        session.commit()
        with write_transactions():
            actor = other_tab.merge(champion)
            assert not importing.accept_proposal(other_tab, actor, stale)
            other_tab.commit()
    titles = session.scalars(
        select(AgendaSession.title).where(AgendaSession.meeting_id == meeting.id)
    ).all()
    assert titles == ["Welcome and introductions"]


def test_a_rejected_proposal_stays_rejected(session, champion, series):
    meeting = imported(session, champion, series)
    action = proposal(session, meeting, ProposalKind.ACTION, 1)
    assert importing.reject_proposal(session, champion, action)
    session.commit()
    assert not importing.reject_proposal(session, champion, action)
    with pytest.raises(ValidationError, match="stays rejected"):
        importing.accept_proposal(session, champion, action)
    session.rollback()
    assert session.scalars(select(ActionItem)).all() == []
    assert action.status is ProposalStatus.REJECTED


def test_an_accepted_proposal_cannot_then_be_rejected(session, champion, series):
    meeting = imported(session, champion, series)
    first = proposal(session, meeting, ProposalKind.SESSION)
    importing.accept_proposal(session, champion, first)
    session.commit()
    with pytest.raises(ValidationError, match="accepted already"):
        importing.reject_proposal(session, champion, first)


def test_an_empty_text_is_not_accepted(session, champion, series):
    meeting = imported(session, champion, series)
    with pytest.raises(ValidationError) as refused:
        importing.accept_proposal(
            session, champion, proposal(session, meeting, ProposalKind.ACTION), text=" "
        )
    assert refused.value.field == "text"


def test_attendees_are_members_by_exact_visible_name_and_guests_otherwise(
    session, champion, series, hidden_member
):
    meeting = imported(session, champion, series)
    accepted = importing.accept_all_proposals(session, champion, meeting, ProposalKind.ATTENDEE)
    assert accepted.accepted == 3
    session.commit()
    participants = session.scalars(
        select(Participant).where(Participant.meeting_id == meeting.id).order_by(Participant.id)
    ).all()
    shown = [
        (p.user_id, p.guest_name, p.guest_organisation, p.organisation_id) for p in participants
    ]
    assert shown == [
        (champion.id, "", "", champion.organisation_id),
        (None, "Ayanda Mkhize", "Msunduzi Municipality", None),
        # Her profile is hidden from the champion: her name is not matched to her account.
        (None, "Lerato Hidden", "Buffalo City", None),
    ]
    assert all(p.attended and not p.is_invited for p in participants)
    again = importing.accept_all_proposals(session, champion, meeting, ProposalKind.ATTENDEE)
    assert again.accepted == 0


def test_people_named_for_a_meeting_to_come_are_invited_once_it_is_published(
    session, champion, series, member, outbox
):
    meeting = imported(
        session,
        champion,
        series,
        "Agenda: reference group meeting, 3 March 2031\n\n"
        "Sipho Member will open the meeting. Naledi Dube from Msunduzi Municipality will present.",
    )
    assert meeting.status is MeetingStatus.PLANNED
    first = proposal(session, meeting, ProposalKind.ATTENDEE)
    with pytest.raises(ValidationError, match="publish it first"):
        importing.accept_proposal(session, champion, first)
    session.rollback()
    services.publish_meeting(session, champion, meeting, expected_version=meeting.version)
    session.commit()
    assert (
        importing.accept_all_proposals(session, champion, meeting, ProposalKind.ATTENDEE).accepted
        == 2
    )
    session.commit()
    listed = session.scalars(
        select(Participant).where(Participant.meeting_id == meeting.id).order_by(Participant.id)
    ).all()
    assert [(p.user_id, p.guest_name, p.is_invited, p.attended) for p in listed] == [
        (member.id, "", True, False),
        (None, "Naledi Dube", True, False),
    ]
    assert [message["To"] for message in outbox] == [member.email]


def test_an_attendee_already_on_the_list_is_not_added_again(session, champion, series):
    meeting = imported(session, champion, series)
    first = proposal(session, meeting, ProposalKind.ATTENDEE, 1)
    importing.accept_proposal(session, champion, first)
    again = ImportProposal(meeting_id=meeting.id, kind=ProposalKind.ATTENDEE, text="ayanda mkhize")
    session.add(again)
    session.flush()
    importing.accept_proposal(session, champion, again)
    session.commit()
    assert len(session.scalars(select(Participant)).all()) == 1


def test_accepted_annexures_are_listed_in_the_notes_to_attach(session, champion, series):
    meeting = imported(session, champion, series)
    for index in (0, 1):
        importing.accept_proposal(
            session, champion, proposal(session, meeting, ProposalKind.ANNEXURE, index)
        )
    session.commit()
    assert meeting.notes.endswith(
        "\n\n## Annexures to attach\n\n"
        "- Annexure A: Msunduzi knowledge audit — Ayanda Mkhize (Msunduzi Municipality)\n"
        "- Annexure B: New intranet — Lerato Hidden (Buffalo City)"
    )
    assert "<h2>Annexures to attach</h2>" in meeting.notes_html
    assert "<li>Annexure A: Msunduzi knowledge audit" in meeting.notes_html


def test_accepted_actions_are_owned_and_dated_as_the_record_says(
    session, champion, series, cape_town, other_organisation
):
    meeting = imported(session, champion, series)
    result = importing.accept_all_proposals(session, champion, meeting, ProposalKind.ACTION)
    session.commit()
    # Ayanda Mkhize is no member of the Hub: her action waits for an owner the Hub knows.
    assert result.accepted == 1
    assert result.refusals == (
        "“Ayanda Mkhize will circulate the audit template by 30 March 2008”: The Hub knows no "
        "one member you may see, nor one organisation, as “Ayanda Mkhize”: give the owner's "
        "full name as the Hub has it, or an organisation's name or code.",
    )
    waiting = proposal(session, meeting, ProposalKind.ACTION)
    assert waiting.status is ProposalStatus.PENDING
    importing.accept_proposal(session, champion, waiting, detail="Msunduzi Municipality")
    session.commit()
    actions = session.scalars(
        select(ActionItem).where(ActionItem.meeting_id == meeting.id).order_by(ActionItem.id)
    ).all()
    assert [(a.description, a.owner_organisation_id, a.due_on) for a in actions] == [
        ("Cape Town will host the next meeting", cape_town.id, None),
        (
            "Ayanda Mkhize will circulate the audit template by 30 March 2008",
            other_organisation.id,
            date(2008, 3, 30),
        ),
    ]
    assert {a.created_by_id for a in actions} == {champion.id}


def test_an_action_needs_an_owner_to_be_accepted(session, champion, series):
    meeting = imported(session, champion, series)
    with pytest.raises(ValidationError, match="Say who owns this action") as refused:
        importing.accept_proposal(
            session, champion, proposal(session, meeting, ProposalKind.ACTION), detail=" "
        )
    assert refused.value.field == "detail"


def test_an_action_owned_by_a_member_is_theirs(session, champion, series):
    meeting = imported(session, champion, series)
    action = proposal(session, meeting, ProposalKind.ACTION)
    importing.accept_proposal(session, champion, action, detail="Thandi Champion")
    session.commit()
    assert session.scalars(select(ActionItem)).one().owner_user_id == champion.id


def test_only_the_meetings_organisers_confirm_its_proposals(
    session, champion, series, outsider_champion, member
):
    meeting = imported(session, champion, series)
    first = proposal(session, meeting, ProposalKind.SESSION)
    for person in (outsider_champion, member):
        with pytest.raises(PermissionDenied):
            importing.accept_proposal(session, person, first)
        with pytest.raises(PermissionDenied):
            importing.reject_proposal(session, person, first)
        with pytest.raises(PermissionDenied):
            importing.accept_all_proposals(session, person, meeting, ProposalKind.SESSION)


# Reading the file


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "Meeting in Msunduzi, 3 March 2011 – café".encode("cp1252"),
            "Meeting in Msunduzi, 3 March 2011 – café",
        ),
        ("\ufeffMeeting in Msunduzi".encode(), "Meeting in Msunduzi"),
        ("Meeting in Msunduzi\r\nSecond line".encode("utf-16"), "Meeting in Msunduzi\nSecond line"),
    ],
)
def test_plain_text_is_read_in_the_encodings_windows_saves(app, data, expected):
    record = importing.read_meeting_record(make_upload(data, "record.txt"))
    assert record.text == expected
    assert record.file_name == "record.txt"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "record.txt", "That file is empty."),
        (b"  \n\n ", "record.md", "That file is empty."),
        (b"\x00\x01binary", "record.txt", "not plain text"),
        (b"just words", "record.docx", "looks like a kind of file the Hub cannot recognise"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 50, "scan.png", "looks like a PNG image"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(app, data, name, message):
    with pytest.raises(ValidationError, match=message) as refused:
        importing.read_meeting_record(make_upload(data, name))
    assert refused.value.field == "file"
