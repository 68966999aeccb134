"""The hostile set: what the Hub refuses before anything is stored, and the names it keeps."""

from __future__ import annotations

import io
import zipfile

import pytest

from kmrg.attachments.models import AttachmentKind
from kmrg.attachments.validation import (
    MAX_STEM_LENGTH,
    check_upload,
    check_zip_entries,
    clean_file_name,
)
from kmrg.exceptions import ValidationError
from tests.attachments import files

LIMIT = 25 * 1024 * 1024
OFFICE = "application/vnd.openxmlformats-officedocument"
DOCX = f"{OFFICE}.wordprocessingml.document"
PPTX = f"{OFFICE}.presentationml.presentation"
XLSX = f"{OFFICE}.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"


def refusal(data: bytes, name: str, limit: int = LIMIT) -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(data, name, limit)
    assert caught.value.field == "file"
    return caught.value.message


@pytest.mark.parametrize(
    ("data", "name", "kind", "content_type", "display_name"),
    [
        (files.make_pdf("x"), "Report.PDF", AttachmentKind.PDF, "application/pdf", "Report.pdf"),
        (files.make_docx("x"), "plan.docx", AttachmentKind.DOCX, DOCX, "plan.docx"),
        (files.make_pptx("x"), "deck.pptx", AttachmentKind.PPTX, PPTX, "deck.pptx"),
        (files.make_xlsx("x"), "sums.xlsx", AttachmentKind.XLSX, XLSX, "sums.xlsx"),
        (files.make_odt("x"), "notes.odt", AttachmentKind.ODT, ODT, "notes.odt"),
        (files.make_png(), "photo.png", AttachmentKind.PNG, "image/png", "photo.png"),
        (files.make_jpeg(), "photo.jpeg", AttachmentKind.JPEG, "image/jpeg", "photo.jpeg"),
        (files.make_jpeg(), "photo.JPG", AttachmentKind.JPEG, "image/jpeg", "photo.jpg"),
        (
            files.make_pdf("x"),
            "Min 12.03.2024",
            AttachmentKind.PDF,
            "application/pdf",
            "Min 12.03.2024.pdf",
        ),
        (files.make_png(), "no extension", AttachmentKind.PNG, "image/png", "no extension.png"),
    ],
)
def test_accepted_types_are_recognised_from_their_content(
    data, name, kind, content_type, display_name
):
    checked = check_upload(data, name, LIMIT)
    assert checked.file_type.kind is kind
    assert checked.file_type.content_type == content_type
    assert checked.display_name == display_name
    assert checked.size == len(data)


def test_a_png_named_pdf_is_refused():
    assert refusal(files.make_png(), "report.pdf") == (
        "That file looks like a PNG image, not a PDF document. "
        "Check you chose the right file, or correct its name."
    )


def test_a_pdf_named_docx_is_refused():
    assert "looks like a PDF document, not a Word document" in refusal(
        files.make_pdf("x"), "x.docx"
    )


def test_a_docx_named_xlsx_is_refused():
    assert "looks like a Word document, not an Excel spreadsheet" in refusal(
        files.make_docx("x"), "sums.xlsx"
    )


def test_an_accepted_type_under_a_foreign_extension_is_refused():
    assert refusal(files.make_pdf("x"), "report.exe") == (
        "That file is a PDF document, but its name ends in “.exe”. Rename it to end in .pdf."
    )


def test_a_plain_zip_renamed_docx_is_refused():
    data = files.make_zip({"readme.txt": b"hello"})
    assert refusal(data, "report.docx") == (
        "That file looks like a ZIP archive, not a Word document."
    )
    assert "ZIP archive, which the Hub does not accept" in refusal(data, "archive.zip")


@pytest.mark.parametrize("name", ["drawing.svg", "drawing.png", "drawing"])
def test_svg_with_a_script_is_refused_whatever_its_name(name):
    assert "SVG" in refusal(files.SVG_WITH_SCRIPT, name)


@pytest.mark.parametrize(
    ("data", "described"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "a web page"),
        (b"GIF89a\x01\x00\x01\x00", "a GIF image"),
        (b"MZ\x90\x00" + b"\0" * 60, "a Windows program"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "an older Office file"),
        (b"just some text", "a kind of file the Hub cannot recognise"),
    ],
)
def test_other_kinds_of_file_are_refused_and_named(data, described):
    assert described in refusal(data, "upload.bin")


def test_an_office_file_with_macros_is_refused():
    data = files.make_zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w/>",
            "word/vbaProject.bin": b"x",
        }
    )
    assert "an Office file with macros, not a Word document" in refusal(data, "macro.docx")


def test_an_opendocument_spreadsheet_is_refused():
    data = files.make_zip(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, zipfile.ZIP_STORED
    )
    assert "not a text document" in refusal(data, "sums.ods")


