"""Extract the text of accepted files, for search, with the work per file bounded.

Office and OpenDocument files are read part by part through the bounded inflater
(kmrg.attachments.archives) and parsed as a stream of events, never as a tree: memory stays at a
chunk and a paragraph, and the XML parsed per file stops at MAX_XML_BYTES. PDF streams are decoded
under pypdf's output limits, and the page content parsed per file stops at MAX_PDF_CONTENT_BYTES.
What is cut short keeps the text read so far. This module imports neither Flask nor the models,
so the extraction subprocess (kmrg.attachments.sandbox) starts quickly.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from kmrg.attachments.archives import (
    BudgetExceeded,
    DamagedArchive,
    InflateBudget,
    inflate_part,
    read_part,
)
from kmrg.attachments.xml_text import (
    SPREADSHEET,
    AttributeTarget,
    DtdRefused,
    ParagraphTarget,
    SharedStringsTarget,
    SheetTarget,
    make_parser,
)

MAX_TEXT_CHARS = 1_000_000
MAX_XML_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 2_000
# pypdf parses page content in Python at 0.1-0.3 MB a second here: this keeps a file to seconds.
MAX_PDF_CONTENT_BYTES = 2 * 1024 * 1024
MAX_PDF_STREAM_BYTES = 16 * 1024 * 1024
MAX_SMALL_PART_BYTES = 1024 * 1024


class ExtractionError(Exception):
    """The file's text cannot be read (damaged, or built in a way the Hub refuses to parse)."""


@dataclass(frozen=True)
class ExtractedText:
    """The text read from a file, and whether a limit cut it short."""

    text: str
    is_truncated: bool


@dataclass
class _Work:
    """What one file has used of its limits."""

    budget: InflateBudget = field(default_factory=lambda: InflateBudget(MAX_XML_BYTES))
    pdf_content_bytes: int = 0
    is_truncated: bool = False


def read_text(data: bytes, kind: str) -> ExtractedText:
    """Return the searchable text of a validated file, at most MAX_TEXT_CHARS.

    Raises ExtractionError (or the parser's own error) when the file cannot be read. Kinds
    without text (images) give "". Untrusted files are read through kmrg.attachments.sandbox,
    under memory and time limits, never in a web process.
    """
    extractor = _EXTRACTORS.get(str(kind))
    if extractor is None:
        return ExtractedText("", is_truncated=False)
    work = _Work()
    try:
        with _pdf_limits() if str(kind) == "pdf" else nullcontext():
            text, cut = _collect(extractor(data, work))
    except DtdRefused as error:
        raise ExtractionError(str(error)) from error
    return ExtractedText(text, is_truncated=cut or work.is_truncated)


def has_text(kind: str) -> bool:
    """Tell whether files of `kind` have text to extract."""
    return str(kind) in _EXTRACTORS


def _collect(pieces: Iterator[str]) -> tuple[str, bool]:
    collected: list[str] = []
    length = 0
    try:
        for piece in pieces:
            piece = " ".join(piece.split())
            if not piece:
                continue
            collected.append(piece)
            length += len(piece) + 1
            if length >= MAX_TEXT_CHARS:
                return "\n".join(collected)[:MAX_TEXT_CHARS], True
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()  # stop the parser now, not when the generator is collected
    return "\n".join(collected), False


# Office Open XML and OpenDocument: events from a streaming parser, no tree.


def _parse_part(
    data: bytes, archive: zipfile.ZipFile, name: str, target: Any, work: _Work
) -> Iterator[str]:
    """Feed one part to `target` a chunk at a time, yielding its pieces as they come.

    Stops, keeping what was read, when the file's XML budget or the text cap runs out.
    """
    try:
        info = archive.getinfo(name)
    except KeyError:
        return
    parser = make_parser(target)
    try:
        for chunk in inflate_part(data, info, work.budget, strict=False):
            parser.feed(chunk)
            yield from target.take()
            if getattr(target, "is_full", False):
                work.is_truncated = True
                return
    except BudgetExceeded:
        work.is_truncated = True
        yield from target.take()
        return
    except DamagedArchive as error:
        raise ExtractionError(str(error)) from error
    parser.close()
    yield from target.take()


def _open_archive(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ExtractionError("not a readable ZIP archive") from error


def _small_part(data: bytes, archive: zipfile.ZipFile, name: str, work: _Work) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    try:
        return read_part(data, info, work.budget, MAX_SMALL_PART_BYTES)
    except (BudgetExceeded, DamagedArchive) as error:
        raise ExtractionError(f"{name}: {error}") from error


def _attributes(
    data: bytes, archive: zipfile.ZipFile, name: str, tag: str, work: _Work
) -> list[dict[str, str]]:
    body = _small_part(data, archive, name, work)
    if body is None:
        return []
    target = AttributeTarget(tag)
    parser = make_parser(target)
    parser.feed(body)
    parser.close()
    return target.found


_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"


def _relationship_targets(
    data: bytes, archive: zipfile.ZipFile, rels_name: str, base: str, work: _Work
) -> dict[str, tuple[str, str]]:
    """Return {relationship id: (type, part name)} from a .rels part, targets made absolute."""
    found = {}
    for rel in _attributes(data, archive, rels_name, _RELS, work):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(part))
    return found


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCX_TEXT = (
    frozenset({f"{_W}p"}),
    frozenset({f"{_W}t"}),
    frozenset({f"{_W}tab", f"{_W}br", f"{_W}cr"}),
)


