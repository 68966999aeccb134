"""Reading a meeting record's plain text: lines, paragraphs, sentences, dates, names.

The pieces kmrg.events.recognising builds on. Pure functions over strings; every pattern here
works a line or a sentence at a time and none can backtrack far, so their cost stays linear in
the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

# Every dash Word and PDF text use between dates and after headings, and the minus sign.
DASH = "[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]"
# Bullets as they arrive from Word, PDF and plain text: symbols (including the private-use
# characters of Symbol and Wingdings fonts), numbers "1." "1)", letters "(a)" "a)", numerals "iv.".
_BULLET = re.compile(
    r"^(?:(?:[-*+•·‣▪▫●○◦■□►▶➢➤✓✔⌘§\uf0a7\uf0b7\uf076\uf0d8\uf0fc]"
    r"|\d{1,3}[.)]|\(\d{1,3}\)|\(?[a-z]\)|\(?[ivx]{1,4}[.)])\s+)+"
)
_HEADING_MARKS = re.compile(r"^#{1,6}\s+")
_EMPHASIS = re.compile(r"\*\*|__")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = {ord(c): " " for c in "\u00a0\u2007\u202f\t\f\v"}


def normalise_text(text: str) -> str:
    """Return `text` with one kind of line ending and space, and no invisible characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_INVISIBLE).translate(_SPACES)


@dataclass(frozen=True)
class Line:
    """One line of the record: its text without markup or bullet, and where it starts."""

    text: str
    offset: int
    is_bullet: bool


def read_lines(text: str) -> list[Line]:
    """Split normalised text into lines, each cleaned of Markdown marks and leading bullets."""
    lines = []
    offset = 0
    for raw in text.split("\n"):
        cleaned = _EMPHASIS.sub("", _HEADING_MARKS.sub("", raw.strip())).strip()
        bullet = _BULLET.match(cleaned)
        if bullet:
            cleaned = cleaned[bullet.end() :].strip()
        lines.append(Line(" ".join(cleaned.split()), offset, bullet is not None))
        offset += len(raw) + 1
    return lines


@dataclass(frozen=True)
class Paragraph:
    """Lines that belong together (a hard-wrapped paragraph, or one bullet), joined."""

    text: str
    offset: int
    is_bullet: bool


_ENDS_SENTENCE = re.compile(r"[.!?:;][\"”'’)\]]*$")


def read_paragraphs(
    lines: list[Line], is_heading: Callable[[str], bool] = lambda text: False
) -> list[Paragraph]:
    """Group lines into paragraphs: a blank line, a bullet or a finished sentence ends one.

    Word's and PDF's text has a line per paragraph and no blank lines, so a line that ends a
    sentence ends its paragraph; a plain-text line wrapped mid-sentence is joined to the next.
    The first line (the title) and headings are paragraphs of their own.
    """
    paragraphs: list[Paragraph] = []
    current: list[Line] = []

    def close() -> None:
        if current:
            joined = " ".join(line.text for line in current)
            paragraphs.append(Paragraph(joined, current[0].offset, current[0].is_bullet))
            current.clear()

    for line in lines:
        if not line.text:
            close()
            continue
        heading = not paragraphs or is_heading(line.text)
        if line.is_bullet or heading:
            close()
        current.append(line)
        if heading or _ENDS_SENTENCE.search(line.text):
            close()
    close()
    return paragraphs


