"""One download of a meeting's annexures: a ZIP streamed as it is written, under safe names.

The archive is never held whole: zipfile writes into a sink the response drains after every
chunk of a file, so memory stays at a chunk or so whatever the annexures weigh. Entry names come
from titles people typed, so they are cleaned to one harmless file name each: "B - Title.pptx".
"""

from __future__ import annotations

import io
import logging
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from kmrg.attachments.models import Attachment
from kmrg.attachments.storage import blob_path
from kmrg.attachments.validation import FILE_TYPES
from kmrg.events.annexures import LetteredAnnexure
from kmrg.localtime import to_local

CHUNK_BYTES = 64 * 1024
MAX_TITLE_CHARACTERS = 80
# Well under the 255 bytes most file systems allow, leaving room for the letter and extension.
MAX_TITLE_BYTES = 160
FALLBACK_TITLE = "Annexure"
# Characters Windows or a shell would read as part of a path or a pattern.
_RESERVED = re.compile(r'[\\/:*?"<>|]')
_DOTS = re.compile(r"\.{2,}")
log = logging.getLogger("kmrg.events")


def clean_title(title: str) -> str:
    """Return `title` as the safe middle of a file name: no separators, controls or dot runs."""
    text = unicodedata.normalize("NFC", title or "")
    # Format characters too (Cf): a right-to-left override could make "gpj.exe" read as "exe.jpg".
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    text = _DOTS.sub(".", _RESERVED.sub(" ", text))
    text = " ".join(text.split())
    text = text[:MAX_TITLE_CHARACTERS]
    while len(text.encode("utf-8")) > MAX_TITLE_BYTES:
        text = text[:-1]
    # A leading dot hides a file; a trailing dot or space is dropped by Windows.
    return text.strip(" .") or FALLBACK_TITLE


def file_extension(attachment: Attachment) -> str:
    """Return the extension the file was uploaded with, if it fits its type, else its type's."""
    file_type = FILE_TYPES[attachment.kind]
    suffix = PurePosixPath(attachment.display_name).suffix.lower()
    return suffix if suffix in file_type.extensions else file_type.extension


def entry_name(letter: str, title: str, extension: str, taken: set[str]) -> str:
    """Return "<letter> - <title><extension>", made unique among `taken` (which it joins)."""
    stem = f"{letter} - {clean_title(title)}"
    name, number = f"{stem}{extension}", 1
    while name.casefold() in taken:
        number += 1
        name = f"{stem} ({number}){extension}"
    taken.add(name.casefold())
    return name


@dataclass(frozen=True)
class ZipEntry:
    """One file of the archive: its name inside, where its bytes are, and when it was added."""

    name: str
    path: Path
    size: int
    added_at: datetime


def zip_entries(
    annexures: Iterable[LetteredAnnexure], upload_dir: str | os.PathLike[str]
) -> list[ZipEntry]:
    """Return the entries for the annexures whose files are in the store, in letter order."""
    taken: set[str] = set()
    entries = []
    for item in annexures:
        path = blob_path(upload_dir, item.attachment.sha256)
        if not path.is_file():
            log.error("annexure %s's stored file (%s) is missing", item.id, path)
            continue
        name = entry_name(item.letter, item.title, file_extension(item.attachment), taken)
        entries.append(ZipEntry(name, path, item.attachment.size, item.attachment.created_at))
    return entries


class _Sink(io.RawIOBase):
    """Collects what zipfile writes until the response takes it; it cannot seek, so zipfile
    writes each entry's sizes after its data instead of going back for them."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_zip(entries: Iterable[ZipEntry]) -> Iterator[bytes]:
    """Yield a ZIP archive of `entries` piece by piece, reading each file a chunk at a time."""
    sink = _Sink()
    # Deflated, not stored: a stored entry whose size follows its data cannot be read by tools
    # that unzip as they download. Level 1, as presentations and PDFs are compressed already.
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=_zip_time(entry.added_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = entry.size  # so zipfile knows when it needs ZIP64
            with entry.path.open("rb") as source, archive.open(info, "w") as target:
                while chunk := source.read(CHUNK_BYTES):
                    target.write(chunk)
                    if data := sink.take():
                        yield data
            if data := sink.take():
                yield data
    # Closing the archive wrote its central directory.
    yield sink.take()


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    local = to_local(moment)
    # ZIP dates start in 1980.
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def download_disposition(file_name: str) -> str:
    """Return an attachment Content-Disposition with an ASCII fallback and the exact UTF-8 name."""
    ascii_name = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode()
    ascii_name = "".join(c for c in ascii_name if c.isprintable() and c not in '"\\;') or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"
