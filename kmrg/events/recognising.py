"""Recognise what a meeting record says, for the champion to confirm: a pure function of its text.

`recognise_meeting_record(text)` reads a record as the reference group writes them (a title line
with the dates, "hosted by …", the aims after "with the aim of:", "Session 1: …" headings,
"[Presentation attached as annexure B]", people named with their organisations, "X will prepare …")
and returns what it found, in document order. It guesses; nothing it returns is saved until a
person confirms it (kmrg.events.importing). It reads at most MAX_RECOGNISED_CHARS and proposes
at most MAX_PER_KIND of each kind, so a huge file costs no more than a long record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kmrg.events.models import ProposalKind
from kmrg.events.recognising_people import PRONOUNS, PeopleFinder, people_in_list
from kmrg.events.record_text import (
    DASH,
    PERSON,
    Line,
    Paragraph,
    capitalised_run,
    find_dates,
    normalise_text,
    read_lines,
    read_paragraphs,
    split_sentences,
    strip_honorific,
    words,
)

MAX_RECOGNISED_CHARS = 200_000
MAX_PER_KIND = 200
MAX_TITLE_CHARS = 200
MAX_AIMS = 20
MAX_ANNEXURE_TITLE_CHARS = 150


@dataclass(frozen=True)
class Proposed:
    """One thing recognised: what it says, a detail (organisation, presenter, owner), where."""

    kind: ProposalKind
    text: str
    detail: str = ""
    offset: int = 0


@dataclass(frozen=True)
class RecognisedRecord:
    """What a meeting record says, as far as the Hub can tell."""

    title: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    host: str = ""
    aims: tuple[str, ...] = ()
    sessions: tuple[Proposed, ...] = ()
    attendees: tuple[Proposed, ...] = ()
    annexures: tuple[Proposed, ...] = ()
    actions: tuple[Proposed, ...] = ()
    is_truncated: bool = False

    @property
    def proposals(self) -> list[Proposed]:
        """Return every session, attendee, annexure and action, in document order."""
        found = [*self.sessions, *self.attendees, *self.annexures, *self.actions]
        return sorted(found, key=lambda proposed: proposed.offset)


def recognise_meeting_record(text: str) -> RecognisedRecord:
    """Return what `text`, a meeting record's plain text, says about the meeting."""
    text = normalise_text(text or "")
    is_truncated = len(text) > MAX_RECOGNISED_CHARS
    text = text[:MAX_RECOGNISED_CHARS]
    lines = read_lines(text)
    paragraphs = read_paragraphs(lines, is_heading=lambda text: bool(_SESSION.match(text)))
    title, title_line = _title(lines)
    dates = find_dates(title_line) or find_dates(text[:5000])
    people = PeopleFinder(paragraphs)
    return RecognisedRecord(
        title=title,
        starts_on=dates[0] if dates else None,
        ends_on=dates[1] if dates else None,
        host=_host(text),
        aims=tuple(_aims(lines)),
        sessions=_capped(_sessions(lines)),
        attendees=_capped(_attendees(people) + _listed_attendees(lines), unique=True),
        annexures=_capped(_annexures(paragraphs, lines, people), unique=True),
        actions=_capped(_actions(paragraphs, lines, people), unique=True),
        is_truncated=is_truncated,
    )


def _capped(found: list[Proposed], *, unique: bool = False) -> tuple[Proposed, ...]:
    kept: dict[str, Proposed] = {}
    for index, proposed in enumerate(sorted(found, key=lambda p: p.offset)):
        key = _key(proposed) if unique else str(index)
        if key not in kept:
            kept[key] = proposed
        elif proposed.detail and not kept[key].detail:
            kept[key] = Proposed(proposed.kind, kept[key].text, proposed.detail, kept[key].offset)
    return tuple(list(kept.values())[:MAX_PER_KIND])


def _key(proposed: Proposed) -> str:
    if proposed.kind is ProposalKind.ANNEXURE:
        return proposed.text.split(":", 1)[0].casefold()
    return " ".join(proposed.text.casefold().split())


# The title and the dates: the record's first line, as it usually is.

_TRAILING_WORDS = re.compile(r"(?:[\s,;:(]|" + DASH + r")*(?:\b(?:held\s+)?(?:on|at)\b)?\s*$")