def _docx_text(data: bytes, work: _Work) -> Iterator[str]:
    archive = _open_archive(data)
    main = "word/document.xml"
    for rel_type, part in _relationship_targets(data, archive, "_rels/.rels", "", work).values():
        if rel_type.endswith(_OFFICE_DOCUMENT):
            main = part
    yield from _parse_part(data, archive, main, ParagraphTarget(*_DOCX_TEXT, MAX_TEXT_CHARS), work)


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_PPTX_TEXT = (frozenset({f"{_A}p"}), frozenset({f"{_A}t"}), frozenset({f"{_A}br"}))
_SLIDE = re.compile(r"^ppt/(slides/slide|notesSlides/notesSlide)(\d+)\.xml$")


def _pptx_text(data: bytes, work: _Work) -> Iterator[str]:
    archive = _open_archive(data)
    # Slides in the order of their numbers, then their notes: search needs the words, not the
    # order the presentation shows them in.
    parts = sorted(
        (match.group(1) != "slides/slide", int(match.group(2)), name)
        for name in archive.namelist()
        if (match := _SLIDE.match(name))
    )
    for _is_notes, _number, name in parts:
        target = ParagraphTarget(*_PPTX_TEXT, MAX_TEXT_CHARS)
        yield from _parse_part(data, archive, name, target, work)


_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _xlsx_text(data: bytes, work: _Work) -> Iterator[str]:
    archive = _open_archive(data)
    workbook = "xl/workbook.xml"
    for rel_type, part in _relationship_targets(data, archive, "_rels/.rels", "", work).values():
        if rel_type.endswith(_OFFICE_DOCUMENT):
            workbook = part
    folder = posixpath.dirname(workbook)
    rels_name = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
    targets = _relationship_targets(data, archive, rels_name, folder, work)
    shared = SharedStringsTarget(2 * MAX_TEXT_CHARS)
    for rel_type, part in targets.values():
        if rel_type.endswith("/sharedStrings"):
            for _ in _parse_part(data, archive, part, shared, work):
                pass
    if not shared.is_complete:
        work.is_truncated = True
    for sheet in _attributes(data, archive, workbook, f"{SPREADSHEET}sheet", work):
        yield sheet.get("name", "")
        _rel_type, part = targets.get(sheet.get(f"{_R}id", ""), ("", ""))
        if part:
            yield from _parse_part(data, archive, part, SheetTarget(shared.strings), work)


_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODT_TEXT = (
    frozenset({f"{_ODF_TEXT}p", f"{_ODF_TEXT}h"}),
    frozenset(),
    frozenset({f"{_ODF_TEXT}s", f"{_ODF_TEXT}tab", f"{_ODF_TEXT}line-break"}),
)


def _odt_text(data: bytes, work: _Work) -> Iterator[str]:
    archive = _open_archive(data)
    target = ParagraphTarget(*_ODT_TEXT, MAX_TEXT_CHARS)
    yield from _parse_part(data, archive, "content.xml", target, work)


# PDF: pypdf, with its decoders' output capped and the content parsed per file counted.


def _pdf_limits() -> Any:
    import pypdf

    return pypdf.apply_configuration(
        zlib_maximum_output_length=MAX_PDF_STREAM_BYTES,
        lzw_maximum_output_length=MAX_PDF_STREAM_BYTES,
        run_length_maximum_output_length=MAX_PDF_STREAM_BYTES,
        array_based_stream_maximum_output_length=MAX_PDF_STREAM_BYTES,
        stream_decoding_work_maximum_length=4 * MAX_PDF_STREAM_BYTES,
        image_maximum_buffer_size=MAX_PDF_STREAM_BYTES,
    )


def _pdf_text(data: bytes, work: _Work) -> Iterator[str]:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    reader = PdfReader(io.BytesIO(data))
    try:
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES:
                work.is_truncated = True
                return
            contents = page.get_contents()
            # Pages may share one content stream: the parsing is per page, so is the count.
            work.pdf_content_bytes += len(contents.get_data()) if contents is not None else 0
            if work.pdf_content_bytes > MAX_PDF_CONTENT_BYTES:
                work.is_truncated = True
                return
            yield page.extract_text() or ""
    except LimitReachedError:
        work.is_truncated = True


_EXTRACTORS: dict[str, Callable[[bytes, _Work], Iterator[str]]] = {
    "pdf": _pdf_text,
    "docx": _docx_text,
    "pptx": _pptx_text,
    "xlsx": _xlsx_text,
    "odt": _odt_text,
}