_SENTENCE_END = re.compile(r"[.!?][\"”'’)\]]*\s+(?=[\"“'‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = ("Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "No.", "e.g.", "i.e.", "Cllr.")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Return the sentences of a paragraph with their offsets in it."""
    sentences: list[tuple[int, str]] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        piece = text[start : end.end()].rstrip()
        if piece.endswith(_ABBREVIATIONS):
            continue
        sentences.append((start, piece))
        start = end.end()
    if text[start:].strip():
        sentences.append((start, text[start:].strip()))
    return sentences


# Dates: "7 and 8 February 2008", "7–8 Feb 2008", "30 June – 1 July 2009", "12 May 2009",
# "February 7-8, 2008", "2009-05-12".

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_JOIN = rf"\s*(?:{DASH}|to|and|&|until|till)\s*"
DATE_PATTERN = re.compile(
    rf"\b(?P<d1>{_DAY})(?:\s+(?P<m1>{_MONTH}))?(?:,?\s+(?P<y1>{_YEAR}))?{_JOIN}"
    rf"(?P<d2>{_DAY})\s+(?P<m2>{_MONTH}),?\s+(?P<y2>{_YEAR})\b"
    rf"|\b(?P<d>{_DAY})\s+(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR})\b"
    rf"|\b(?P<um>{_MONTH})\s+(?P<ud1>{_DAY})(?:{_JOIN}(?P<ud2>{_DAY}))?,?\s+(?P<uy>{_YEAR})\b"
    rf"|\b(?P<iy>{_YEAR})-(?P<im>[01]\d)-(?P<id>[0-3]\d)\b",
    re.IGNORECASE,
)
MAX_DAYS = 14


def _day(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), _MONTH_NUMBERS[month.lower()[:3]], int(re.sub(r"\D", "", day)))
    except (ValueError, KeyError):
        return None


def _dates_of(match: re.Match[str]) -> tuple[date, date] | None:
    parts = match.groupdict()
    if parts["d2"]:
        end = _day(parts["d2"], parts["m2"], parts["y2"])
        start = _day(parts["d1"], parts["m1"] or parts["m2"], parts["y1"] or parts["y2"])
        if start and end and start > end and not parts["y1"]:
            # "30 December – 2 January 2010": the year written is the end's.
            start = _day(parts["d1"], parts["m1"] or parts["m2"], str(int(parts["y2"]) - 1))
    elif parts["d"]:
        start = end = _day(parts["d"], parts["m"], parts["y"])
    elif parts["um"]:
        start = _day(parts["ud1"], parts["um"], parts["uy"])
        end = _day(parts["ud2"], parts["um"], parts["uy"]) if parts["ud2"] else start
    else:
        try:
            start = end = date(int(parts["iy"]), int(parts["im"]), int(parts["id"]))
        except ValueError:
            return None
    if start is None:
        return None
    if end is None or end < start or (end - start).days >= MAX_DAYS:
        end = start
    return start, end


def find_dates(text: str) -> tuple[date, date, re.Match[str]] | None:
    """Return the first date or range of days written in `text`, and where it is."""
    for match in DATE_PATTERN.finditer(text):
        found = _dates_of(match)
        if found:
            return found[0], found[1], match
    return None


_DUE = re.compile(r"\b(?:by|before|due(?:\s+(?:on|by))?|no later than|not later than)\s+", re.I)


def find_due_date(text: str) -> date | None:
    """Return the date an action is due by ("… by 30 June 2009"), if the text gives one."""
    for due in _DUE.finditer(text):
        match = DATE_PATTERN.match(text, due.end())
        found = _dates_of(match) if match else None
        if found:
            return found[1]
    return None


# Names of people and organisations, from capitalisation and the words around them.


def words(text: str) -> frozenset[str]:
    """Return the set of whitespace-separated words in `text` (for word lists)."""
    return frozenset(text.split())


UPPER = "A-ZÀ-ÖØ-Þ"
LOWER = "a-zß-öø-ÿ"
_NAME_WORD = rf"(?:[{UPPER}]['’]|Mc|Mac)?[{UPPER}][{LOWER}]+(?:-[{UPPER}]?[{LOWER}]+)*"
_PARTICLE = r"(?:van|von|der|den|de|du|da|le|la|dos|das|ter|ka|wa)"
NAME = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+){{0,2}}{_NAME_WORD}){{1,3}}"
HONORIFIC = (
    r"(?:Councillor|Cllr|Mr|Mrs|Ms|Dr|Prof|Professor|Adv|Rev|Hon|Executive Mayor|Deputy Mayor"
    r"|Mayor|Minister|MEC)\.?"
)
PERSON = rf"(?:{HONORIFIC}\s+)?{NAME}"
# Words that make a capitalised phrase a place, a body or a thing rather than a person.
NOT_NAME_WORDS = words(
    """
    municipality municipal metropolitan metro city town bay district province provincial
    department council network networks association group programme program unit office
    government national treasury university institute centre center agency services service
    forum reference knowledge management session annexure annex appendix report presentation
    strategy plan framework meeting workshop conference project projects day week cup world
    soccer south african africa cape east west north northern southern western eastern
    development learning practice communities community research business portal the this
    that these those there here in on at it we they he she our their its all each every some
    many key a an if when where after before during following new minutes agenda apologies
    welcome closure opening lunch tea chairperson mayor executive
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    plans frameworks managers approach performance expenditure capital senior model models
    programmes systems system policy strategies guideline guidelines committee technical hub
    hubs integrated budget review summary overview background purpose introduction conclusion
    """
)
ROLE_WORDS = words(
    """
    chairperson chair director manager mayor ceo head member members councillor officer
    specialist deputy executive coordinator co-ordinator president secretary minister mec
    advisor adviser consultant researcher professor speaker facilitator
    """
)
_CONNECTORS = frozenset({"of", "and", "&", "for", "the", "de", "du"})
_HONORIFIC_START = re.compile(rf"^(?:{HONORIFIC}\s+)+")


def strip_honorific(name: str) -> str:
    """Return a person's name without "Mr", "Councillor" and the like before it."""
    return _HONORIFIC_START.sub("", name).strip()


def looks_like_person(name: str) -> bool:
    """Tell whether a capitalised phrase is a person's name rather than a place or a body."""
    words = strip_honorific(name).split()
    if not 2 <= len(words) <= 5:
        return False
    return not any(word.casefold().strip("'’") in NOT_NAME_WORDS for word in words)


def capitalised_run(text: str, start: int = 0, max_words: int = 10) -> str:
    """Return the name-like run of capitalised words (and acronyms) at `start` in `text`.

    "the City of Cape Town at the Civic Centre" gives "City of Cape Town"; a possessive ends
    the run ("City of Joburg's unit" gives "City of Joburg"), and so does a role ("Buffalo City
    Municipality and Chairperson of the SACN" gives "Buffalo City Municipality").
    """
    words: list[str] = []
    pending: list[str] = []
    for match in re.finditer(r"\S+", text[start : start + 400]):
        token = match.group()
        word = token.lstrip("([\"“'‘").rstrip(',.;:!?)]"”')
        ends = word != token.lstrip("([\"“'‘")
        if word.endswith(("'s", "’s")):
            word, ends = word[:-2], True
        if not word:
            break
        folded = word.casefold()
        if folded in _CONNECTORS:
            if words:
                pending.append(word)
            if ends:
                break
            continue
        # "eThekwini" and "iLembe" are names that start in lower case.
        if not (word[0].isupper() or word[1:2].isupper()) or folded in ROLE_WORDS:
            break
        words += [*pending, word]
        pending = []
        if ends or len(words) >= max_words:
            break
    return " ".join(words)
