"""Snippets: a few whole sentences of the field that matched, the query's words and phrases marked.

Built from the record as it is now (never from text stored in an index), for the results on the
page shown only. Index-only text (codes, file names) is never a snippet's source, because it is
not among the fields offered here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup

from kmrg.search.analysis import Token, stem, tokens_of
from kmrg.search.registry import AttachedText, SearchDocument

SNIPPET_CHARS = 260
# How far back from the first match a sentence may start and still be shown from its start.
SENTENCE_REACH = 90
# Snippets look at the start of very long fields only (a 300-page report's first 60,000 chars).
MAX_FIELD_CHARS = 60_000
SENTENCE_ENDS = ".!?\n"
MAX_SPANS = 60


@dataclass(frozen=True)
class Snippet:
    """What a result shows of its record: marked HTML, and the file it came from, if any."""

    html: Markup
    attachment: AttachedText | None = None


@dataclass(frozen=True)
class QueryTerms:
    """The analysed words and phrases a snippet marks."""

    terms: frozenset[str]
    phrases: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, words: Sequence[str], phrases: Sequence[Sequence[str]] = ()) -> QueryTerms:
        """Analyse typed words and phrases the way the index analysed the text."""
        terms = frozenset(t for t in (stem(word.lower()) for word in words) if t)
        analysed = []
        for phrase in phrases:
            phrase_terms = tuple(t for t in (stem(word.lower()) for word in phrase) if t)
            if len(phrase_terms) > 1:
                analysed.append(phrase_terms)
        return cls(terms=terms, phrases=tuple(analysed))

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def wanted(self) -> frozenset[str]:
        """Return every term a snippet looks for: the words' and the phrases'."""
        return self.terms.union(*self.phrases)


def _spans(found: list[Token], query: QueryTerms) -> list[tuple[int, int, str]]:
    """Return the (start, end, what) of every match: phrases whole, then single words."""
    spans: list[tuple[int, int, str]] = []
    covered: set[int] = set()
    for phrase in query.phrases:
        length = len(phrase)
        for index in range(len(found) - length + 1):
            window = found[index : index + length]
            if tuple(token.term for token in window) == phrase and all(
                later.position - earlier.position == 1 for earlier, later in pairwise(window)
            ):
                spans.append((window[0].start, window[-1].end, " ".join(phrase)))
                covered.update(range(index, index + length))
    for index, token in enumerate(found):
        if index not in covered and token.term in query.terms:
            spans.append((token.start, token.end, token.term))
    spans.sort()
    return spans


def _field_score(spans: list[tuple[int, int, str]]) -> int:
    # Different words and phrases matched, not how often: on a tie the record's own summary or
    # body wins over an attached file that repeats a word.
    distinct = {what for _, _, what in spans}
    return len(distinct) + 2 * sum(1 for what in distinct if " " in what)


def _window(text: str, spans: list[tuple[int, int, str]]) -> tuple[int, int]:
    """Choose where the snippet starts and ends: around the most varied run of matches."""
    best_start, best_score = 0, (-1, 0)
    # The first matches are enough to choose from (a long report may match hundreds of times).
    spans = spans[:MAX_SPANS]
    for index, (start, _end, _what) in enumerate(spans):
        inside = [span for span in spans[index:] if span[1] <= start + SNIPPET_CHARS]
        score = (len({what for _, _, what in inside}), len(inside))
        if score > best_score:
            best_start, best_score = start, score
    start = _sentence_start(text, best_start) if spans else 0
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        # End at a word boundary, after a sentence's end when one is close.
        cut = max(text.rfind(mark, start, end) for mark in SENTENCE_ENDS)
        if cut > start + SNIPPET_CHARS * 2 // 3:
            end = cut + 1
        else:
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    return start, end


def _sentence_start(text: str, first_match: int) -> int:
    """Return where the sentence holding `first_match` starts, or a word start just before it."""
    reach = max(0, first_match - SENTENCE_REACH)
    boundary = max(text.rfind(mark, reach, first_match) for mark in SENTENCE_ENDS)
    if boundary >= 0:
        start = boundary + 1
    elif reach == 0:
        return 0
    else:
        space = text.find(" ", reach, first_match)
        start = space + 1 if space >= 0 else first_match
    while start < first_match and text[start].isspace():
        start += 1
    return start


def _render(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> Markup:
    parts = ["… " if start > 0 else ""]
    position = start
    for span_start, span_end, _what in spans:
        if span_start < position or span_end > end:
            continue
        parts.append(html.escape(text[position:span_start], quote=False))
        parts.append(f"<mark>{html.escape(text[span_start:span_end], quote=False)}</mark>")
        position = span_end
    parts.append(html.escape(text[position:end], quote=False))
    if end < len(text):
        parts.append(" …")
    # Every piece of the record's text was escaped above; only <mark> is added.
    return Markup("".join(parts))  # noqa: S704


def marked(text: str, query: QueryTerms) -> Markup:
    """Return a snippet of `text` with the query marked, or empty markup if nothing matches."""
    text = " ".join(text[:MAX_FIELD_CHARS].split())
    if not text or not query:
        return Markup("")
    spans = _spans(tokens_of(text, query.wanted), query)
    if not spans:
        return Markup("")
    start, end = _window(text, spans)
    return _render(text, start, end, spans)


def make_snippet(document: SearchDocument, query: QueryTerms) -> Snippet:
    """Return the snippet of the field that matched best: summary, body, then each attachment.

    A record found by its title or index-only text shows the start of its summary (or body),
    unmarked.
    """
    places: list[tuple[str, AttachedText | None]] = [
        (document.summary, None),
        (document.body, None),
        *((attached.text, attached) for attached in document.attachments),
    ]
    best: tuple[int, str, AttachedText | None, list] | None = None
    if query:
        for raw, attached in places:
            text = " ".join(raw[:MAX_FIELD_CHARS].split())
            if not text:
                continue
            spans = _spans(tokens_of(text, query.wanted), query)
            if spans and (best is None or _field_score(spans) > best[0]):
                best = (_field_score(spans), text, attached, spans)
    if best is None:
        opening = " ".join((document.summary or document.body)[: SNIPPET_CHARS * 2].split())
        if not opening:
            return Snippet(Markup(""))
        start, end = _window(opening, [])
        return Snippet(_render(opening, start, end, []))
    _score, text, attached, spans = best
    start, end = _window(text, spans)
    return Snippet(_render(text, start, end, spans), attachment=attached)


def highlight(text: str, terms: frozenset[str]) -> str:
    """Return escaped HTML of `text` around `terms` (analysed), each match in <mark>; or ""."""
    return str(marked(text, QueryTerms(terms=terms)))
