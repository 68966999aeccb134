"""Hostile files cost bounded memory and work: refused at upload, or their text cut short.

The bombs are made in the test, compactly (a compressed block repeated), never committed. Memory
is measured with tracemalloc: what the Python heap held at its peak while the file was handled.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

import lxml.etree  # noqa: F401  (imported before tracemalloc starts: imports are not the file's)
import pypdf  # noqa: F401
import pytest

from kmrg.attachments import extraction
from kmrg.attachments.extraction import ExtractionError, read_text
from kmrg.attachments.validation import check_upload
from kmrg.exceptions import ValidationError
from tests.attachments import files

MB = 1024 * 1024
GIB = 1024 * MB


def peak_memory(work: Callable[[], Any]) -> tuple[Any, int]:
    """Run `work`; return its result (or the exception it raised) and the heap's peak growth."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        try:
            result = work()
        except Exception as error:
            result = error
        return result, tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def zero_bomb() -> bytes:
    # document.xml declares 1,000 bytes and inflates to 1 GiB of zeros: the file is ~1 MB.
    return files.make_zero_bomb_docx(inflated_bytes=GIB, declared=1_000)


def test_the_bomb_is_small_and_really_inflates_to_a_gibibyte(zero_bomb):
    assert len(zero_bomb) < 1.1 * MB
    info = zipfile.ZipFile(io.BytesIO(zero_bomb)).getinfo("word/document.xml")
    assert info.file_size == 1_000


def test_a_part_inflating_past_its_declared_size_is_refused_in_bounded_memory(zero_bomb):
    refused, peak = peak_memory(lambda: check_upload(zero_bomb, "report.docx", 25 * MB))
    assert isinstance(refused, ValidationError)
    assert "zip bomb" in refused.message
    assert peak < 4 * MB


def test_an_honest_archive_past_the_budget_is_refused_saying_why(monkeypatch):
    monkeypatch.setattr("kmrg.attachments.validation.MAX_UNCOMPRESSED_BYTES", 2 * MB)
    monkeypatch.setattr("kmrg.attachments.validation.RATIO_CHECK_FLOOR", 4 * MB)
    honest = files.make_zip_bomb_docx(inflated_bytes=3 * MB)
    with pytest.raises(ValidationError, match="expands to more than 2 MB when opened"):
        check_upload(honest, "report.docx", 25 * MB)


def test_a_part_with_a_wrong_checksum_is_refused_as_damaged():
    data = files.make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>" * 50})
    at = data.rfind(b"PK\x01\x02")
    name_at = data.find(b"word/document.xml", at)
    entry = data.rfind(b"PK\x01\x02", 0, name_at)
    corrupted = data[: entry + 16] + b"\0\0\0\0" + data[entry + 20 :]
    with pytest.raises(ValidationError, match="damaged"):
        check_upload(corrupted, "report.docx", 25 * MB)


def test_extracting_the_bomb_fails_at_once_without_inflating_it(zero_bomb):
    failed, peak = peak_memory(lambda: read_text(zero_bomb, "docx"))
    assert isinstance(failed, Exception)  # zeros are not XML
    assert peak < 4 * MB


def test_a_text_bomb_is_cut_at_the_text_cap_in_bounded_memory():
    # Well-formed XML that inflates to ~0.5 GiB; its paragraphs are long, so the cap comes fast.
    bomb = files.make_text_bomb_docx(paragraphs=100 * 1024, words="bomb " * 1000)
    assert len(bomb) < 1.1 * MB
    extracted, peak = peak_memory(lambda: read_text(bomb, "docx"))
    assert extracted.is_truncated
    assert extraction.MAX_TEXT_CHARS - 5 <= len(extracted.text) <= extraction.MAX_TEXT_CHARS
    assert extracted.text.startswith("bomb bomb")
    # The text kept (~1 MB of characters) and a chunk or two: not the gibibyte.
    assert peak < 16 * MB