def _title(lines: list[Line]) -> tuple[str, str]:
    """Return the title (without a date that ends it) and the line it came from."""
    written = [line.text for line in lines if line.text][:5]
    if not written:
        return "", ""
    line = next(
        (text for text in written if len(text) <= MAX_TITLE_CHARS and not text.endswith(":")),
        written[0],
    )
    title = line
    dates = find_dates(line[: MAX_TITLE_CHARS + 50])
    if dates and (len(line) > MAX_TITLE_CHARS or not line[dates[2].end() :].strip(" .)")):
        # A PDF's text comes a page to a line: the title is what comes before its date.
        title = _TRAILING_WORDS.sub("", line[: dates[2].start()]) or line
    elif len(line) > MAX_TITLE_CHARS:
        title = split_sentences(line)[0][1]
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return title, line


_HOSTED_BY = re.compile(r"\bhosted\s+by\s+(?:the\s+)?", re.IGNORECASE)
_HOST_LINE = re.compile(r"^\s*(?:host|hosted by|host city|host municipality)\s*:\s*", re.I | re.M)


def _host(text: str) -> str:
    """Return the organisation the record says hosted the meeting, as written."""
    for pattern in (_HOST_LINE, _HOSTED_BY):
        for match in pattern.finditer(text):
            host = capitalised_run(text, match.end())
            if host:
                return host
    return ""


# The aims: the list after "with the aim of:" (or an "Aims" or "Objectives" heading).

_AIMS_INTRO = re.compile(
    r"\b(?:aims?|objectives?|purpose)\b.*:$|^(?:the\s+)?(?:aims?|objectives?|purpose)"
    r"(?:\s+of\s+the\s+(?:meeting|workshop|session))?$",
    re.IGNORECASE,
)
_AIM_INLINE = re.compile(r"\bwith\s+the\s+aims?\s+of\s+(?P<aim>[^.:;]{5,300})\.", re.I)


def _aims(lines: list[Line]) -> list[str]:
    for index, line in enumerate(lines):
        if _AIMS_INTRO.search(line.text) and len(line.text) <= 400:
            aims = _list_after(lines, index)
            if aims:
                return [aim[:500] for aim in aims[:MAX_AIMS]]
        inline = _AIM_INLINE.search(line.text)
        if inline:
            aim = inline.group("aim").strip()
            return [aim[0].upper() + aim[1:]]
    return []


def _list_after(lines: list[Line], index: int, limit: int = 60) -> list[str]:
    """Return the list that follows the line at `index`: its bullets, or its short lines.

    Without bullets (Word's list paragraphs lose theirs in the text), the list is the short
    lines that follow, up to a blank line, a heading or a long paragraph.
    """
    items: list[str] = []
    bulleted = None
    blanks = 0
    for line in lines[index + 1 : index + 1 + limit]:
        if not line.text:
            blanks += 1
            if (items and bulleted is False) or blanks > 2:
                break
            continue
        if _SESSION.match(line.text):
            break
        if bulleted is None:
            bulleted = line.is_bullet
        if bulleted and not line.is_bullet:
            if items and blanks == 0 and line.text[0].islower():
                items[-1] += " " + line.text
                continue
            break
        if not bulleted and (len(line.text) > 250 or line.text.endswith(":")):
            break
        items.append(line.text)
        blanks = 0
    return items


# Sessions: "Session 1: Reflection and forming new partnerships".

_SESSION = re.compile(
    r"^session\s+(?P<number>\d{1,2}|[ivx]{1,5}|one|two|three|four|five|six|seven|eight|nine|ten)"
    rf"\b\s*(?:(?:[:.]|{DASH})\s*(?P<title>.*))?$",
    re.IGNORECASE,
)


def _sessions(lines: list[Line]) -> list[Proposed]:
    found = []
    for line in lines:
        match = _SESSION.match(line.text) if len(line.text) <= 250 else None
        if match:
            label = f"Session {match.group('number')}"
            title = (match.group("title") or "").strip(" .:") or label
            found.append(Proposed(ProposalKind.SESSION, title[:200], label, line.offset))
    return found


def _attendees(people: PeopleFinder) -> list[Proposed]:
    return [
        Proposed(ProposalKind.ATTENDEE, name, organisation, offset)
        for name, organisation, offset in people.people()
    ]


# People listed under "Present:" or "Attendance" (one a line, "Name (Organisation)").

