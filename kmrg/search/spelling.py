"""Did-you-mean: the words an index offers as corrections, and how close two words are."""

from __future__ import annotations

import re
from collections.abc import Mapping

# Words worth offering as a correction: letters only, three or more of them.
_VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,}")
MAX_WORD_LENGTH = 30


def vocabulary_words(*texts: str) -> list[str]:
    """Return the distinct lower-cased words of `texts` that may be offered as corrections."""
    found: dict[str, None] = {}
    for text in texts:
        for word in _VOCABULARY_WORD.findall(text):
            if len(word) <= MAX_WORD_LENGTH:
                found.setdefault(word.casefold(), None)
    return list(found)


def document_vocabulary(title: str, summary: str, keywords: str = "") -> list[str]:
    """Return the words a document offers as corrections: those of its title, summary and keywords.

    Bodies are left out: every distinct word of every body doubled the postings a rebuild writes
    (63% of its time at 100,000 documents), and the words people search for are in titles,
    summaries and keywords (theme names: the demo's "sanitation" is in no title or summary a
    visitor may see, only in the theme "Water and sanitation").
    """
    return vocabulary_words(title, summary, keywords)


def correction_reach(word: str) -> int:
    """Return how many edits away a correction of `word` may be (0: do not correct it).

    Short words and words with digits are left alone: "rate" has too many neighbours.
    """
    if len(word) < 4 or not word.isalpha():
        return 0
    return 1 if len(word) < 6 else 2


def best_corrections(word: str, frequencies: Mapping[str, int], limit: int) -> list[str]:
    """Return the candidates within reach of `word`: fewest edits first, then the most used."""
    reach = correction_reach(word)
    distances = {c: edit_distance(word, c) for c in frequencies if c != word}
    within = [c for c, distance in distances.items() if distance <= reach]
    return sorted(within, key=lambda c: (distances[c], -frequencies[c], c))[:limit]


def edit_distance(first: str, second: str) -> int:
    """Return the Damerau-Levenshtein distance (adjacent swaps count once) of two words."""
    previous_row: list[int] | None = None
    row = list(range(len(second) + 1))
    for i, a in enumerate(first, start=1):
        before, previous_row, row = previous_row, row, [i] + [0] * len(second)
        for j, b in enumerate(second, start=1):
            row[j] = min(
                previous_row[j] + 1,
                row[j - 1] + 1,
                previous_row[j - 1] + (a != b),
            )
            if before is not None and i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                row[j] = min(row[j], before[j - 2] + 1)
    return row[-1]