def test_the_xml_parsed_per_file_stops_at_its_budget(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_XML_BYTES", 256 * 1024)
    bomb = files.make_text_bomb_docx(paragraphs=4 * 1024 * 1024)  # 140 MB of short paragraphs
    extracted, peak = peak_memory(lambda: read_text(bomb, "docx"))
    assert extracted.is_truncated
    paragraphs = extracted.text.split("\n")
    assert 5_000 < len(paragraphs) < 10_000  # ~256 KB of 35-byte paragraphs, then it stopped
    assert set(paragraphs) == {"bomb"}
    assert peak < 8 * MB


def test_one_endless_paragraph_is_cut_at_the_text_cap(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_TEXT_CHARS", 100)
    data = files.make_odt("endless " * 1000)
    extracted = read_text(data, "odt")
    assert extracted.is_truncated
    assert extracted.text.startswith("Champions network\nendless endless")
    assert len(extracted.text) == 100


def test_a_pdf_whose_pages_share_one_huge_stream_is_cut_short_in_bounded_memory():
    # The PDF: 40 pages showing one 60 MB content stream, in ~250 KB.
    pdf = files.make_shared_stream_pdf(pages=40, stream_bytes=60 * MB)
    assert len(pdf) < 300 * 1024
    extracted, peak = peak_memory(lambda: read_text(pdf, "pdf"))
    assert extracted.is_truncated
    assert peak < 3 * extraction.MAX_PDF_STREAM_BYTES


def test_the_page_content_parsed_per_pdf_is_counted_per_page(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_PDF_CONTENT_BYTES", 100 * 1024)
    pdf = files.make_shared_stream_pdf(pages=40, stream_bytes=64 * 1024, text="sharedword")
    extracted = read_text(pdf, "pdf")
    assert extracted.is_truncated
    # One page's 64 KB fit; a second would pass 100 KB: one page of text, not forty.
    per_page = 64 * 1024 // len(b"BT /F1 12 Tf 72 712 Td (sharedword) Tj ET\n")
    assert extracted.text.count("sharedword") == per_page


def test_pages_past_the_page_cap_are_not_read(monkeypatch):
    two_pages = read_text(files.make_shared_stream_pdf(2, 100, text="capped"), "pdf")
    monkeypatch.setattr(extraction, "MAX_PDF_PAGES", 2)
    extracted = read_text(files.make_shared_stream_pdf(5, 100, text="capped"), "pdf")
    assert extracted.is_truncated and not two_pages.is_truncated
    assert extracted.text == two_pages.text
    assert "capped" in extracted.text


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda: files.make_odt("&a;", doctype='<!DOCTYPE x [<!ENTITY a "entity">]>'), "odt"),
        (
            lambda: files.make_lying_docx(
                files.deflate_repeated(
                    f'<!DOCTYPE d [<!ENTITY a "aaaa">]><w:document {files.W}/>'.encode(), b"", 0
                )
            ),
            "docx",
        ),
    ],
)
def test_a_part_declaring_a_dtd_is_not_read(make, kind):
    with pytest.raises(ExtractionError, match="DTD"):
        read_text(make(), kind)


def test_a_damaged_office_file_is_an_error_not_text():
    with pytest.raises(ExtractionError):
        read_text(b"PK\x03\x04 not really a zip", "xlsx")


def test_images_have_no_text_to_read():
    assert read_text(files.make_png(), "png") == extraction.ExtractedText("", is_truncated=False)


def test_a_workbook_reads_its_sheets_in_order_with_shared_and_inline_strings():
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "Budget"
    first.append(["Ward", "Spend", True])
    first.append(["Ward 12", 1500.5])
    second = workbook.create_sheet("Notes")
    second["A1"] = "sewer upgrade"
    out = io.BytesIO()
    workbook.save(out)
    text = read_text(out.getvalue(), "xlsx").text
    assert text.split("\n") == ["Budget", "Ward Spend", "Ward 12 1500.5", "Notes", "sewer upgrade"]
