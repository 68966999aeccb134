"""Inflate the parts of a ZIP-based document in small chunks, under a hard byte budget.

`zipfile` trusts the sizes an archive declares and inflates a whole part in one call when asked to
read it all: a part declaring 1,000 bytes that inflates to 1 GiB takes a process to gigabytes before
any size check runs. Here the compressed bytes are fed to zlib a chunk at a time with a cap on each
chunk's output, so memory stays at one chunk whatever the archive claims, and the inflated total
is counted as it is produced: never trusted, always measured.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

CHUNK_BYTES = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"


class DamagedArchive(Exception):
    """A part cannot be read as the archive describes it (bad offsets, bad data, bad checksum)."""


class UnsupportedCompression(DamagedArchive):
    """A part is compressed other than stored or deflated, which Office and ODF files never are."""


class BudgetExceeded(Exception):
    """A part inflated past its declared size, or past the bytes allowed for the whole archive."""


@dataclass
class InflateBudget:
    """How many more inflated bytes the reader of one archive may produce."""

    remaining: int

    def spend(self, amount: int) -> None:
        """Count `amount` inflated bytes; raise BudgetExceeded once the budget is overdrawn."""
        self.remaining -= amount
        if self.remaining < 0:
            raise BudgetExceeded("the archive inflates past its budget")


def _data_offset(data: bytes | memoryview, info: zipfile.ZipInfo) -> int:
    """Return where a part's compressed bytes start, from its local header (not the directory)."""
    start = info.header_offset
    header = bytes(data[start : start + _LOCAL_HEADER.size])
    if len(header) < _LOCAL_HEADER.size:
        raise DamagedArchive(f"{info.filename}: its header lies outside the file")
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        raise DamagedArchive(f"{info.filename}: no local header where the directory points")
    name_length, extra_length = fields[-2], fields[-1]
    offset = start + _LOCAL_HEADER.size + name_length + extra_length
    if offset + info.compress_size > len(data):
        raise DamagedArchive(f"{info.filename}: its data runs past the end of the file")
    return offset


def inflate_part(
    data: bytes | memoryview,
    info: zipfile.ZipInfo,
    budget: InflateBudget,
    *,
    strict: bool,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[bytes]:
    """Yield the inflated bytes of one part, at most `chunk_bytes` at a time.

    Every chunk is charged to `budget` (BudgetExceeded when it runs out). `strict` (validation)
    also refuses a part that inflates past its declared size, ends short of it, or fails its
    CRC: an honest archive never does. Raises DamagedArchive for unreadable data, and
    UnsupportedCompression (a DamagedArchive) for compression other than stored or deflated.
    """
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnsupportedCompression(f"{info.filename}: compression method {info.compress_type}")
    view = memoryview(data)
    start = _data_offset(view, info)
    end = start + info.compress_size
    produced = 0
    crc = 0
    for chunk in _chunks(view, start, end, info, chunk_bytes):
        produced += len(chunk)
        if strict and produced > info.file_size:
            raise BudgetExceeded(f"{info.filename}: inflates past its declared size")
        budget.spend(len(chunk))
        if strict:
            crc = zlib.crc32(chunk, crc)
        yield chunk
    if strict and (produced != info.file_size or crc != info.CRC):
        raise DamagedArchive(f"{info.filename}: its size or checksum is not what it declares")


def _chunks(
    view: memoryview, start: int, end: int, info: zipfile.ZipInfo, chunk_bytes: int
) -> Iterator[bytes]:
    if info.compress_type == zipfile.ZIP_STORED:
        for at in range(start, end, chunk_bytes):
            yield bytes(view[at : min(at + chunk_bytes, end)])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    position = start
    try:
        while not inflater.eof:
            pending = inflater.unconsumed_tail
            if not pending and position < end:
                pending = view[position : min(position + chunk_bytes, end)]
                position += len(pending)
            # max_length bounds each call's output: this is what keeps a bomb at one chunk.
            chunk = inflater.decompress(pending, chunk_bytes)
            if chunk:
                yield chunk
            elif not inflater.unconsumed_tail and position >= end:
                break  # input exhausted and nothing more comes out: the stream is cut short
    except zlib.error as error:
        raise DamagedArchive(f"{info.filename}: {error}") from error
    if not inflater.eof:
        raise DamagedArchive(f"{info.filename}: the compressed data ends too early")


def read_part(
    data: bytes | memoryview, info: zipfile.ZipInfo, budget: InflateBudget, limit: int
) -> bytes:
    """Return a small part whole, or raise BudgetExceeded if it inflates past `limit` bytes."""
    collected = bytearray()
    for chunk in inflate_part(data, info, budget, strict=False):
        collected += chunk
        if len(collected) > limit:
            raise BudgetExceeded(f"{info.filename}: larger than {limit} bytes")
    return bytes(collected)
