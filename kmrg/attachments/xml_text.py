"""Streaming XML readers for the text of document parts: lxml parser targets, never a tree.

A target receives start, end and character-data events as the parser is fed chunks, so memory
holds a paragraph at most, whatever the size of the part. Each caps the characters it keeps.
"""

from __future__ import annotations

from typing import Any

SPREADSHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class DtdRefused(ValueError):
    """A document part declares a DTD: it never needs one, and one may be an entity bomb."""


def make_parser(target: Any) -> Any:
    """Return a feed parser calling `target`, resolving no entities and loading nothing."""
    from lxml import etree

    return etree.XMLParser(
        target=target, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )


class _Target:
    """What every target shares: DTDs refused, pieces handed over as they are complete."""

    is_full = False

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def doctype(self, *_args: Any) -> None:
        raise DtdRefused("a document part declares a DTD")

    def take(self) -> list[str]:
        """Return the pieces completed since the last call."""
        taken, self.pieces = self.pieces, []
        return taken

    def close(self) -> None:
        return None


class ParagraphTarget(_Target):
    """Collect the text of paragraphs, one piece per paragraph, at most `limit` characters.

    Paragraphs nest (text boxes, notes): each yields its own text, not its children's. With
    `text`, only character data inside those elements counts (Word's w:t, not field codes);
    without, all character data inside a paragraph does (OpenDocument). `spaces` are elements
    that stand for a space (tabs, line breaks).
    """

    def __init__(
        self,
        paragraphs: frozenset[str],
        text: frozenset[str],
        spaces: frozenset[str],
        limit: int,
    ) -> None:
        super().__init__()
        self.paragraphs, self.text, self.spaces, self.limit = paragraphs, text, spaces, limit
        self._open: list[list[str]] = []
        self._in_text = 0
        self._chars = 0

    def start(self, tag: str, _attrib: Any) -> None:
        if tag in self.paragraphs:
            self._open.append([])
        elif tag in self.text:
            self._in_text += 1
        elif tag in self.spaces and self._open:
            self._open[-1].append(" ")

    def end(self, tag: str) -> None:
        if tag in self.paragraphs and self._open:
            self.pieces.append("".join(self._open.pop()))
        elif tag in self.text:
            self._in_text -= 1

    def data(self, text: str) -> None:
        if not self._open or (self.text and self._in_text <= 0) or self.is_full:
            return
        room = self.limit - self._chars
        self._chars += len(text)
        self._open[-1].append(text[: max(room, 0)])
        # One endless paragraph must not hold more than the text that would be kept: past the
        # limit, what the open paragraphs hold so far is all there will be.
        if self._chars >= self.limit:
            self.is_full = True
            self.pieces += ["".join(parts) for parts in self._open]
            self._open = [[] for _ in self._open]


class AttributeTarget(_Target):
    """Keep the attributes of every element with one tag (relationships, sheet lists)."""

    def __init__(self, tag: str) -> None:
        super().__init__()
        self.tag = tag
        self.found: list[dict[str, str]] = []

    def start(self, tag: str, attrib: Any) -> None:
        if tag == self.tag:
            self.found.append(dict(attrib))


class SharedStringsTarget(_Target):
    """Read a workbook's shared strings (the text of most cells), at most `limit` characters.

    Past the limit, strings keep their places (cells refer to them by number) but no text.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.strings: list[str] = []
        self._current: list[str] | None = None
        self._in_text = self._in_phonetic = 0
        self._chars = 0

    def start(self, tag: str, _attrib: Any) -> None:
        if tag == f"{SPREADSHEET}si":
            self._current = []
        elif tag == f"{SPREADSHEET}t":
            self._in_text += 1
        elif tag == f"{SPREADSHEET}rPh":
            self._in_phonetic += 1

    def end(self, tag: str) -> None:
        if tag == f"{SPREADSHEET}si" and self._current is not None:
            self.strings.append("".join(self._current))
            self._current = None
        elif tag == f"{SPREADSHEET}t":
            self._in_text -= 1
        elif tag == f"{SPREADSHEET}rPh":
            self._in_phonetic -= 1

    def data(self, text: str) -> None:
        if self._current is None or self._in_text <= 0 or self._in_phonetic:
            return
        self._chars += len(text)
        if self._chars <= self.limit:
            self._current.append(text)

    @property
    def is_complete(self) -> bool:
        """Tell whether every string kept its text."""
        return self._chars <= self.limit


class SheetTarget(_Target):
    """Yield each row of a worksheet as its cells' values, shared strings looked up."""

    MAX_CELL_PIECES = 1_000

    def __init__(self, shared: list[str]) -> None:
        super().__init__()
        self.shared = shared
        self._row: list[str] = []
        self._cell: list[str] | None = None
        self._cell_type = ""
        self._in_value = 0

    def start(self, tag: str, attrib: Any) -> None:
        if tag == f"{SPREADSHEET}c":
            self._cell, self._cell_type = [], attrib.get("t", "n")
        elif tag in (f"{SPREADSHEET}v", f"{SPREADSHEET}t"):
            self._in_value += 1

    def end(self, tag: str) -> None:
        if tag == f"{SPREADSHEET}c" and self._cell is not None:
            value = "".join(self._cell)
            if self._cell_type == "s":
                index = int(value) if value.strip().isdecimal() else -1
                value = self.shared[index] if 0 <= index < len(self.shared) else ""
            elif self._cell_type in ("b", "e"):
                value = ""  # TRUE/FALSE and #N/A are not words anyone searches for
            if value:
                self._row.append(value)
            self._cell = None
        elif tag in (f"{SPREADSHEET}v", f"{SPREADSHEET}t"):
            self._in_value -= 1
        elif tag == f"{SPREADSHEET}row":
            self.pieces.append(" ".join(self._row))
            self._row = []

    def data(self, text: str) -> None:
        cell = self._cell
        if cell is not None and self._in_value > 0 and len(cell) < self.MAX_CELL_PIECES:
            cell.append(text)
