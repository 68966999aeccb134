"""Storing, extracting and removing attachments, through the services and queries directly."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from kmrg.attachments.extraction import read_text
from kmrg.attachments.models import Attachment, AttachmentKind, ExtractionStatus
from kmrg.attachments.queries import (
    attachments_by_owner,
    attachments_for,
    get_attachment_or_none,
    is_blob_referenced,
)
from kmrg.attachments.services import (
    make_upload,
    remove_attachment,
    store_attachment,
    sweep_unreferenced_files,
)
from kmrg.attachments.storage import blob_path, content_hash
from kmrg.audit.models import AuditEvent
from kmrg.exceptions import PermissionDenied, ValidationError
from tests.attachments import files
from tests.attachments.conftest import OWNER, PRIVATE_OWNER, PUBLIC_OWNER


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_champion_attaches_a_pdf(app, session, champion):
    data = files.make_pdf("Buffalo City raised its collection rate")
    attachment = store_attachment(
        session,
        champion,
        make_upload(data, "Revenue report.pdf"),
        OWNER,
        PUBLIC_OWNER,
        "  The  report ",
    )
    # The upload reads no text: that is the background extractor's work, after the commit.
    assert attachment.extraction_status is ExtractionStatus.PENDING
    assert attachment.extracted_text == ""
    session.commit()  # the tests' extractor runs inline, right after the commit
    session.refresh(attachment)

    assert attachment.id is not None
    assert (attachment.owner_type, attachment.owner_id) == (OWNER, PUBLIC_OWNER)
    assert attachment.kind is AttachmentKind.PDF
    assert attachment.content_type == "application/pdf"
    assert attachment.display_name == "Revenue report.pdf"
    assert attachment.title == "The report"
    assert attachment.size == len(data)
    assert attachment.sha256 == content_hash(data)
    assert attachment.uploaded_by_id == champion.id
    assert "collection rate" in attachment.extracted_text
    assert attachment.extraction_status is ExtractionStatus.DONE
    assert attachment.extraction_attempts == 1
    assert attachment.extracted_at is not None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "attachment.added")).one()
    assert event.actor_id == champion.id
    assert event.target_type == "attachments"
    assert event.target_id == str(attachment.id)


def test_the_file_is_stored_under_its_hash_only(app, session, champion):
    data = files.make_pdf("hash only")
    attachment = store_attachment(
        session, champion, make_upload(data, "../../secret plan.pdf"), OWNER, PUBLIC_OWNER
    )
    [stored] = stored_files(app)
    relative = stored.relative_to(app.config["UPLOAD_DIR"]).as_posix()
    sha = attachment.sha256
    assert relative == f"{sha[:2]}/{sha[2:4]}/{sha}"
    assert stored.read_bytes() == data
    assert stored == blob_path(app.config["UPLOAD_DIR"], sha)


def test_identical_content_is_stored_once(app, session, champion):
    data = files.make_png()
    first = store_attachment(session, champion, make_upload(data, "a.png"), OWNER, PUBLIC_OWNER)
    second = store_attachment(session, champion, make_upload(data, "b.png"), OWNER, PRIVATE_OWNER)
    session.commit()
    assert first.sha256 == second.sha256
    assert first.id != second.id
    assert len(stored_files(app)) == 1


def test_no_temporary_files_are_left_behind(app, session, champion):
    store_attachment(session, champion, make_upload(files.make_png(), "a.png"), OWNER, PUBLIC_OWNER)
    assert [p.name for p in stored_files(app) if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("make", "name", "words"),
    [
        (files.make_pdf, "a.pdf", "municipal indaba"),
        (files.make_docx, "a.docx", "municipal indaba"),
        (files.make_pptx, "a.pptx", "municipal indaba"),
        (files.make_xlsx, "a.xlsx", "municipal indaba"),
        (files.make_odt, "a.odt", "municipal indaba"),
    ],
)
def test_text_is_extracted_from_every_document_type(make, name, words):
    assert words in read_text(make(words), name.rpartition(".")[2]).text


def test_extraction_also_reads_tables_sheets_and_headings():
    assert "table cell words" in read_text(files.make_docx("w"), "docx").text
    xlsx = read_text(files.make_xlsx("w"), "xlsx").text
    assert "Collections" in xlsx and "42" in xlsx
    odt = read_text(files.make_odt("alpha"), "odt").text
    assert "Champions network" in odt
    assert "alpha and more" in odt


def test_images_have_no_text_and_nothing_pending(session, champion):
    image = store_attachment(
        session, champion, make_upload(files.make_jpeg(), "a.jpg"), OWNER, PUBLIC_OWNER
    )
    assert image.extracted_text == ""
    assert image.kind is AttachmentKind.JPEG
    assert image.extraction_status is ExtractionStatus.DONE


def test_a_document_whose_text_cannot_be_read_is_kept_and_marked(session, champion, caplog):
    broken = b"%PDF-1.4\nthis is not really a PDF\n"
    with caplog.at_level(logging.WARNING, logger="kmrg.attachments"):
        attachment = store_attachment(
            session, champion, make_upload(broken, "broken.pdf"), OWNER, PUBLIC_OWNER
        )
        session.commit()
    session.refresh(attachment)
    assert attachment.id is not None
    assert attachment.extracted_text == ""
    assert attachment.extraction_status is ExtractionStatus.FAILED
    assert f"the text of attachment {attachment.id} was not read: unreadable" in caplog.text


def test_extracted_text_is_capped(monkeypatch):
    monkeypatch.setattr("kmrg.attachments.extraction.MAX_TEXT_CHARS", 50)
    extracted = read_text(files.make_docx("word " * 100), "docx")
    assert len(extracted.text) == 50
    assert extracted.is_truncated


def test_an_odt_declaring_entities_is_kept_without_text(session, champion):
    data = files.make_odt("&a;", doctype='<!DOCTYPE x [<!ENTITY a "entity text">]>')
    attachment = store_attachment(
        session, champion, make_upload(data, "a.odt"), OWNER, PUBLIC_OWNER
    )
    session.commit()
    session.refresh(attachment)
    assert attachment.extracted_text == ""
    assert attachment.extraction_status is ExtractionStatus.FAILED


def test_a_member_who_may_not_change_the_owner_is_refused(app, session, member):
    with pytest.raises(PermissionDenied):
        store_attachment(
            session, member, make_upload(files.make_png(), "a.png"), OWNER, PUBLIC_OWNER
        )
    assert stored_files(app) == []


def test_an_unregistered_owner_type_is_refused(session, admin):
    with pytest.raises(PermissionDenied):
        store_attachment(session, admin, make_upload(files.make_png(), "a.png"), "nobody", 1)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (files.make_png(), "report.pdf", "looks like a PNG image, not a PDF document"),
        (files.make_pdf("x"), "x.docx", "looks like a PDF document, not a Word document"),
        (files.SVG_WITH_SCRIPT, "logo.svg", "SVG"),
        (files.make_zip({"a.txt": b"a"}), "report.docx", "ZIP archive, not a Word document"),
        (files.make_zip_bomb_docx(), "report.docx", "zip bomb"),
        (b"", "empty.pdf", "That file is empty."),
    ],
)
def test_refused_files_leave_nothing_behind(app, session, champion, data, name, message):
    with pytest.raises(ValidationError, match=message) as caught:
        store_attachment(session, champion, make_upload(data, name), OWNER, PUBLIC_OWNER)
    assert caught.value.field == "file"
    assert stored_files(app) == []
    assert session.scalars(select(Attachment)).all() == []


def test_an_oversize_file_is_refused_with_the_configured_limit(app, session, champion):
    app.config["MAX_UPLOAD_BYTES"] = 2048
    data = files.make_pdf("x" * 3000)
    with pytest.raises(ValidationError, match="That file is larger than 2 KB"):
        store_attachment(session, champion, make_upload(data, "big.pdf"), OWNER, PUBLIC_OWNER)
    assert stored_files(app) == []


def test_a_missing_file_or_long_title_is_refused(session, champion):
    with pytest.raises(ValidationError, match="Choose a file"):
        store_attachment(session, champion, make_upload(b"", ""), OWNER, PUBLIC_OWNER)
    with pytest.raises(ValidationError, match="under 200 characters") as caught:
        store_attachment(
            session,
            champion,
            make_upload(files.make_png(), "a.png"),
            OWNER,
            PUBLIC_OWNER,
            "t" * 201,
        )
    assert caught.value.field == "title"


def test_queries_list_an_owners_attachments_and_their_text(session, champion):
    first = store_attachment(
        session, champion, make_upload(files.make_pdf("first words"), "1.pdf"), OWNER, PUBLIC_OWNER
    )
    second = store_attachment(
        session,
        champion,
        make_upload(files.make_docx("second words"), "2.docx"),
        OWNER,
        PUBLIC_OWNER,
        "Minutes",
    )
    store_attachment(
        session, champion, make_upload(files.make_pdf("other"), "3.pdf"), OWNER, PRIVATE_OWNER
    )
    session.commit()

    assert attachments_for(session, OWNER, PUBLIC_OWNER) == [first, second]
    assert attachments_for(session, "case_study", PUBLIC_OWNER) == []
    assert get_attachment_or_none(session, second.id) is second
    assert get_attachment_or_none(session, 10_000) is None
    by_owner = attachments_by_owner(session, OWNER, [PUBLIC_OWNER, PRIVATE_OWNER, 99])
    assert by_owner[PUBLIC_OWNER] == [first, second]
    assert [a.display_name for a in by_owner[PRIVATE_OWNER]] == ["3.pdf"]
    assert by_owner[99] == []
    assert attachments_by_owner(session, OWNER, []) == {}


def test_removing_an_attachment_records_it_and_keeps_shared_files(app, session, champion):
    data = files.make_png()
    first = store_attachment(session, champion, make_upload(data, "a.png"), OWNER, PUBLIC_OWNER)
    second = store_attachment(session, champion, make_upload(data, "b.png"), OWNER, PUBLIC_OWNER)
    session.commit()

    remove_attachment(session, champion, first)
    session.commit()

    assert attachments_for(session, OWNER, PUBLIC_OWNER) == [second]
    assert is_blob_referenced(session, second.sha256)
    assert len(stored_files(app)) == 1
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "attachment.removed")
    ).one()
    assert "a.png" in event.summary


def test_only_someone_who_may_change_the_owner_removes(session, champion, member):
    attachment = store_attachment(
        session, champion, make_upload(files.make_png(), "a.png"), OWNER, PUBLIC_OWNER
    )
    session.commit()
    with pytest.raises(PermissionDenied):
        remove_attachment(session, member, attachment)


def test_the_sweep_deletes_only_old_unreferenced_files(app, session, champion):
    kept = store_attachment(
        session, champion, make_upload(files.make_png(), "a.png"), OWNER, PUBLIC_OWNER
    )
    gone = store_attachment(
        session, champion, make_upload(files.make_pdf("gone"), "b.pdf"), OWNER, PUBLIC_OWNER
    )
    session.commit()
    gone_path = blob_path(app.config["UPLOAD_DIR"], gone.sha256)
    remove_attachment(session, champion, gone)
    session.commit()

    # A fresh file may belong to an upload that has not committed yet: it stays.
    assert sweep_unreferenced_files(session) == 0
    long_ago = time.time() - 7200
    for path in stored_files(app):
        os.utime(path, (long_ago, long_ago))
    assert sweep_unreferenced_files(session) == 1
    assert not gone_path.exists()
    assert blob_path(app.config["UPLOAD_DIR"], kept.sha256).exists()
