"""Meetings in search: found with their visibility, never when invited-only or a draft, and
re-indexed when anything of theirs that is indexed changes."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from flask_login import AnonymousUserMixin

from kmrg.attachments.models import Attachment, AttachmentKind
from kmrg.events import services
from kmrg.events.models import (
    AgendaSession,
    Annexure,
    MeetingVisibility,
    Minutes,
    MinutesStatus,
    Outcome,
    OutcomeKind,
    Participant,
    SessionSpeaker,
)
from kmrg.events.permissions import can_view_meeting
from kmrg.events.search import build_meeting_document
from kmrg.search.pipeline import get_pipeline
from kmrg.search.registry import Audience
from tests.events.conftest import invite, meeting_data


def search(client, **params) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', html)


def found_by(client_as, user, word: str) -> list[str]:
    return titles(search(client_as(user), q=word))


def add(session, *records):
    session.add_all(records)
    session.commit()


# -- who finds what ------------------------------------------------------------------------------

VISIBILITY_TABLE = [
    # visibility, draft, who finds it among: anonymous, member, guest (invited), admin
    (MeetingVisibility.PUBLIC, False, {"anonymous", "member", "guest", "admin"}),
    (MeetingVisibility.MEMBERS, False, {"member", "guest", "admin"}),
    # No audience of the index is exactly the invited people, so nobody finds it in search,
    # not even they: they reach it from the meetings list and their invitation.
    (MeetingVisibility.INVITED, False, set()),
    (MeetingVisibility.PUBLIC, True, set()),
    (MeetingVisibility.MEMBERS, True, set()),
]


@pytest.mark.parametrize(("visibility", "is_draft", "finders"), VISIBILITY_TABLE)
def test_who_finds_a_meeting_follows_its_visibility(
    request, session, make_meeting, client_as, guest, visibility, is_draft, finders
):
    meeting = make_meeting(
        title="Quokkameet in Buffalo City", visibility=visibility, is_draft=is_draft
    )
    invite(session, meeting, guest)
    for role in ("anonymous", "member", "guest", "admin"):
        user = None if role == "anonymous" else request.getfixturevalue(role)
        shown = found_by(client_as, user, "quokkameet")
        assert (shown == ["Quokkameet in Buffalo City"]) is (role in finders), role


@pytest.mark.parametrize(("visibility", "is_draft", "_finders"), VISIBILITY_TABLE)
def test_the_audience_agrees_with_who_may_see_the_meeting(
    request, session, make_meeting, guest, visibility, is_draft, _finders
):
    meeting = make_meeting(visibility=visibility, is_draft=is_draft)
    invite(session, meeting, guest)
    document = build_meeting_document(meeting)
    viewers = [AnonymousUserMixin()] + [
        request.getfixturevalue(role) for role in ("member", "guest", "outsider_champion")
    ]
    if document is None:
        return
    if document.audience is Audience.PUBLIC:
        assert all(can_view_meeting(viewer, meeting) for viewer in viewers)
    else:
        assert document.audience is Audience.MEMBERS
        assert not can_view_meeting(viewers[0], meeting)
        assert all(can_view_meeting(viewer, meeting) for viewer in viewers[1:])


def test_an_invited_only_meeting_leaks_into_no_count_facet_or_suggestion(
    session, make_meeting, client_as, admin, other_organisation
):
    make_meeting(title="Public meeting", visibility=MeetingVisibility.PUBLIC)
    make_meeting(
        title="Wombatparley in Msunduzi",
        visibility=MeetingVisibility.INVITED,
        host=other_organisation,
        day=date(2033, 5, 2),
        aims="Settle the wombatparley budget",
    )
    client = client_as(admin)
    html = search(client, q="wombatparley")
    assert titles(html) == []
    assert "0 results" in html
    # A misspelling is not corrected towards the hidden meeting's words.
    assert "Did you mean" not in search(client, q="wombatparly")
    everything = search(client, q="type:meeting")
    assert titles(everything) == ["Public meeting"]
    assert "1 result" in everything
    assert "2033" not in everything
    assert "Msunduzi" not in everything


# -- what is indexed -----------------------------------------------------------------------------


def test_sessions_outcomes_notes_and_annexure_text_are_found(session, make_meeting, client):
    meeting = make_meeting(
        title="KMRG meeting in Buffalo City",
        visibility=MeetingVisibility.PUBLIC,
        notes="The record mentions the *okapiledger* pilot.",
    )
    agenda = AgendaSession(meeting=meeting, title="Tapirmap for ward committees", notes="")
    attachment = Attachment(
        owner_type="meeting",
        owner_id=meeting.id,
        sha256="a" * 64,
        size=100,
        content_type="application/pdf",
        kind=AttachmentKind.PDF,
        display_name="km-capacity.pdf",
        title="",
        extracted_text="Municipal knowledge units report narwhalcount capacity findings.",
    )
    add(session, agenda, attachment)
    add(
        session,
        Outcome(meeting=meeting, kind=OutcomeKind.DECISION, text="Adopt the gerbilplan."),
        Annexure(meeting=meeting, attachment_id=attachment.id, title="KM capacity research"),
    )
    for word in ("okapiledger", "tapirmap", "gerbilplan", "narwhalcount"):
        assert titles(search(client, q=word)) == ["KMRG meeting in Buffalo City"], word
    html = search(client, q="narwhalcount")
    assert "Found in <em>Annexure A: KM capacity research</em> (PDF)" in html
    assert "<mark>narwhalcount</mark>" in html


@pytest.mark.parametrize(
    ("status", "found"),
    [
        (MinutesStatus.DRAFT, False),
        (MinutesStatus.CIRCULATED, False),
        (MinutesStatus.APPROVED, True),
    ],
)
def test_minutes_are_found_only_once_approved(session, make_meeting, client, status, found):
    meeting = make_meeting(title="Meeting with minutes", visibility=MeetingVisibility.PUBLIC)
    minutes = Minutes(meeting=meeting, body="Members agreed the dugongrota.", status=status)
    add(session, minutes)
    assert bool(titles(search(client, q="dugongrota"))) is found


def test_approving_minutes_makes_them_searchable_and_reopening_hides_them(
    session, make_meeting, client
):
    meeting = make_meeting(title="Meeting with minutes", visibility=MeetingVisibility.PUBLIC)
    minutes = Minutes(meeting=meeting, body="Members agreed the dugongrota.")
    add(session, minutes)
    minutes.status = MinutesStatus.CIRCULATED
    session.commit()
    assert titles(search(client, q="dugongrota")) == []
    minutes.status = MinutesStatus.APPROVED
    session.commit()
    assert titles(search(client, q="dugongrota")) == ["Meeting with minutes"]


def test_no_person_is_found_by_name(session, make_meeting, client, member):
    meeting = make_meeting(title="Meeting with people", visibility=MeetingVisibility.PUBLIC)
    agenda = AgendaSession(
        meeting=meeting, title="Welcome", facilitator_name="Kubeshni Quaggafacil"
    )
    add(
        session,
        agenda,
        Participant(meeting=meeting, guest_name="Zolani Quaggaguest", guest_organisation="SACN"),
        Participant(meeting=meeting, user_id=member.id, attended=True),
    )
    add(session, SessionSpeaker(session=agenda, guest_name="Thabo Quaggaspeak"))
    for name in ("quaggafacil", "quaggaguest", "quaggaspeak", "Sipho"):
        assert titles(search(client, q=name)) == [], name
    document = build_meeting_document(meeting)
    assert "Quagga" not in document.matched_text()
    assert "Sipho" not in document.matched_text()


# -- re-indexing ---------------------------------------------------------------------------------


def test_an_edit_is_searchable_after_the_save(session, make_meeting, client, champion):
    meeting = make_meeting(title="Old title", visibility=MeetingVisibility.PUBLIC)
    data = meeting_data(
        title="Capybaraforum in East London",
        host=meeting.host_organisation,
        visibility=MeetingVisibility.PUBLIC,
    )
    services.update_meeting(session, champion, meeting, data, expected_version=meeting.version)
    session.commit()
    assert titles(search(client, q="capybaraforum")) == ["Capybaraforum in East London"]
    assert titles(search(client, q="old title")) == []


def test_making_a_meeting_invited_only_removes_it_from_search(
    session, make_meeting, client_as, champion, member
):
    meeting = make_meeting(title="Ibexsummit", visibility=MeetingVisibility.PUBLIC)
    assert found_by(client_as, member, "ibexsummit") == ["Ibexsummit"]
    data = meeting_data(
        title="Ibexsummit", host=meeting.host_organisation, visibility=MeetingVisibility.INVITED
    )
    services.update_meeting(session, champion, meeting, data, expected_version=meeting.version)
    session.commit()
    assert found_by(client_as, member, "ibexsummit") == []


def test_publishing_an_imported_draft_makes_it_searchable(session, make_meeting, client, champion):
    meeting = make_meeting(title="Lemurmoot", visibility=MeetingVisibility.PUBLIC, is_draft=True)
    assert titles(search(client, q="lemurmoot")) == []
    services.publish_meeting(session, champion, meeting, expected_version=meeting.version)
    session.commit()
    assert titles(search(client, q="lemurmoot")) == ["Lemurmoot"]


def test_changes_to_its_parts_and_its_host_re_index_the_meeting(
    session, make_meeting, client, organisation
):
    meeting = make_meeting(title="Meeting in parts", visibility=MeetingVisibility.PUBLIC)
    agenda = AgendaSession(meeting=meeting, title="First session")
    outcome = Outcome(meeting=meeting, text="A first outcome.")
    add(session, agenda, outcome)
    agenda.title = "Jerboajam session"
    session.commit()
    assert titles(search(client, q="jerboajam")) == ["Meeting in parts"]
    outcome.text = "Agreed on the axolotlpact."
    session.commit()
    assert titles(search(client, q="axolotlpact")) == ["Meeting in parts"]
    session.delete(outcome)
    session.commit()
    assert titles(search(client, q="axolotlpact")) == []
    organisation.name = "Xerusville Metropolitan Municipality"
    session.commit()
    assert titles(search(client, q="xerusville")) == ["Meeting in parts"]


def test_a_file_read_after_upload_makes_its_annexure_searchable(session, make_meeting, client):
    meeting = make_meeting(title="Meeting with a report", visibility=MeetingVisibility.PUBLIC)
    attachment = Attachment(
        owner_type="meeting",
        owner_id=meeting.id,
        sha256="b" * 64,
        size=10,
        content_type="application/pdf",
        kind=AttachmentKind.PDF,
        display_name="report.pdf",
    )
    add(session, attachment)
    add(session, Annexure(meeting=meeting, attachment_id=attachment.id, title="Annual report"))
    assert titles(search(client, q="okapitally")) == []
    attachment.extracted_text = "The okapitally of municipal knowledge units."
    session.commit()
    assert titles(search(client, q="okapitally")) == ["Meeting with a report"]


# -- how a result looks --------------------------------------------------------------------------


def test_a_result_names_its_dates_host_and_status(session, make_meeting, client):
    make_meeting(
        title="KMRG meeting in Buffalo City",
        visibility=MeetingVisibility.PUBLIC,
        day=date(2031, 3, 12),
        days=2,
        starts=time(10, 0),
        aims="Introduce new municipalities\nAgree the business plan",
    )
    html = search(client, q="KMRG Buffalo")
    assert '<p class="result-type">Meeting</p>' in html
    details = re.search(r'<p class="result-details muted">(.*?)</p>', html).group(1)
    assert details == "12–13 March 2031 · Buffalo City Metropolitan Municipality · Planned"
    # Narrowed by type, host and year like every other record.
    for narrowed in ({"type": "meeting"}, {"org": "BUF"}, {"province": "EC"}, {"year": "2031"}):
        assert titles(search(client, q="KMRG", **narrowed)) == ["KMRG meeting in Buffalo City"]


def test_a_rebuild_indexes_exactly_the_meetings_search_may_show(session, make_meeting, guest):
    shown = {
        make_meeting(title="Shown public", visibility=MeetingVisibility.PUBLIC),
        make_meeting(title="Shown to members", visibility=MeetingVisibility.MEMBERS),
    }
    hidden = make_meeting(title="Hidden invited", visibility=MeetingVisibility.INVITED)
    invite(session, hidden, guest)
    make_meeting(title="Hidden draft", visibility=MeetingVisibility.PUBLIC, is_draft=True)
    pipeline = get_pipeline()
    assert pipeline.check().is_clean  # what was indexed as it was saved
    pipeline.rebuild()
    assert pipeline.check().is_clean
    meetings = {key for key in pipeline.expected_keys() if key.startswith("meeting:")}
    assert meetings == {f"meeting:{meeting.id}" for meeting in shown}
