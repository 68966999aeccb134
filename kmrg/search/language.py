"""The search language a practitioner learns in a minute, parsed into a tree every backend compiles.

    water meters            both words (in any form: "meter" finds "metering")
    "water meters"          the exact phrase
    water -borehole         leave out records with a word
    water OR sanitation     either word
    type:lesson             narrow by a facet: type, theme, province, category, org, year, stage
    province:"Eastern Cape" a value with spaces, in quotes

Plain words must all match. A facet filter whose value the Hub cannot read is left out, and the
query says so in `notes`, so a typo never silently empties a search.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from kmrg.search.analysis import TOKEN
from kmrg.search.registry import Facet

MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 12

# A token: an optional minus, an optional `name:`, then a quoted text or a run of other characters.
_TOKEN = re.compile(
    r"""
    (?P<minus>-(?=[\w"]))?
    (?:(?P<field>[A-Za-z_]+):(?=[^\s]))?
    (?:"(?P<quoted>[^"]*)"?|(?P<bare>[^\s"]+))
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Word:
    """A word to find in any of its forms."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """Words to find next to each other, in this order."""

    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Filter:
    """A facet value a result must have."""

    facet: str
    value: str


Term = Word | Phrase | Filter


@dataclass(frozen=True)
class Clause:
    """Terms of which at least one must match (one term: it must match)."""

    options: tuple[Term, ...]

    @property
    def is_filter(self) -> bool:
        return all(isinstance(option, Filter) for option in self.options)


@dataclass(frozen=True)
class SearchQuery:
    """What to find: every clause matches and no excluded term does."""

    clauses: tuple[Clause, ...] = ()
    excluded: tuple[Term, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)
    # What was typed, as typed, without its facet filters (they show as chosen values instead).
    typed: str = field(default="", compare=False)

    @property
    def text_clauses(self) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if not clause.is_filter)

    @property
    def filters(self) -> tuple[Filter, ...]:
        """Return the facet values every result must have."""
        return tuple(
            option
            for clause in self.clauses
            if clause.is_filter and len(clause.options) == 1
            for option in clause.options
            if isinstance(option, Filter)
        )

    @property
    def has_text(self) -> bool:
        return bool(self.text_clauses)

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def positive_terms(self) -> list[Word | Phrase]:
        """Return the words and phrases that count towards a match, in the order typed."""
        return [
            option
            for clause in self.text_clauses
            for option in clause.options
            if isinstance(option, Word | Phrase)
        ]

    def words(self) -> list[str]:
        """Return every word a result may match (phrases' words included), once each."""
        found: dict[str, None] = {}
        for term in self.positive_terms():
            for word in term.words if isinstance(term, Phrase) else (term.text,):
                found.setdefault(word, None)
        return list(found)

    def phrases(self) -> list[tuple[str, ...]]:
        """Return the phrases asked for: quoted ones, and the plain words as typed together."""
        return [term.words for term in self.positive_terms() if isinstance(term, Phrase)]

    def implied_phrase(self) -> tuple[str, ...] | None:
        """Return the plain words as one phrase (ranked higher when they occur together)."""
        clauses = self.text_clauses
        if len(clauses) < 2 or any(len(clause.options) != 1 for clause in clauses):
            return None
        words = [clause.options[0] for clause in clauses]
        if not all(isinstance(word, Word) for word in words):
            return None
        return tuple(word.text for word in words if isinstance(word, Word))

    def any_words(self) -> SearchQuery | None:
        """Return the query matching any of its words instead of all, or None if no different."""
        terms = self.positive_terms()
        if len(self.text_clauses) < 2:
            return None
        filters = tuple(clause for clause in self.clauses if clause.is_filter)
        return replace(self, clauses=(*filters, Clause(tuple(terms))))

    def with_filters(self, filters: Iterable[Filter]) -> SearchQuery:
        """Return the query narrowed by more facet values (ones already there are kept once)."""
        clauses = list(self.clauses)
        for wanted in filters:
            clause = Clause((wanted,))
            if clause not in clauses:
                clauses.append(clause)
        return replace(self, clauses=tuple(clauses))

    def with_words_replaced(self, corrections: Mapping[str, str]) -> SearchQuery:
        """Return the query with words replaced (did-you-mean), phrases' words too."""

        def fix(term: Term) -> Term:
            if isinstance(term, Word):
                return Word(corrections.get(term.text, term.text))
            if isinstance(term, Phrase):
                return Phrase(tuple(corrections.get(word, word) for word in term.words))
            return term

        clauses = tuple(Clause(tuple(fix(option) for option in c.options)) for c in self.clauses)
        return replace(self, clauses=clauses, excluded=tuple(fix(t) for t in self.excluded))

    def to_text(self) -> str:
        """Return the query written back in the search language (filters left out)."""
        parts = []
        for clause in self.text_clauses:
            parts.append(" OR ".join(_term_text(option) for option in clause.options))
        parts += [f"-{_term_text(term)}" for term in self.excluded if not isinstance(term, Filter)]
        return " ".join(parts)


def _term_text(term: Term) -> str:
    if isinstance(term, Phrase):
        return f'"{term.text}"'
    if isinstance(term, Filter):
        return f"{term.facet}:{term.value}"
    return term.text


def normalise_query_text(text: str) -> str:
    """Return the query as it will be searched: one line, single spaces, at most 200 characters."""
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def parse_query(text: str, facets: Iterable[Facet] = ()) -> SearchQuery:
    """Parse what someone typed; never fails (whatever cannot be read is words, or a note)."""
    by_name: dict[str, Facet] = {}
    for facet in facets:
        by_name[facet.name] = facet
        by_name.update((alias, facet) for alias in facet.aliases)
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    notes: list[str] = []
    join_next = False
    text = normalise_query_text(text)
    kept: list[str] = []
    for match in _TOKEN.finditer(text):
        minus, name, quoted, bare = match.group("minus", "field", "quoted", "bare")
        if not (name and name.casefold() in by_name):
            kept.append(match.group())
        if bare == "OR" and not minus and not name:
            join_next = bool(clauses)
            continue
        term = _read_term(name, quoted, bare, by_name, notes)
        if term is None:
            continue
        if minus:
            if term not in excluded:
                excluded.append(term)
            join_next = False
            continue
        previous = clauses[-1] if clauses else None
        joins = (
            join_next
            and previous is not None
            and isinstance(term, Filter) == isinstance(previous[0], Filter)
        )
        if joins and previous is not None:
            if term not in previous:
                previous.append(term)
        elif [term] not in clauses:
            clauses.append([term])
        join_next = False
    if len(clauses) > MAX_CLAUSES:
        notes.append(f"Only the first {MAX_CLAUSES} words or filters were searched.")
        clauses = clauses[:MAX_CLAUSES]
    return SearchQuery(
        clauses=tuple(Clause(tuple(options)) for options in clauses),
        excluded=tuple(excluded),
        notes=tuple(notes),
        typed=" ".join(kept),
    )


def _read_term(
    name: str | None,
    quoted: str | None,
    bare: str | None,
    facets: Mapping[str, Facet],
    notes: list[str],
) -> Term | None:
    value = quoted if quoted is not None else (bare or "")
    facet = facets.get(name.casefold()) if name else None
    if name and facet is None:
        # Not a facet ("10:30", "note:"): the text is words like any other.
        value = f"{name} {value}"
    if facet is not None:
        normalised = facet.normalise(value) if value.strip() else None
        if normalised is None:
            notes.append(
                f"“{name}:{value}” was left out: it is not a {facet.label.lower()} the Hub knows."
            )
            return None
        return Filter(facet.name, normalised)
    words = tuple(word.casefold() for word in TOKEN.findall(value))
    if not words:
        return None
    if len(words) == 1:
        return Word(words[0])
    # Quoted text, and words joined by punctuation ("e-government"), are phrases.
    return Phrase(words)
