"""Rank the expert directory and say why each person matched: pure functions over value objects.

The directory (kmrg/experts/directory.py) gathers what it knows of each candidate into a
`Candidate` — evidence and endorsements in the requested areas, what they claim there, how well
the free text matched — and only this module decides the order and the words. Nothing in here
touches the database, so the rules are tested directly.

The order, when areas (a theme, or what the free text names) are requested:
1. people with evidence (Hub records) or peer endorsements in those areas, the more the better;
2. people who only say they know the area (a bare claim), a higher level first;
3. everyone else;
then text relevance, then name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from kmrg.experts.models import ExpertiseLevel

LEVEL_RANK = {
    ExpertiseLevel.WORKING_KNOWLEDGE: 1,
    ExpertiseLevel.PRACTITIONER: 2,
    ExpertiseLevel.AUTHORITY: 3,
}
# Where free text may match, in the order a "why matched" line names them.
PLACES = (
    "name",
    "headline",
    "expertise",
    "biography",
    "evidence",
    "organisation",
    "province",
    "languages",
)
WORD = re.compile(r"\w+")
MARK = re.compile(r"<mark\b[^>]*>(.*?)</mark>", re.DOTALL)


@dataclass(frozen=True)
class EvidenceTally:
    """How many records of one kind show the person's work in one area (e.g. 2 case studies)."""

    area: str
    kind_label: str
    count: int


@dataclass(frozen=True)
class EndorsementTally:
    """How many peers endorse the person in one area (hidden endorsements never get here)."""

    area: str
    count: int


@dataclass(frozen=True)
class Claim:
    """What the person says of themselves in one requested area."""

    area: str
    level: ExpertiseLevel


@dataclass(frozen=True)
class TextMatch:
    """Query words found in the same places of a profile."""

    words: tuple[str, ...]
    places: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """What the ranking knows of one person, all of it limited to what the viewer may see."""

    profile_id: int
    name: str
    evidence: tuple[EvidenceTally, ...] = ()
    endorsements: tuple[EndorsementTally, ...] = ()
    claims: tuple[Claim, ...] = ()
    text_score: float = 0.0
    text_matches: tuple[TextMatch, ...] = ()

    @property
    def evidence_count(self) -> int:
        return sum(tally.count for tally in self.evidence)

    @property
    def endorsement_count(self) -> int:
        return sum(tally.count for tally in self.endorsements)

    @property
    def best_level(self) -> int:
        return max((LEVEL_RANK[claim.level] for claim in self.claims), default=0)


def sort_key(candidate: Candidate) -> tuple[int, int, int, float, str, int]:
    """Return the key that puts better-supported, more relevant people first."""
    corroboration = candidate.evidence_count + candidate.endorsement_count
    if corroboration:
        tier = 2
    elif candidate.claims:
        tier = 1
    else:
        tier = 0
    return (
        -tier,
        -corroboration,
        -candidate.best_level,
        -candidate.text_score,
        candidate.name.casefold(),
        candidate.profile_id,
    )


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Return the candidates best first (see the module docstring for the order)."""
    return sorted(candidates, key=sort_key)


def _plural(count: int, label: str) -> str:
    label = label[:1].lower() + label[1:]
    if count == 1:
        return f"1 {label}"
    if label.endswith("y") and not label.endswith(("ay", "ey", "oy", "uy")):
        return f"{count} {label[:-1]}ies"
    return f"{count} {label}s"


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _quoted(words: Sequence[str]) -> str:
    return _and([f"“{word}”" for word in words])


def why_matched(candidate: Candidate) -> list[str]:
    """Return the reasons, in words, that the candidate is in the results, strongest last."""
    reasons = []
    if candidate.text_matches:
        # One short clause: which words, and everywhere any of them was found.
        words = list(dict.fromkeys(w for match in candidate.text_matches for w in match.words))
        places = {place for match in candidate.text_matches for place in match.places}
        reasons.append(f"Matched {_quoted(words)} in {_and(sorted(places, key=_place_order))}")
    reasons += [
        f"{_plural(tally.count, tally.kind_label)} on {tally.area}"
        for tally in candidate.evidence
        if tally.count
    ]
    reasons += [
        f"Endorsed by {_plural(tally.count, 'peer')} for {tally.area}"
        for tally in candidate.endorsements
        if tally.count
    ]
    if candidate.claims:
        claims = [f"{claim.level.label} in {claim.area}" for claim in candidate.claims]
        reasons.append("Says: " + "; ".join(claims))
    return reasons


Highlight = Callable[[str, frozenset[str]], str]


def query_words(text: str) -> list[str]:
    """Return the words of a query, once each, in the order typed."""
    seen: dict[str, str] = {}
    for word in WORD.findall(text):
        seen.setdefault(word.casefold(), word.casefold())
    return list(seen.values())


def terms_of_words(
    words: Sequence[str], terms: frozenset[str], highlight: Highlight
) -> dict[str, frozenset[str]]:
    """Map each query word to the search terms it became (none for a stop word)."""
    found = {
        word: frozenset(t for t in terms if MARK.search(highlight(word, frozenset([t]))))
        for word in words
    }
    return {word: word_terms for word, word_terms in found.items() if word_terms}


def find_text_matches(
    word_terms: Mapping[str, frozenset[str]],
    places: Sequence[tuple[str, str]],
    highlight: Highlight,
) -> tuple[TextMatch, ...]:
    """Return which query words occur in which places, words with the same places together.

    `highlight(text, terms)` is the search engine's: it marks the words of `text` that match
    `terms` with <mark>, so a word matches here exactly when the engine would match it.
    """
    every_term = frozenset().union(*word_terms.values())
    found: dict[str, list[str]] = {word: [] for word in word_terms}
    for place, text in places:
        if not text:
            continue
        # With several words, one pass with every term first: most places match nothing.
        if len(word_terms) > 1 and not MARK.search(highlight(text, every_term)):
            continue
        for word, terms in word_terms.items():
            if place not in found[word] and MARK.search(highlight(text, terms)):
                found[word].append(place)
    grouped: dict[tuple[str, ...], list[str]] = {}
    for word, where in found.items():
        if where:
            ordered = tuple(sorted(where, key=_place_order))
            grouped.setdefault(ordered, []).append(word)
    return tuple(TextMatch(words=tuple(w), places=p) for p, w in grouped.items())


def _place_order(place: str) -> int:
    return PLACES.index(place) if place in PLACES else len(PLACES)