def test_an_oversize_file_is_refused_before_anything_else():
    data = files.make_png() + b"\0" * 2048
    assert refusal(data, "photo.png", limit=1024) == (
        "That file is larger than 1 KB. Upload a smaller file."
    )
    # The size comes first: content that would be refused anyway gets the size message.
    assert refusal(b"MZ" + b"\0" * 30, "a.exe", limit=20) == (
        "That file is larger than 20 bytes. Upload a smaller file."
    )


def test_the_default_limit_is_stated_in_megabytes():
    assert "larger than 25 MB" in refusal(b"%PDF-" + b"\0" * LIMIT, "big.pdf")


def test_an_empty_file_is_refused():
    assert refusal(b"", "empty.pdf") == "That file is empty."


def test_a_zip_bomb_docx_is_refused_without_inflating_anything(monkeypatch):
    bomb = files.make_zip_bomb_docx()

    def no_inflating(*args, **kwargs):
        raise AssertionError("an entry was opened before the zip-bomb checks")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    assert "zip bomb" in refusal(bomb, "innocent.docx")


def test_a_docx_lying_about_its_inflated_size_is_refused():
    data = files.make_docx("x")
    lying = files.lie_about_size(data, "word/document.xml", 3_000_000_000)
    assert "zip bomb" in refusal(lying, "innocent.docx")


def test_the_sum_of_declared_sizes_is_limited():
    entries = []
    for number in range(120):
        entry = zipfile.ZipInfo(f"xl/part{number}.xml")
        entry.file_size, entry.compress_size = 1024 * 1024, 200 * 1024
        entries.append(entry)
    with pytest.raises(ValidationError, match="expands to more than 50 MB when opened"):
        check_zip_entries(entries)
    check_zip_entries(entries[:45])


def test_too_many_entries_are_refused():
    data = files.make_zip(
        {"[Content_Types].xml": b"<Types/>"} | {f"word/p{n}.xml": b"" for n in range(5001)},
        zipfile.ZIP_STORED,
    )
    assert "more than 5,000 parts" in refusal(data, "many.docx")


@pytest.mark.parametrize("entry", ["../evil.xml", "/etc/passwd", "word/../../x", "C:/x", "..\\x"])
def test_entries_with_unsafe_names_are_refused(entry):
    data = files.make_zip(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", entry: b"x"}
    )
    assert refusal(data, "x.docx") == "That file contains parts with unsafe names."


def test_a_damaged_zip_is_refused():
    assert "damaged" in refusal(b"PK\x03\x04" + b"\0" * 100, "broken.docx")


@pytest.mark.parametrize(
    ("upload_name", "display_name"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\x.pdf", "x.pdf"),
        ("C:\\Users\\thandi\\Report 2024.pdf", "Report 2024.pdf"),
        ("re\x00port.pdf", "report.pdf"),
        ("two\nlines.pdf", "two lines.pdf"),
        ("tab\there.pdf", "tab here.pdf"),
        ("invoice\u202eTXT.pdf", "invoiceTXT.pdf"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ('quo"te<>|?*.pdf', "quo_te_____.pdf"),
        ("...pdf", "pdf.pdf"),
        ("", "attachment.pdf"),
        ("../..", "attachment.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("Résumé ünïcode.pdf", "Résumé ünïcode.pdf"),
    ],
)
def test_upload_names_become_safe_display_names(upload_name, display_name):
    assert check_upload(files.make_pdf("x"), upload_name, LIMIT).display_name == display_name


def test_a_right_to_left_override_cannot_disguise_the_extension():
    # Shown as "invoicefdp.exe" reversed: "invoice‮exe.pdf" reads as "invoicefdp.exe".
    assert "ends in “.exe”" in refusal(files.make_pdf("x"), "invoice\u202efdp.exe")


def test_long_names_are_shortened_keeping_the_extension():
    name = check_upload(files.make_pdf("x"), "a" * 500 + ".pdf", LIMIT).display_name
    assert name == "a" * MAX_STEM_LENGTH + ".pdf"


@pytest.mark.parametrize("name", ["a/b.pdf", "a\\b.pdf", "a\x00b.pdf", "a\u202eb.pdf"])
def test_clean_names_have_no_separators_or_control_characters(name):
    cleaned = clean_file_name(name)
    assert not set(cleaned) & {"/", "\\", "\x00", "\u202e"}


def test_a_docx_compressed_other_than_deflate_is_refused():
    # Office never writes bzip2 parts; the streaming inflater reads stored and deflated only.
    rewritten = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(files.make_docx("Revenue words"))) as original,
        zipfile.ZipFile(rewritten, "w", compression=zipfile.ZIP_BZIP2) as bzipped,
    ):
        for info in original.infolist():
            bzipped.writestr(info.filename, original.read(info))

    assert "a kind of compression the Hub refuses" in refusal(rewritten.getvalue(), "b.docx")
