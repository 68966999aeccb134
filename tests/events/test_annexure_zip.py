"""All of a meeting's annexures in one ZIP: streamed, with safe, unique, lettered entry names."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime

import pytest

from kmrg.attachments.services import make_upload
from kmrg.events.annexure_zip import (
    CHUNK_BYTES,
    ZipEntry,
    clean_title,
    entry_name,
    stream_zip,
)
from kmrg.events.annexures import AnnexureData, add_annexure
from kmrg.events.models import MeetingVisibility
from tests.attachments.files import make_docx, make_pdf
from tests.events.conftest import invite


@pytest.mark.parametrize(
    ("title", "cleaned"),
    [
        ("Urban Renewal Programme", "Urban Renewal Programme"),
        ("../../etc/passwd", "etc passwd"),
        ("..\\..\\windows\\system32", "windows system32"),
        ("Tea\x00time", "Tea time"),
        ("Bell\x07 and escape\x1b[31m", "Bell and escape [31m"),
        # A right-to-left override would make the name read backwards from it.
        ("report\u202egpj.exe", "report gpj.exe"),
        ("Slides: Q1/Q2 <draft>?", "Slides Q1 Q2 draft"),
        ("...hidden", "hidden"),
        ("trailing dots...", "trailing dots"),
        ("Ukuphathwa kolwazi — eThekwini", "Ukuphathwa kolwazi — eThekwini"),
        ("   ", "Annexure"),
        ("////", "Annexure"),
    ],
)
def test_titles_become_harmless_file_names(title, cleaned):
    assert clean_title(title) == cleaned


def test_a_long_title_is_cut_to_a_length_every_file_system_takes():
    cleaned = clean_title("Ukuphathwa kolwazi " * 20)
    assert len(cleaned) <= 80 and not cleaned.endswith(" ")
    wide = clean_title("知识管理" * 100)  # three bytes a character in UTF-8
    assert len(wide.encode("utf-8")) <= 160


def test_entry_names_are_lettered_and_unique_ignoring_case():
    taken: set[str] = set()
    first = entry_name("A", "Slides", ".pdf", taken)
    second = entry_name("A", "SLIDES", ".pdf", taken)
    assert (first, second) == ("A - Slides.pdf", "A - SLIDES (2).pdf")


def test_the_archive_is_written_a_chunk_at_a_time(tmp_path):
    big = tmp_path / "big"
    big.write_bytes(os.urandom(5 * CHUNK_BYTES))
    entries = [ZipEntry("A - Big.pdf", big, big.stat().st_size, datetime(2008, 2, 7, tzinfo=UTC))]
    pieces = list(stream_zip(entries))
    # Random bytes do not compress: one piece per chunk read, none holding the whole file.
    assert len(pieces) >= 5
    assert max(len(piece) for piece in pieces) < 2 * CHUNK_BYTES
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.testzip() is None
    assert archive.read("A - Big.pdf") == big.read_bytes()
    # Dates are South African time: 02:00 SAST for midnight UTC.
    assert archive.getinfo("A - Big.pdf").date_time == (2008, 2, 7, 2, 0, 0)


HOSTILE = [
    ("Urban Renewal Programme", "urp.pdf", make_pdf("Urban renewal")),
    ("../../etc/passwd", "passwd.pdf", make_pdf("passwd")),
    ("Ukuphathwa kolwazi eThekwini " * 6, "long.docx", make_docx("isiZulu")),
    ("Bell\x07 and \u202eright-to-left", "rtl.PDF", make_pdf("rtl")),
]


def test_one_zip_holds_every_annexure_under_safe_names_with_its_bytes(
    session, client_as, make_meeting, champion, member
):
    meeting = make_meeting(title="KMRG meeting in Buffalo City")
    for title, filename, data in HOSTILE:
        add_annexure(session, champion, meeting, make_upload(data, filename), AnnexureData(title))
    session.commit()
    response = client_as(member).get(f"/meetings/{meeting.slug}/annexures.zip")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="kmrg-meeting-in-buffalo-city-annexures.zip"; '
        "filename*=UTF-8''kmrg-meeting-in-buffalo-city-annexures.zip"
    )
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = archive.namelist()
    assert names[:2] == ["A - Urban Renewal Programme.pdf", "B - etc passwd.pdf"]
    assert names[2].startswith("C - Ukuphathwa kolwazi eThekwini") and names[2].endswith(".docx")
    assert names[3] == "D - Bell and right-to-left.pdf"
    for name in names:
        assert "/" not in name and "\\" not in name and ".." not in name
        assert all(ord(c) >= 32 for c in name) and len(name.encode("utf-8")) <= 200
    assert [archive.read(name) for name in names] == [data for _, _, data in HOSTILE]


def test_the_zip_is_hidden_from_whoever_may_not_see_the_meeting(
    session, client_as, make_meeting, champion, guest
):
    members_only = make_meeting(title="Members only")
    invited_only = make_meeting(title="Invited only", visibility=MeetingVisibility.INVITED)
    for meeting in (members_only, invited_only):
        add_annexure(
            session, champion, meeting, make_upload(make_pdf("x"), "x.pdf"), AnnexureData("X")
        )
    session.commit()
    assert client_as(None).get(f"/meetings/{members_only.slug}/annexures.zip").status_code == 404
    assert client_as(guest).get(f"/meetings/{invited_only.slug}/annexures.zip").status_code == 404
    invite(session, invited_only, guest)
    assert client_as(guest).get(f"/meetings/{invited_only.slug}/annexures.zip").status_code == 200


def test_a_meeting_without_annexures_has_no_zip_and_no_link(client_as, meeting, member):
    client = client_as(member)
    assert client.get(f"/meetings/{meeting.slug}/annexures.zip").status_code == 404
    assert "annexures.zip" not in client.get(f"/meetings/{meeting.slug}").get_data(as_text=True)
