"""Sets of document numbers as Python integers: bit n set means document n is in the set.

A search over 100,000 documents combines, counts and compares sets of tens of thousands of
documents: as integers, `&`, `|`, `~` and `bit_count()` run in C over 12.5 kB, in microseconds,
where Python sets or Whoosh's filter queries took tens of milliseconds per search.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

_BIT = [1 << i for i in range(8)]
# For each byte value, the positions of its set bits.
_POSITIONS = [tuple(i for i in range(8) if value & (1 << i)) for value in range(256)]


def from_ids(ids: Iterable[int], size: int) -> int:
    """Return the set of the given document numbers (each below `size`)."""
    buffer = bytearray((size + 7) // 8)
    bit = _BIT
    for docnum in ids:
        buffer[docnum >> 3] |= bit[docnum & 7]
    return int.from_bytes(buffer, "little")


def everything(size: int) -> int:
    """Return the set of every document number below `size`."""
    return (1 << size) - 1


def to_bytes(bits: int, size: int) -> bytes:
    """Return the set as bytes, for fast membership tests with `contains`."""
    return bits.to_bytes((size + 7) // 8, "little")


def contains(packed: bytes, docnum: int) -> bool:
    """Tell whether `docnum` is in a set packed by `to_bytes`."""
    return bool(packed[docnum >> 3] & _BIT[docnum & 7])


def members(bits: int, size: int) -> Iterator[int]:
    """Yield the document numbers in the set, in order."""
    positions = _POSITIONS
    for index, byte in enumerate(to_bytes(bits, size)):
        if byte:
            base = index << 3
            for offset in positions[byte]:
                yield base + offset
