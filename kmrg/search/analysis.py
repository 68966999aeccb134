"""How text becomes search terms: words, lower-cased, common words dropped, stemmed (Porter2).

One analysis for the Whoosh index, the snippets of every backend and the expert directory's
reasons, so a word is marked in a snippet exactly when the index matched it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import STOP_WORDS, StemmingAnalyzer
from whoosh.lang.porter2 import stem as porter2_stem

# Whoosh's default stemmer turns "running" into "runn"; Porter2 stems it to "run".
# Single letters count ("e-government" is the phrase "e government"); common words do not.
ANALYZER = StemmingAnalyzer(stemfn=porter2_stem, minsize=1, cachesize=50_000)
# The same words Whoosh's tokenizer finds ("e.g" and "3.5" stay whole).
TOKEN = re.compile(r"\w+(?:\.?\w+)*")
MIN_WORD_LENGTH = 1


@lru_cache(maxsize=100_000)
def stem(word: str) -> str | None:
    """Return the search term of one lower-cased word, or None for a word too common or short."""
    if len(word) < MIN_WORD_LENGTH or word in STOP_WORDS:
        return None
    return porter2_stem(word)


@dataclass(frozen=True)
class Token:
    """One word of a text: its term, where it is, and its place among the counted words."""

    term: str
    start: int
    end: int
    position: int


def tokens(text: str) -> Iterator[Token]:
    """Yield the counted words of `text` (common words skipped, as the index skips them)."""
    position = 0
    for match in TOKEN.finditer(text):
        term = stem(match.group().lower())
        if term is None:
            continue
        yield Token(term, match.start(), match.end(), position)
        position += 1


def tokens_of(text: str, wanted: frozenset[str]) -> list[Token]:
    """Return the counted words of `text` whose terms are `wanted`, with their true positions.

    For snippets: most words of a record match nothing, and are only counted, not kept.
    """
    found = []
    position = 0
    for match in TOKEN.finditer(text):
        term = stem(match.group().lower())
        if term is None:
            continue
        if term in wanted:
            found.append(Token(term, match.start(), match.end(), position))
        position += 1
    return found


def terms_of(text: str) -> list[str]:
    """Return the terms of `text` in order."""
    return [token.term for token in tokens(text)]
