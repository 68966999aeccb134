"""Extract the text of accepted files, for search. Runs only on files that passed validation."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Iterator
from xml.etree import ElementTree

from kmrg.attachments.models import AttachmentKind

MAX_TEXT_CHARS = 1_000_000
MAX_PDF_PAGES = 2_000
log = logging.getLogger("kmrg.attachments")


def extract_text(data: bytes, kind: AttachmentKind) -> str:
    """Return the searchable text of a validated file, at most MAX_TEXT_CHARS; "" on failure.

    A document the extractor cannot read is still worth keeping, so failure is logged, not raised.
    """
    extractor = _EXTRACTORS.get(kind)
    if extractor is None:
        return ""
    try:
        return _collect(extractor(data))
    except Exception:
        log.warning("could not extract the text of a %s file", kind.value, exc_info=True)
        return ""


def _collect(pieces: Iterator[str]) -> str:
    collected: list[str] = []
    length = 0
    for piece in pieces:
        piece = " ".join(piece.split())
        if not piece:
            continue
        collected.append(piece)
        length += len(piece) + 1
        if length >= MAX_TEXT_CHARS:
            break
    return "\n".join(collected)[:MAX_TEXT_CHARS]


def _pdf_text(data: bytes) -> Iterator[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES:
            break
        yield page.extract_text() or ""


def _docx_text(data: bytes) -> Iterator[str]:
    import docx

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield cell.text


def _pptx_text(data: bytes) -> Iterator[str]:
    from pptx import Presentation

    presentation = Presentation(io.BytesIO(data))
    for slide in presentation.slides:
        for shape in slide.shapes:
            if getattr(shape, "has_text_frame", False):
                yield shape.text_frame.text
            if getattr(shape, "has_table", False):
                for row in shape.table.rows:
                    for cell in row.cells:
                        yield cell.text
        if slide.has_notes_slide:
            yield slide.notes_slide.notes_text_frame.text


def _xlsx_text(data: bytes) -> Iterator[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            yield sheet.title
            for row in sheet.iter_rows(values_only=True):
                yield " ".join(str(value) for value in row if value is not None)
    finally:
        workbook.close()


_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _odt_text(data: bytes) -> Iterator[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read("content.xml")
    # A document's content never declares entities; one that does may be an entity bomb.
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise ValueError("content.xml declares a DTD")
    root = ElementTree.fromstring(content)  # noqa: S314 (no DTD, checked above)
    for element in root.iter():
        if element.tag in (f"{_ODF_TEXT}p", f"{_ODF_TEXT}h"):
            # Paragraphs nest (notes, frames); each yields its own text, not its children's.
            yield "".join(_own_text(element))


def _own_text(element: ElementTree.Element) -> Iterator[str]:
    if element.text:
        yield element.text
    for child in element:
        if child.tag == f"{_ODF_TEXT}s":
            yield " "
        elif child.tag not in (f"{_ODF_TEXT}p", f"{_ODF_TEXT}h"):
            yield from _own_text(child)
        if child.tail:
            yield child.tail


_EXTRACTORS: dict[AttachmentKind, Callable[[bytes], Iterator[str]]] = {
    AttachmentKind.PDF: _pdf_text,
    AttachmentKind.DOCX: _docx_text,
    AttachmentKind.PPTX: _pptx_text,
    AttachmentKind.XLSX: _xlsx_text,
    AttachmentKind.ODT: _odt_text,
}