_ATTENDANCE_HEADING = re.compile(
    r"^(?:present|attendees|attendance(?:\s+register)?|participants|delegates|in attendance)"
    r"\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)


def _listed_attendees(lines: list[Line]) -> list[Proposed]:
    found = []
    for index, line in enumerate(lines):
        match = _ATTENDANCE_HEADING.match(line.text)
        if not match:
            continue
        rest = match.group("rest")
        items = [rest] if rest else _list_after(lines, index, limit=MAX_PER_KIND * 2)
        for name, organisation in people_in_list(items):
            found.append(Proposed(ProposalKind.ATTENDEE, name, organisation, line.offset))
    return found


# Annexures: "[Presentation attached as annexure B]", "Annex D", "Annexure A: KM audit".

_ANNEX_REF = re.compile(r"\b(?i:annex(?:ure)?|appendix)\s+(?P<letter>[A-Z]|\d{1,2})\b")
_ANNEX_LINE = re.compile(
    rf"^(?i:annex(?:ure)?|appendix)\s+(?P<letter>[A-Z]|\d{{1,2}})\s*(?:[:.]|{DASH})\s*(?P<title>.+)$"
)
_ATTACHED_KIND = re.compile(
    r"(?P<kind>\w+)\s+(?:is\s+)?attached\s+(?:as|at|in)\s+(?:an?\s+)?$", re.IGNORECASE
)
_KINDS = words(
    "report presentation paper document slides strategy plan framework study minutes letter policy"
)
_TOPIC = re.compile(
    r"\b(?:presented|described|outlined|introduced|commissioned|launched|tabled|discussed"
    r"|reported on|spoke (?:about|on)|talked about|presentation (?:on|of)"
    r"|gave an? (?:overview|presentation|report|update) (?:of|on))\s+"
    r"(?!that\b|how\b|why\b|what\b|a\b|by\b)(?P<topic>[^,.;:\[\]()]{3,150})"
)
_PASSIVE_TOPIC = re.compile(
    r"^(?:the\s+)?(?P<topic>[^,.;:\[\]()]{3,150}?)\s+(?:was|were)\s+"
    r"(?:presented|described|outlined|introduced|tabled)\s+by\b",
    re.IGNORECASE,
)


def _annexures(
    paragraphs: list[Paragraph], lines: list[Line], people: PeopleFinder
) -> list[Proposed]:
    found = []
    for line in lines:
        match = _ANNEX_LINE.match(line.text)
        if match:
            text = f"Annexure {match.group('letter')}: {match.group('title').strip()}"
            found.append(Proposed(ProposalKind.ANNEXURE, text[:200], "", line.offset))
    listed = {proposed.text.split(":", 1)[0] for proposed in found}
    for number, paragraph in enumerate(paragraphs):
        if _ANNEX_LINE.match(paragraph.text):
            continue
        sentences = split_sentences(paragraph.text)
        for match in _ANNEX_REF.finditer(paragraph.text):
            label = f"Annexure {match.group('letter')}"
            if label in listed:
                continue
            listed.add(label)
            context = [s for start, s in sentences if start <= match.start()][::-1]
            if len(context) == 1 and number > 0:
                context += [s for _, s in split_sentences(paragraphs[number - 1].text)][::-1]
            kind = _ATTACHED_KIND.search(paragraph.text[max(0, match.start() - 60) : match.start()])
            title, presenter = _annexure_title(context, kind.group("kind") if kind else "", people)
            offset = paragraph.offset + match.start()
            found.append(Proposed(ProposalKind.ANNEXURE, f"{label}: {title}", presenter, offset))
    return found


def _annexure_title(context: list[str], kind: str, people: PeopleFinder) -> tuple[str, str]:
    """Guess an annexure's title and presenter from the sentences before its mention."""
    kind = kind.capitalize() if kind.casefold() in _KINDS else "Presentation"
    mention = next((m for sentence in context if (m := people.presenter_in(sentence))), None)
    presenter = mention.label[:300] if mention else ""
    for sentence in context:
        topic = _PASSIVE_TOPIC.search(sentence) or _TOPIC.search(sentence)
        if topic:
            return _as_title(topic.group("topic")), presenter
    if mention:
        return f"{kind} by {' and '.join(mention.names)}", presenter
    sentence = next((s for s in reversed(context) if not _ANNEX_REF.search(s)), "")
    return (f"{kind}: {_as_title(sentence)}" if sentence else kind), presenter


def _as_title(phrase: str) -> str:
    phrase = re.sub(r"^(?:the|a|an|their|its|his|her)\s+", "", phrase.strip(), flags=re.I)
    phrase = phrase.rstrip(" .")
    if len(phrase) > MAX_ANNEXURE_TITLE_CHARS:
        phrase = phrase[: MAX_ANNEXURE_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    if phrase[1:2].isupper():  # "eThekwini", "iLembe": a name that starts in lower case
        return phrase
    return phrase[:1].upper() + phrase[1:]


# Actions: "She will prepare a first draft …", "NMB offered to host the August meeting",
# and the items under an "Actions" heading.

_ACTION_VERBS = (
    r"prepare|draft|circulate|host|send|compile|organi[sz]e|arrange|write|share|follow|submit"
    r"|present|develop|finali[sz]e|distribute|convene|report|invite|update|set|co-?ordinate"
    r"|document|review|contact|provide|investigate|confirm|table|collect|complete|lead|design"
    r"|publish|upload|e-?mail|liaise|approach|facilitate|check|research|consolidate|draw"
    r"|give|make|book|plan|pilot|test|launch|establish|identify|schedule|engage|ensure"
)
_MODAL = (
    r"will|shall|agreed to|offered to|undertook to|volunteered to|committed to|is to|are to"
    r"|(?:was|were|has been|have been) (?:asked|tasked|requested|mandated) to"
)
_SUBJECT = (
    rf"He|She|They|We|(?:[Tt]he\s+)?(?:secretariat|chair(?:person)?|facilitator|convenor|hosts?)"
    rf"|{PERSON}(?:\s+(?:and|&)\s+{PERSON})?"
    r"|(?:The\s+)?[A-Z][\w'’.-]*(?:\s+(?:of\s+|and\s+|the\s+)?[A-Z][\w'’.-]*){0,5}"
)
_ACTION = re.compile(
    rf"^(?:(?:and|then|also)\s+)?(?P<subject>{_SUBJECT})\s+(?:{_MODAL})\s+(?:also\s+)?"
    rf"(?:be\s+invited\s+to\s+)?(?:{_ACTION_VERBS})\b"
)
_NOT_SUBJECTS = words("it this that these there here which what who all each every")
_CLAUSE_BREAK = re.compile(r",\s+(?:and\s+)?(?=[A-Z])|;\s+|\s+and\s+(?=[A-Z])")
_ACTIONS_HEADING = re.compile(
    r"^(?:actions?|action\s+(?:items?|points?|list)|way\s+forward|next\s+steps)\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_OWNER_NOTE = re.compile(
    r"\s*[(\[]?\b(?:owner|responsible|by whom|lead|who)\s*:\s*"
    r"(?P<owner>[^;()\[\]\n]+)[)\]]?\s*\.?$",
    re.IGNORECASE,
)
_TO_DO = re.compile(rf"^(?P<owner>{PERSON}|[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){{0,4}})\s+to\s+\w")


def _actions(
    paragraphs: list[Paragraph], lines: list[Line], people: PeopleFinder
) -> list[Proposed]:
    found = _listed_actions(lines)
    for paragraph in paragraphs:
        for start, sentence in split_sentences(paragraph.text):
            for clause in _CLAUSE_BREAK.split(sentence.rstrip(".")):
                match = _ACTION.match(clause.strip())
                subject = match.group("subject") if match else ""
                if not match or subject.casefold() in _NOT_SUBJECTS:
                    continue
                owner = people.resolve(subject, paragraph.offset + start)
                text = clause.strip()
                if subject.casefold() in PRONOUNS and owner:
                    text = owner + text[len(subject) :]
                offset = paragraph.offset + start
                found.append(Proposed(ProposalKind.ACTION, text[:1000], owner[:300], offset))
    return found


def _listed_actions(lines: list[Line]) -> list[Proposed]:
    found = []
    for index, line in enumerate(lines):
        match = _ACTIONS_HEADING.match(line.text)
        if not match:
            continue
        items = [match.group("rest")] if match.group("rest") else _list_after(lines, index)
        for item in items:
            owner = ""
            note = _OWNER_NOTE.search(item)
            if note:
                owner, item = note.group("owner").strip(" ."), item[: note.start()]
            elif to_do := _TO_DO.match(item):
                owner = strip_honorific(to_do.group("owner"))
            item = item.strip(" .;")
            if item:
                found.append(Proposed(ProposalKind.ACTION, item[:1000], owner[:300], line.offset))
    return found
