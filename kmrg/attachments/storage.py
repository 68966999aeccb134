"""The file store: each distinct content once, under its SHA-256, never under an uploaded name."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def content_hash(data: bytes) -> str:
    """Return the SHA-256 of `data` as 64 lower-case hex digits."""
    return hashlib.sha256(data).hexdigest()


def blob_path(upload_dir: str | os.PathLike[str], sha256: str) -> Path:
    """Return where the file with that hash lives: <upload dir>/ab/cd/<sha256>."""
    # The hash is the only input to the path; anything else is refused, not cleaned.
    if not _SHA256.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return Path(upload_dir) / sha256[:2] / sha256[2:4] / sha256


def store_blob(upload_dir: str | os.PathLike[str], data: bytes) -> str:
    """Store `data` unless the same content is already stored; return its hash.

    Written to a temporary file in the destination folder and renamed into place, so a reader
    never sees half a file and a crash leaves at most a stray temporary file.
    """
    sha256 = content_hash(data)
    path = blob_path(upload_dir, sha256)
    if path.is_file() and path.stat().st_size == len(data):
        # Fresh again, so a sweep of unreferenced files leaves it to this upload.
        os.utime(path)
        return sha256
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return sha256


def stored_hashes(upload_dir: str | os.PathLike[str]) -> Iterator[tuple[str, Path]]:
    """Yield (hash, path) for every file in the store."""
    root = Path(upload_dir)
    if not root.is_dir():
        return
    for path in root.glob("??/??/*"):
        if _SHA256.match(path.name) and path.is_file():
            yield path.name, path


def delete_blobs(
    upload_dir: str | os.PathLike[str], keep: Iterable[str], older_than_seconds: float = 3600
) -> int:
    """Delete stored files whose hash is not in `keep`; return how many were deleted.

    Only files older than `older_than_seconds` go, so a file stored by an upload whose
    transaction has not committed yet is never taken from under it.
    """
    keep = set(keep)
    cutoff = time.time() - older_than_seconds
    deleted = 0
    for sha256, path in stored_hashes(upload_dir):
        if sha256 not in keep and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
