"""Decide from a file's content what it is, and refuse anything the Hub does not accept.

Nothing here trusts the uploaded name: the type comes from the first bytes and, for Office and
OpenDocument files, from the ZIP archive's list of entries. Nor does it trust the sizes the archive
declares: once the declared sizes pass, every part is inflated in small chunks under a byte budget
and must come out exactly as declared. The name only has to agree with what the content turned
out to be.
"""

from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from kmrg.attachments.archives import (
    BudgetExceeded,
    DamagedArchive,
    InflateBudget,
    inflate_part,
    read_part,
)
from kmrg.attachments.models import AttachmentKind
from kmrg.exceptions import ValidationError

FIELD = "file"

# Limits for ZIP-based documents, checked on the declared sizes before anything is inflated, and
# then on the real sizes while every part is inflated (a chunk at a time, never kept): inflating
# the largest accepted archive costs a request about a tenth of a second.
MAX_ZIP_ENTRIES = 5_000
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Small parts (XML, styles) often compress better than 100:1 and are harmless at that size.
RATIO_CHECK_FLOOR = 1024 * 1024

MAX_STEM_LENGTH = 100
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class FileType:
    """One accepted kind of file: its detected content type and the extensions it may carry."""

    kind: AttachmentKind
    content_type: str
    extensions: tuple[str, ...]
    label: str

    @property
    def extension(self) -> str:
        """Return the extension a stored name of this type ends in."""
        return self.extensions[0]


FILE_TYPES = {
    file_type.kind: file_type
    for file_type in (
        FileType(AttachmentKind.PDF, "application/pdf", (".pdf",), "a PDF document"),
        FileType(
            AttachmentKind.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            "a Word document",
        ),
        FileType(
            AttachmentKind.PPTX,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
            "a PowerPoint presentation",
        ),
        FileType(
            AttachmentKind.XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            "an Excel spreadsheet",
        ),
        FileType(
            AttachmentKind.ODT,
            "application/vnd.oasis.opendocument.text",
            (".odt",),
            "an OpenDocument text",
        ),
        FileType(AttachmentKind.PNG, "image/png", (".png",), "a PNG image"),
        FileType(AttachmentKind.JPEG, "image/jpeg", (".jpg", ".jpeg"), "a JPEG image"),
    )
}
_TYPE_BY_EXTENSION = {ext: t for t in FILE_TYPES.values() for ext in t.extensions}

ACCEPTED_TYPES = (
    "PDF, Word (.docx), PowerPoint (.pptx), Excel (.xlsx), OpenDocument text (.odt), PNG or JPEG"
)

# Refused kinds recognised only so that the refusal can name them.
_REFUSED_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Office file (.doc, .xls or .ppt)"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: what it is, and the name it will be offered under."""

    file_type: FileType
    display_name: str
    size: int


