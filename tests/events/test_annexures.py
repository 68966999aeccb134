"""Annexures through the services: lettered by position, added by organisers (and by
participants once the meeting is held), reordered and removed by organisers, their files stored
by the attachments area."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kmrg.attachments.models import Attachment
from kmrg.attachments.services import make_upload, remove_attachment
from kmrg.events.annexures import (
    AnnexureData,
    add_annexure,
    annexure_letter,
    list_annexures,
    move_annexure,
    remove_annexure,
)
from kmrg.events.models import Annexure, MeetingStatus
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import StaleEditError
from tests.attachments.files import make_pdf
from tests.events.conftest import invite


@pytest.mark.parametrize(
    ("index", "letter"),
    [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"), (701, "ZZ"),
     (702, "AAA")],
)  # fmt: skip
def test_annexures_are_lettered_like_spreadsheet_columns(index, letter):
    assert annexure_letter(index) == letter


def test_there_is_no_letter_before_a():
    with pytest.raises(ValueError, match="0 or more"):
        annexure_letter(-1)


def attach(session, actor, meeting, title="", text="knowledge audit", **details):
    annexure = add_annexure(
        session,
        actor,
        meeting,
        make_upload(make_pdf(text), f"{title or 'slides'}.pdf"),
        AnnexureData(title=title, **details),
    )
    session.commit()
    return annexure


def letters(session, meeting):
    return [(item.letter, item.title) for item in list_annexures(session, meeting)]


def test_an_organiser_attaches_annexures_lettered_in_order(session, champion, meeting):
    attach(session, champion, meeting, "SACN research on KM capacity")
    attach(session, champion, meeting, "Government-wide KM system", presenter_name="B. Matomela")
    assert letters(session, meeting) == [
        ("A", "SACN research on KM capacity"),
        ("B", "Government-wide KM system"),
    ]
    attachment = session.scalar(select(Attachment).order_by(Attachment.id.desc()))
    assert (attachment.owner_type, attachment.owner_id) == ("meeting", meeting.id)


def test_a_blank_title_takes_the_file_name(session, champion, meeting):
    add_annexure(
        session,
        champion,
        meeting,
        make_upload(make_pdf("x"), "BCM KM strategy.pdf"),
        AnnexureData(),
    )
    assert letters(session, meeting) == [("A", "BCM KM strategy")]


def test_participants_add_annexures_only_once_the_meeting_is_held(
    session, make_meeting, member, guest
):
    planned = make_meeting(title="Planned meeting")
    held = make_meeting(title="Held meeting", status=MeetingStatus.HELD)
    for meeting in (planned, held):
        invite(session, meeting, guest)
    with pytest.raises(PermissionDenied):
        attach(session, guest, planned, "Too early")
    session.rollback()
    with pytest.raises(PermissionDenied):
        attach(session, member, held, "Not on the list")
    session.rollback()
    attach(session, guest, held, "Msunduzi KM approach", presenter_id=guest.id)
    assert letters(session, held) == [("A", "Msunduzi KM approach")]


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"presenter_id": -5}, "presenter_id"),
        ({"presenter_name": "Someone", "presenter_id": "champion"}, "presenter_name"),
        ({"session_id": 99999}, "session_id"),
        ({"presenting_organisation_id": 99999}, "presenting_organisation"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_bad_details_are_refused_before_any_file_is_stored(
    session, champion, meeting, details, field
):
    if details.get("presenter_id") == "champion":
        details["presenter_id"] = champion.id
    with pytest.raises(ValidationError) as refused:
        add_annexure(
            session, champion, meeting, make_upload(make_pdf("x"), "a.pdf"), AnnexureData(**details)
        )
    assert refused.value.field == field
    session.rollback()
    assert session.scalar(select(func.count(Attachment.id))) == 0


def test_a_person_not_on_the_meeting_cannot_be_named_presenter(session, champion, meeting, member):
    with pytest.raises(ValidationError, match="from the list"):
        attach(session, champion, meeting, "Slides", presenter_id=member.id)
    session.rollback()
    invite(session, meeting, member)
    attach(session, champion, meeting, "Slides", presenter_id=member.id)
    assert list_annexures(session, meeting)[0].annexure.presenter_id == member.id


def test_a_refused_file_is_refused_on_the_file_field(session, champion, meeting):
    with pytest.raises(ValidationError) as refused:
        add_annexure(
            session,
            champion,
            meeting,
            make_upload(b"MZ\x90\x00 a program", "slides.pdf"),
            AnnexureData(title="Slides"),
        )
    assert refused.value.field == "file"


def test_organisers_move_annexures_and_the_letters_follow(session, champion, meeting):
    first, second, third = (attach(session, champion, meeting, t) for t in ("One", "Two", "Three"))
    move_annexure(session, champion, third, -1, expected_index=2)
    session.commit()
    assert letters(session, meeting) == [("A", "One"), ("B", "Three"), ("C", "Two")]
    move_annexure(session, champion, first, 1, expected_index=0)
    session.commit()
    assert letters(session, meeting) == [("A", "Three"), ("B", "One"), ("C", "Two")]
    assert second.position == 2


def test_a_move_from_a_stale_page_does_nothing(session, champion, meeting):
    attach(session, champion, meeting, "One")
    second = attach(session, champion, meeting, "Two")
    with pytest.raises(StaleEditError):
        move_annexure(session, champion, second, -1, expected_index=0)
    session.rollback()
    assert letters(session, meeting) == [("A", "One"), ("B", "Two")]


def test_the_first_cannot_move_up_nor_the_last_down(session, champion, meeting):
    first = attach(session, champion, meeting, "One")
    with pytest.raises(ValidationError, match="Annexure A is first already"):
        move_annexure(session, champion, first, -1, expected_index=0)
    with pytest.raises(ValidationError, match="Annexure A is last already"):
        move_annexure(session, champion, first, 1, expected_index=0)


def test_removing_an_annexure_removes_its_file_and_reletters_the_rest(session, champion, meeting):
    first = attach(session, champion, meeting, "One")
    attach(session, champion, meeting, "Two")
    remove_annexure(session, champion, first)
    session.commit()
    assert letters(session, meeting) == [("A", "Two")]
    assert session.scalar(select(func.count(Attachment.id))) == 1


def test_only_organisers_move_and_remove(session, make_meeting, champion, guest):
    meeting = make_meeting(status=MeetingStatus.HELD)
    invite(session, meeting, guest)
    annexure = attach(session, guest, meeting, "Guest's slides")
    with pytest.raises(PermissionDenied):
        move_annexure(session, guest, annexure, 1, expected_index=0)
    with pytest.raises(PermissionDenied):
        remove_annexure(session, guest, annexure)
    # Nor through the attachments area's own removal: the file stays with its annexure.
    attachment = session.get(Attachment, annexure.attachment_id)
    with pytest.raises(PermissionDenied):
        remove_attachment(session, guest, attachment)
    session.rollback()
    remove_annexure(session, champion, annexure)
    session.commit()
    assert session.scalar(select(func.count(Annexure.id))) == 0
