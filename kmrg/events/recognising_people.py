"""Find the people a meeting record names, with their organisations where it gives them.

A person is recognised where a record introduces one: a capitalised name at the start of a
sentence or clause, followed by what they did or who they are ("Sithole Mbanga, CEO of the SACN,
emphasised …", "Madeleine Jackson Plaatjies from Msunduzi Municipality explained …"), or after
"presented by". Capitalised phrases naming places and bodies ("Buffalo City Municipality hosted
…", "Cape Town will host …") are not people. Pure functions over text, like record_text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kmrg.events.record_text import (
    DASH,
    PERSON,
    Paragraph,
    capitalised_run,
    looks_like_person,
    split_sentences,
    strip_honorific,
)

_VERBS = (
    r"welcomed|facilitated|spoke|presented|described|explained|emphasi[sz]ed|pointed|thanked"
    r"|wrapped|gave|said|noted|highlighted|reported|introduced|chaired|opened|closed|led|shared"
    r"|outlined|proposed|suggested|asked|agreed|offered|stressed|argued|summari[sz]ed|concluded"
    r"|raised|showed|demonstrated|talked|made|recommended|invited|urged|launched|cited|added"
    r"|responded|replied|indicated|mentioned|informed|announced|volunteered|undertook|moderated"
    r"|is|was|has|had|will|would|should|must|can|could|took|tabled|reflected|shared"
)
_GROUP = rf"(?P<group>{PERSON}(?:\s*,?\s*(?:and|&)\s+{PERSON})*)"
_INTRODUCED = re.compile(rf"{_GROUP}(?=\s*[,(]|\s+(?:from|of|at|with)\b|\s+(?:{_VERBS})\b)")
_AFTER_BY = re.compile(rf"{_GROUP}(?=\s*[,(.;]|\s+(?:from|of|at|with|who)\b|\s*$)")
_BY = re.compile(
    r"\b(?:presented|facilitated|chaired|led|opened|closed|introduced|given|delivered"
    r"|moderated|welcomed)\s+by\s+"
)
_CLAUSE_START = re.compile(r"[,;:]\s+|^[\[\"“(]?")
_APPOSITIVE_END = re.compile(rf"\b(?:{_VERBS}|who)\b")
_FROM = re.compile(r"\b(?:from|of|at)\s+(?:the\s+)?")
_JOINED = re.compile(r"\s*,?\s*(?:and|&)\s+")
PRONOUNS = frozenset({"he", "she", "they"})
_RESOLVE_WITHIN = 3000
# Far more than any record names: a text of nothing but names stops costing time here.
MAX_MENTIONS = 1000
MAX_MENTIONS_PER_SENTENCE = 40


@dataclass(frozen=True)
class Mention:
    """People introduced together at one place in the record, and the organisation given."""

    names: tuple[str, ...]
    organisation: str
    offset: int

    @property
    def label(self) -> str:
        """Return the names joined, and the organisation in brackets when known."""
        names = " and ".join(self.names)
        return f"{names} ({self.organisation})" if self.organisation else names


def mentions_in(sentence: str, offset: int = 0) -> list[Mention]:
    """Return the groups of people `sentence` introduces, in order."""
    found: dict[int, Mention] = {}
    starts = [(m.end(), _INTRODUCED) for m in _CLAUSE_START.finditer(sentence)]
    starts += [(m.end(), _AFTER_BY) for m in _BY.finditer(sentence)]
    for start, pattern in starts:
        if len(found) >= MAX_MENTIONS_PER_SENTENCE:
            break
        match = pattern.match(sentence, start)
        if not match or start in found:
            continue
        names = tuple(
            name
            for part in _JOINED.split(match.group("group"))
            if looks_like_person(name := strip_honorific(part))
        )
        if names:
            organisation = _organisation_after(sentence, match.end())
            found[start] = Mention(names, organisation, offset + start)
    return [found[start] for start in sorted(found)]


def _organisation_after(sentence: str, end: int) -> str:
    """Return the organisation named between a person's name and what they did."""
    rest = sentence[end : end + 300]
    verb = _APPOSITIVE_END.search(rest)
    appositive = rest[: verb.start()] if verb else rest
    for preposition in _FROM.finditer(appositive):
        organisation = capitalised_run(appositive, preposition.end())
        if organisation:
            return organisation[:200]
    return ""


class PeopleFinder:
    """The people a record names, found once and asked about by the recognisers."""

    def __init__(self, paragraphs: list[Paragraph]) -> None:
        self.mentions: list[Mention] = []
        for paragraph in paragraphs:
            for start, sentence in split_sentences(paragraph.text):
                if len(self.mentions) >= MAX_MENTIONS:
                    return
                self.mentions += mentions_in(sentence, paragraph.offset + start)

    def people(self) -> list[tuple[str, str, int]]:
        """Return (name, organisation, offset) of each person named, in document order."""
        return [
            (name, mention.organisation, mention.offset)
            for mention in self.mentions
            for name in mention.names
        ]

    def presenter_in(self, sentence: str) -> Mention | None:
        """Return the first people `sentence` introduces, if any."""
        mentions = mentions_in(sentence)
        return mentions[0] if mentions else None

    def resolve(self, subject: str, offset: int) -> str:
        """Return who a sentence's subject is: the name, or who a pronoun stands for ("" if
        nobody was named just before)."""
        if subject.casefold() not in PRONOUNS:
            return re.sub(r"^[Tt]he\s+", "", strip_honorific(subject))
        earlier = [m for m in self.mentions if offset - _RESOLVE_WITHIN <= m.offset < offset]
        if subject.casefold() != "they":
            earlier = [m for m in earlier if len(m.names) == 1]
        return " and ".join(earlier[-1].names) if earlier else ""


_LISTED = re.compile(
    rf"^(?P<name>{PERSON})\s*(?:\((?P<bracketed>[^)]{{1,200}})\)|(?:,|:|{DASH})\s*(?P<org>.{{1,200}}))?\s*$"
)


def people_in_list(items: list[str]) -> list[tuple[str, str]]:
    """Return (name, organisation) of each person in an attendance list's items.

    Items read "Name (Organisation)", "Name, Organisation", "Name – Organisation" or "Name";
    one line may hold several, separated by semicolons or after a closing bracket.
    """
    people = []
    for item in items:
        for part in re.split(r";\s*|(?<=\))\s*,\s*", item):
            match = _LISTED.match(part.strip(" .\t"))
            if not match:
                continue
            name = strip_honorific(match.group("name"))
            organisation = (match.group("bracketed") or match.group("org") or "").strip(" .")
            if looks_like_person(name):
                people.append((name, organisation))
    return people