def format_size(size: int) -> str:
    """Return a size the way people say it: 25 MB, 300 KB, 12 bytes."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            amount = size / factor
            return f"{amount:.0f} {unit}" if amount == int(amount) else f"{amount:.1f} {unit}"
    return f"{size} bytes"


def check_upload(data: bytes, filename: str, max_bytes: int) -> CheckedFile:
    """Check an upload's size, then its content, then that its name agrees; raise ValidationError.

    The order matters: nothing is parsed before the size is known to be acceptable, and no ZIP
    entry is inflated before the archive's declared sizes passed the zip-bomb checks.
    """
    if len(data) > max_bytes:
        raise ValidationError(
            f"That file is larger than {format_size(max_bytes)}. Upload a smaller file.", FIELD
        )
    if not data:
        raise ValidationError("That file is empty.", FIELD)
    stem, extension = split_name(clean_file_name(filename))
    claimed = _TYPE_BY_EXTENSION.get(extension)
    found = sniff(data)
    if isinstance(found, str):
        if claimed is not None:
            raise ValidationError(f"That file looks like {found}, not {claimed.label}.", FIELD)
        raise ValidationError(
            f"That file looks like {found}, which the Hub does not accept. "
            f"Upload {ACCEPTED_TYPES}.",
            FIELD,
        )
    if claimed is not None and claimed.kind is not found.kind:
        raise ValidationError(
            f"That file looks like {found.label}, not {claimed.label}. "
            f"Check you chose the right file, or correct its name.",
            FIELD,
        )
    if claimed is None and extension:
        raise ValidationError(
            f"That file is {found.label}, but its name ends in “{extension}”. "
            f"Rename it to end in {found.extension}.",
            FIELD,
        )
    suffix = extension if extension in found.extensions else found.extension
    return CheckedFile(found, (stem or "attachment") + suffix, len(data))


def sniff(data: bytes) -> FileType | str:
    """Return the accepted type `data` is, or a description of what else it looks like.

    Raises ValidationError for a ZIP-based file that is damaged or fails the zip-bomb checks.
    """
    if data.startswith(b"%PDF-"):
        return FILE_TYPES[AttachmentKind.PDF]
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FILE_TYPES[AttachmentKind.PNG]
    if data.startswith(b"\xff\xd8\xff"):
        return FILE_TYPES[AttachmentKind.JPEG]
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    for signature, description in _REFUSED_SIGNATURES:
        if data.startswith(signature):
            return description
    head = data[:4096].lower()
    if b"<svg" in head:
        # SVG is XML that browsers run scripts in; it is refused rather than cleaned.
        return "an SVG image (SVG can carry scripts; convert it to PNG)"
    if b"<html" in head or b"<!doctype html" in head or b"<script" in head:
        return "a web page"
    return "a kind of file the Hub cannot recognise"


def _sniff_zip(data: bytes) -> FileType | str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise ValidationError(
            "That file is damaged: it starts like a ZIP-based document but cannot be read.", FIELD
        ) from error
    check_zip_entries(entries)
    check_zip_contents(data, entries)
    names = {entry.filename for entry in entries}
    if "mimetype" in names:
        mimetype = _read_small_entry(data, archive.getinfo("mimetype")).strip()
        if mimetype == ODT_MIMETYPE:
            return FILE_TYPES[AttachmentKind.ODT]
        if mimetype.startswith(b"application/vnd.oasis.opendocument."):
            return "an OpenDocument file that is not a text document"
    if "[Content_Types].xml" in names:
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            return "an Office file with macros"
        for prefix, kind in (
            ("word/", AttachmentKind.DOCX),
            ("ppt/", AttachmentKind.PPTX),
            ("xl/", AttachmentKind.XLSX),
        ):
            if any(name.startswith(prefix) for name in names):
                return FILE_TYPES[kind]
    return "a ZIP archive"


def _read_small_entry(data: bytes, entry: zipfile.ZipInfo, limit: int = 200) -> bytes:
    if entry.file_size > limit:
        return b""
    try:
        return read_part(data, entry, InflateBudget(limit + 1), limit)
    except (DamagedArchive, BudgetExceeded) as error:
        raise ValidationError("That file is damaged and cannot be read.", FIELD) from error


def check_zip_contents(data: bytes, entries: list[zipfile.ZipInfo]) -> None:
    """Inflate every part under the archive's budget; refuse one that is not what it declares.

    A part that inflates past its declared size is a bomb whatever it claimed; one that ends
    short or fails its checksum is damaged. Memory stays at one chunk throughout.
    """
    budget = InflateBudget(MAX_UNCOMPRESSED_BYTES)
    try:
        for entry in entries:
            for _chunk in inflate_part(data, entry, budget, strict=True):
                pass
    except BudgetExceeded as error:
        raise _refused_packing() from error
    except DamagedArchive as error:  # UnsupportedCompression too, though refused earlier
        raise ValidationError("That file is damaged and cannot be read.", FIELD) from error


def _refused_packing() -> ValidationError:
    return ValidationError(
        "That file is packed in a way the Hub refuses: it would expand to far more than its "
        "size (a “zip bomb”). Save it again from the program that made it.",
        FIELD,
    )


def check_zip_entries(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse an archive whose declared entries could exhaust memory or escape a folder."""
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ValidationError(
            f"That file holds more than {MAX_ZIP_ENTRIES:,} parts; the Hub does not open it.",
            FIELD,
        )
    refused_packing = _refused_packing()
    total = compressed_total = 0
    seen: set[str] = set()
    for entry in entries:
        name = entry.filename.replace("\\", "/")
        if (
            name.startswith("/")
            or re.match(r"^[A-Za-z]:", name)
            or ".." in name.split("/")
            or "\x00" in name
            or name in seen
        ):
            raise ValidationError("That file contains parts with unsafe names.", FIELD)
        seen.add(name)
        if entry.flag_bits & 0x1:
            raise ValidationError(
                "That file is password-protected. Remove the password and upload it again.", FIELD
            )
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ValidationError("That file uses a kind of compression the Hub refuses.", FIELD)
        if entry.file_size > RATIO_CHECK_FLOOR and (
            entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        ):
            raise refused_packing
        total += entry.file_size
        compressed_total += entry.compress_size
    if total > MAX_UNCOMPRESSED_BYTES:
        # Honestly packed but too large to open safely: say so, not "zip bomb".
        raise ValidationError(
            f"That file expands to more than {format_size(MAX_UNCOMPRESSED_BYTES)} when opened, "
            "more than the Hub accepts. Save a smaller version (compress its pictures, or split "
            "it) and upload that.",
            FIELD,
        )
    if total > RATIO_CHECK_FLOOR and total > MAX_COMPRESSION_RATIO * max(compressed_total, 1):
        raise refused_packing


_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)
# At least one letter, so "Minutes 12.03.2024" has no extension rather than ".2024".
_EXTENSION = re.compile(r"^\.(?=[a-z0-9]*[a-z])[a-z0-9]{1,10}$")


def clean_file_name(filename: str) -> str:
    """Return the last path component of `filename`, without control or invisible characters.

    Both slash and backslash separate folders (a browser on Windows may send either), so
    `..\\..\\x.pdf` and `../../etc/passwd.pdf` keep only `x.pdf` and `passwd.pdf`. Format
    characters such as the right-to-left override are dropped: they make `fdp.exe` read as
    `exe.pdf`.
    """
    name = unicodedata.normalize("NFC", filename or "")
    name = posixpath.basename(name.replace("\\", "/"))
    kept = []
    for char in name:
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char)[0] != "C":
            kept.append(char)
    name = re.sub(r'[<>:"|?*;]', "_", "".join(kept))
    name = " ".join(name.split())
    # Leading dots hide files; trailing dots and spaces are dropped by Windows.
    return name.strip(". ")


def split_name(name: str) -> tuple[str, str]:
    """Split a cleaned name into a stem of limited length and a lower-case extension."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or not _EXTENSION.match("." + extension.lower()):
        stem, extension = name, ""
    else:
        extension = "." + extension.lower()
    stem = stem[:MAX_STEM_LENGTH].rstrip(". ")
    if _WINDOWS_RESERVED.match(stem):
        stem = "_" + stem
    return stem, extension
