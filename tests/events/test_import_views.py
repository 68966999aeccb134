"""Importing a meeting record through the real app: upload, review, accept or reject, publish."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kmrg.auth.models import ProfileVisibility
from kmrg.events.models import (
    ActionItem,
    AgendaSession,
    ImportProposal,
    Meeting,
    Participant,
    ProposalKind,
    ProposalStatus,
)
from kmrg.localtime import to_local
from tests import factories
from tests.factories import post

RECORD_TEXT = """Reference group meeting in Msunduzi, 12 May 2009

The meeting was hosted by Buffalo City Municipality with the aim of:

- Reviewing the expert directory

Session 1: The expert directory

Nandi Zulu from Msunduzi Municipality presented the directory's first year. [Presentation \
attached as annexure A]

Nandi Zulu will share the directory's search terms by 30 June 2009.
"""


def text_of(response) -> str:
    return response.get_data(as_text=True)


def make_docx() -> bytes:
    """Return a Word record, written as a secretariat would (list bullets, headings)."""
    import docx

    document = docx.Document()
    document.add_heading("KMRG meeting in East London, 7–8 February 2008", level=1)
    document.add_paragraph(
        "The second meeting was hosted by Buffalo City Municipality with the aim of:"
    )
    document.add_paragraph("Welcoming the new member municipalities", style="List Bullet")
    document.add_paragraph("Agreeing the business plan for 2008", style="List Bullet")
    document.add_heading("Session 1: Reflection and new partnerships", level=2)
    document.add_paragraph(
        "Nandi Zulu from Msunduzi Municipality described the municipal knowledge audit. "
        "[Report attached as annexure A]"
    )
    document.add_heading("Session 2: Planning for 2008", level=2)
    document.add_paragraph(
        "Pieter Botha will prepare a first draft of the business plan and circulate it for "
        "comment. Cape Town will host the next meeting."
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(client, series, data: bytes, name: str, **extra):
    return post(
        client,
        "/meetings/import",
        {"series": series.slug, "file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def meetings_count(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Meeting))


def the_meeting(session) -> Meeting:
    session.rollback()
    session.expire_all()
    return session.scalars(select(Meeting)).one()


def proposals_of(session, meeting, kind: ProposalKind) -> list[ImportProposal]:
    session.rollback()
    session.expire_all()
    return session.scalars(
        select(ImportProposal)
        .where(ImportProposal.meeting_id == meeting.id, ImportProposal.kind == kind)
        .order_by(ImportProposal.position)
    ).all()


@pytest.fixture
def imported(client_as, champion, series, session):
    """A record imported by the champion; returns (their client, the draft meeting)."""
    client = client_as(champion)
    response = upload(client, series, RECORD_TEXT.encode(), "may-2009.txt")
    assert response.status_code == 302
    return client, the_meeting(session)


# Who may import


def test_importing_needs_a_signed_in_champion(client, client_as, member, series, session):
    response = client.get("/meetings/import")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client_as(member).get("/meetings/import").status_code == 403
    assert upload(client_as(member), series, RECORD_TEXT.encode(), "r.txt").status_code == 403
    assert meetings_count(session) == 0


def test_an_upload_without_the_forms_token_is_refused(client_as, champion, series, session):
    response = client_as(champion).post(
        "/meetings/import",
        data={"series": series.slug, "file": (io.BytesIO(RECORD_TEXT.encode()), "r.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert meetings_count(session) == 0


def test_the_import_page_offers_the_series(client_as, champion, series):
    page = text_of(client_as(champion).get("/meetings/import"))
    assert "<h1>Import a meeting record</h1>" in page
    assert f'<option value="{series.slug}">KMRG quarterly meetings</option>' in page
    assert 'enctype="multipart/form-data"' in page
    assert "up to 25 MB" in page


def test_without_a_series_the_page_says_one_is_needed_first(client_as, champion):
    page = text_of(client_as(champion).get("/meetings/import"))
    assert "No series of meetings has been started yet" in page
    assert 'type="file"' not in page


def test_the_meetings_page_links_to_the_import(client_as, champion, member):
    assert 'href="/meetings/import"' in text_of(client_as(champion).get("/meetings/"))
    assert 'href="/meetings/import"' not in text_of(client_as(member).get("/meetings/"))


# Uploading


def test_a_word_record_becomes_a_draft_with_proposals(
    client_as, champion, member, series, organisation, session
):
    client = client_as(champion)
    response = upload(client, series, make_docx(), "KMRG February 2008.docx")
    assert response.status_code == 302
    meeting = the_meeting(session)
    assert response.headers["Location"].endswith(f"/meetings/{meeting.slug}/import")
    assert meeting.is_draft
    assert meeting.title == "KMRG meeting in East London"
    assert to_local(meeting.starts_at).strftime("%d %B %Y") == "07 February 2008"
    assert to_local(meeting.ends_at).strftime("%d %B %Y") == "08 February 2008"
    assert meeting.host_organisation_id == organisation.id
    assert meeting.aim_list == [
        "Welcoming the new member municipalities",
        "Agreeing the business plan for 2008",
    ]
    assert "Nandi Zulu from Msunduzi Municipality" in meeting.notes
    kinds_and_texts = [
        (p.kind, p.text)
        for p in session.scalars(
            select(ImportProposal)
            .where(ImportProposal.meeting_id == meeting.id)
            .order_by(ImportProposal.position)
        )
    ]
    assert kinds_and_texts == [
        (ProposalKind.SESSION, "Reflection and new partnerships"),
        (ProposalKind.ATTENDEE, "Nandi Zulu"),
        (ProposalKind.ANNEXURE, "Annexure A: Municipal knowledge audit"),
        (ProposalKind.SESSION, "Planning for 2008"),
        (ProposalKind.ATTENDEE, "Pieter Botha"),
        (
            ProposalKind.ACTION,
            "Pieter Botha will prepare a first draft of the business plan and circulate it "
            "for comment",
        ),
        (ProposalKind.ACTION, "Cape Town will host the next meeting"),
    ]
    page = text_of(client.get(response.headers["Location"]))
    assert "is a draft made from KMRG February 2008.docx, with 7 things to confirm" in page
    assert "Reflection and new partnerships" in page
    # Nobody else sees the draft.
    assert client_as(member).get(f"/meetings/{meeting.slug}").status_code == 404


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "record.txt", "That file is empty."),
        (b"PK\x03\x04 not really a document", "record.docx", "That file is damaged"),
        (b"%PDF-1.4\nnot a real PDF", "record.pdf", "The Hub could not read the text of that file"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 64, "photo.png", "That file looks like a PNG image"),
    ],
)
def test_an_unreadable_or_empty_file_is_refused_and_nothing_is_made(
    client_as, champion, series, session, data, name, message
):
    response = upload(client_as(champion), series, data, name)
    assert response.status_code == 200
    assert message in text_of(response)
    assert meetings_count(session) == 0


def test_a_series_must_be_chosen(client_as, champion, series, session):
    response = post(
        client_as(champion),
        "/meetings/import",
        {"series": "", "file": (io.BytesIO(RECORD_TEXT.encode()), "r.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Choose the series the meeting belongs to." in text_of(response)
    assert meetings_count(session) == 0


# Reviewing


def test_accepting_a_proposal_records_it_as_edited_and_only_once(imported, session):
    client, meeting = imported
    (session_proposal,) = proposals_of(session, meeting, ProposalKind.SESSION)
    url = f"/meetings/{meeting.slug}/import/{session_proposal.id}"
    response = post(
        client, url, {"text": "The directory, one year on", "detail": "", "accept": "Accept"}
    )
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "“The directory, one year on” is on the agenda." in page
    again = post(client, url, {"text": "Twice", "accept": "Accept"}, follow_redirects=True)
    assert "This was accepted already; nothing was added again." in text_of(again)
    session.rollback()
    titles = session.scalars(select(AgendaSession.title)).all()
    assert titles == ["The directory, one year on"]


def test_a_rejected_proposal_records_nothing_and_stays_rejected(imported, session):
    client, meeting = imported
    (action,) = proposals_of(session, meeting, ProposalKind.ACTION)
    url = f"/meetings/{meeting.slug}/import/{action.id}"
    rejected = post(client, url, {"text": action.text, "reject": "Reject"}, follow_redirects=True)
    assert "Rejected: nothing was recorded from it." in text_of(rejected)
    accepted = post(client, url, {"text": action.text, "accept": "Accept"}, follow_redirects=True)
    assert "You rejected this proposal earlier; it stays rejected." in text_of(accepted)
    assert session.scalars(select(ActionItem)).all() == []
    assert proposals_of(session, meeting, ProposalKind.ACTION)[0].status is ProposalStatus.REJECTED


def test_accept_all_of_a_kind(imported, session):
    client, meeting = imported
    response = post(
        client,
        f"/meetings/{meeting.slug}/import/accept-all",
        {"kind": "attendee"},
        follow_redirects=True,
    )
    assert "1 accepted: people named (attendees and speakers)." in text_of(response)
    session.rollback()
    (participant,) = session.scalars(select(Participant)).all()
    assert (participant.guest_name, participant.guest_organisation) == (
        "Nandi Zulu",
        "Msunduzi Municipality",
    )


def test_an_accepted_annexure_waits_in_the_notes_and_its_form_is_filled_in(
    imported, session, other_organisation
):
    client, meeting = imported
    (annexure,) = proposals_of(session, meeting, ProposalKind.ANNEXURE)
    add_url = f"/meetings/{meeting.slug}/annexures/new?proposal={annexure.id}"
    # Not yet accepted: the form starts empty.
    assert 'value="Directory' not in text_of(client.get(add_url))
    post(
        client,
        f"/meetings/{meeting.slug}/import/{annexure.id}",
        {"text": annexure.text, "detail": annexure.detail, "accept": "Accept"},
    )
    page = text_of(client.get(f"/meetings/{meeting.slug}"))
    assert "<h2>Annexures to attach</h2>" in page
    assert (
        "<li>Annexure A: Directory's first year — Nandi Zulu (Msunduzi Municipality)</li>" in page
    )
    review = text_of(client.get(f"/meetings/{meeting.slug}/import"))
    assert f'href="{add_url}"' in review
    form = text_of(client.get(add_url))
    assert 'value="Directory&#39;s first year"' in form
    assert 'value="Nandi Zulu"' in form
    assert '<option selected value="KZN225">' in form


def test_the_review_page_is_for_the_meetings_organisers(
    imported, client_as, member, outsider_champion, admin, session
):
    _, meeting = imported
    url = f"/meetings/{meeting.slug}/import"
    assert client_as(None).get(url).status_code == 302
    # A draft is not acknowledged to anyone who may not see it.
    assert client_as(member).get(url).status_code == 404
    assert client_as(outsider_champion).get(url).status_code == 404
    assert client_as(admin).get(url).status_code == 200
    (action,) = proposals_of(session, meeting, ProposalKind.ACTION)
    refused = post(client_as(outsider_champion), f"{url}/{action.id}", {"accept": "Accept"})
    assert refused.status_code == 404
    assert session.scalars(select(ActionItem)).all() == []


def test_once_published_the_meeting_is_seen_but_its_review_is_not_for_members(
    imported, client_as, member, session
):
    client, meeting = imported
    review = text_of(client.get(f"/meetings/{meeting.slug}/import"))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', review).group(1)
    published = post(
        client, f"/meetings/{meeting.slug}/publish", {"version": version}, follow_redirects=True
    )
    assert "is published" in text_of(published)
    assert client_as(member).get(f"/meetings/{meeting.slug}").status_code == 200
    assert client_as(member).get(f"/meetings/{meeting.slug}/import").status_code == 403


def test_the_meeting_page_tells_its_organisers_what_waits(imported, session):
    client, meeting = imported
    page = text_of(client.get(f"/meetings/{meeting.slug}"))
    assert "4 things from the imported record wait for you." in page
    assert f'href="/meetings/{meeting.slug}/import"' in page


def test_a_proposal_of_another_meeting_is_not_found(imported, make_meeting, session):
    client, meeting = imported
    other = make_meeting(title="Another meeting")
    (action,) = proposals_of(session, meeting, ProposalKind.ACTION)
    response = post(client, f"/meetings/{other.slug}/import/{action.id}", {"accept": "Accept"})
    assert response.status_code == 404
    assert client.get(f"/meetings/{other.slug}/import").status_code == 404


def test_a_person_who_is_a_visible_member_is_shown_as_linked(client_as, champion, series, session):
    client = client_as(champion)
    upload(client, series, b"Meeting, 3 March 2011\n\nThandi Champion welcomed everyone.", "r.txt")
    meeting = the_meeting(session)
    page = text_of(client.get(f"/meetings/{meeting.slug}/import"))
    assert "Will be linked to the member" in page
    assert f'href="/people/{champion.id}"' in page


def test_an_action_whose_owner_the_hub_does_not_know_waits_for_one(
    imported, session, other_organisation
):
    client, meeting = imported
    response = post(
        client,
        f"/meetings/{meeting.slug}/import/accept-all",
        {"kind": "action"},
        follow_redirects=True,
    )
    page = text_of(response)
    assert "0 accepted: action items." in page
    assert "1 could not be accepted as they are, and wait for you" in page
    assert "as “Nandi Zulu”" in page
    (action,) = proposals_of(session, meeting, ProposalKind.ACTION)
    accepted = post(
        client,
        f"/meetings/{meeting.slug}/import/{action.id}",
        {"text": action.text, "detail": "Msunduzi", "accept": "Accept"},
        follow_redirects=True,
    )
    assert "is recorded." in text_of(accepted)
    session.rollback()
    recorded = session.scalars(select(ActionItem)).one()
    assert recorded.owner_organisation_id == other_organisation.id
    assert recorded.due_on.isoformat() == "2009-06-30"


SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@pytest.mark.skipif(
    not list(SEEDS.glob("000_*.txt")),
    reason=f"the reference group's meeting record is not on this machine ({SEEDS}/000_*.txt)",
)
def test_the_reference_groups_record_imports_as_a_draft_to_review(
    client_as, champion, series, organisation, session
):
    client = client_as(champion)
    seed = next(SEEDS.glob("000_*.txt"))
    response = upload(client, series, seed.read_bytes(), "kmrg-february-2008.txt")
    assert response.status_code == 302
    meeting = the_meeting(session)
    assert meeting.is_draft
    assert meeting.host_organisation_id == organisation.id
    assert to_local(meeting.starts_at).date().isoformat() == "2008-02-07"
    assert to_local(meeting.ends_at).date().isoformat() == "2008-02-08"
    assert len(meeting.aim_list) == 4
    sessions = [p.text for p in proposals_of(session, meeting, ProposalKind.SESSION)]
    assert sessions == ["Reflection and forming new partnerships", "Planning for 2008"]
    letters = [p.text[:10] for p in proposals_of(session, meeting, ProposalKind.ANNEXURE)]
    assert letters == [f"Annexure {letter}" for letter in "ABCDEF"]
    page = text_of(client.get(response.headers["Location"]))
    assert "Annexure B: Government wide knowledge management system" in page


@pytest.mark.parametrize(
    ("visibility", "linked"),
    [
        (ProfileVisibility.HIDDEN, False),
        (ProfileVisibility.MEMBERS, True),
        (ProfileVisibility.PUBLIC, True),
    ],
)
def test_a_named_member_is_linked_only_where_their_profile_may_be_seen(
    client_as, champion, series, session, other_organisation, visibility, linked
):
    person = factories.make_user(
        session,
        name="Palesa Radebe",
        organisation=other_organisation,
        profile_visibility=visibility,
    )
    client = client_as(champion)
    upload(client, series, b"Meeting, 3 March 2011\n\nPalesa Radebe welcomed everyone.", "r.txt")
    meeting = the_meeting(session)
    page = text_of(client.get(f"/meetings/{meeting.slug}/import"))
    assert ("Will be linked to the member" in page) is linked
    assert (f'href="/people/{person.id}"' in page) is linked
    # The organisation a hidden member chose not to show is not shown either.
    assert ("Msunduzi Local Municipality" in page) is linked
    (attendee,) = proposals_of(session, meeting, ProposalKind.ATTENDEE)
    post(client, f"/meetings/{meeting.slug}/import/{attendee.id}", {"accept": "Accept"})
    session.rollback()
    (participant,) = session.scalars(select(Participant)).all()
    assert (participant.user_id == person.id) is linked
