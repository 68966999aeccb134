"""Ranking quality on the Cranfield collection: nDCG@10 and MAP for each engine.

Used by bench/search.py. Cranfield: 1400 abstracts on aeronautics, 225 queries written as
sentences, and graded judgements. The file format:

- cran.all.1400: `.I n` starts document n, then `.T` title, `.A` authors, `.B` source and
  `.W` abstract;
- cran.qry: `.I` numbers that skip values: query k is the k-th query of the file (1..225);
- cranqrel: `query document code` lines; codes 1 (a complete answer) to 4 (of minimum interest)
  are relevant, -1 is not.

Every engine gets the same words for a query: its words (letters and digits) without the
common words the Hub's analyzer leaves out, once each, any of them may match (the queries are
sentences: all words would match almost nothing). The title is indexed as the title, the
abstract as the body.

- nDCG@10 uses graded gains, 5 - code (a complete answer gains 4, minimum interest 1), with
  linear gain and log2(rank + 1) discount, against the ideal order of all judged documents;
- MAP counts codes 1-4 as relevant, over the first 1000 results.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from whoosh.analysis import STOP_WORDS

WORD = re.compile(r"[a-z0-9]+")
DEPTH = 1000
CUTOFF = 10


@dataclass(frozen=True)
class Cranfield:
    """The collection: documents by number, queries in order, judgements by query."""

    documents: dict[int, tuple[str, str]]
    queries: list[tuple[int, str]]
    judgements: dict[int, dict[int, int]]


def _records(text: str) -> list[tuple[str, dict[str, str]]]:
    records: list[tuple[str, dict[str, str]]] = []
    current = ""
    for line in text.splitlines():
        if line.startswith(".I"):
            records.append((line[2:].strip(), {}))
            current = ""
        elif len(line) == 2 and line.startswith("."):
            current = line[1]
        elif records and current:
            fields = records[-1][1]
            fields[current] = f"{fields.get(current, '')} {line}".strip()
    return records


def read_cranfield(folder: Path) -> Cranfield:
    """Read the three files of the collection."""
    documents = {
        int(number): (fields.get("T", ""), fields.get("W", ""))
        for number, fields in _records((folder / "cran.all.1400").read_text(encoding="latin-1"))
    }
    queries = [
        (position, fields.get("W", ""))
        for position, (_number, fields) in enumerate(
            _records((folder / "cran.qry").read_text(encoding="latin-1")), start=1
        )
    ]
    judgements: dict[int, dict[int, int]] = {}
    for line in (folder / "cranqrel").read_text(encoding="latin-1").splitlines():
        parts = line.split()
        if len(parts) >= 3:
            judgements.setdefault(int(parts[0]), {})[int(parts[1])] = int(parts[2])
    return Cranfield(documents, queries, judgements)


def query_words(text: str) -> list[str]:
    """Return the words every engine is asked for: no common words, each once."""
    return list(dict.fromkeys(w for w in WORD.findall(text.lower()) if w not in STOP_WORDS))


def graded_gain(code: int | None) -> int:
    """Return the gain of a judgement: 5 - code for codes 1-4, nothing otherwise."""
    return 5 - code if code is not None and 1 <= code <= 4 else 0


def judged_gain(code: int | None) -> int:
    """Return 1 for any judged row, -1 rows included (how earlier figures may have counted)."""
    return 0 if code is None else 1


def ndcg(
    ranking: Sequence[int],
    judged: dict[int, int],
    cutoff: int = CUTOFF,
    gain: Callable[[int | None], int] = graded_gain,
) -> float:
    """Return nDCG at `cutoff` (graded gains 5 - code unless told otherwise)."""
    top = ranking[:cutoff]
    dcg = sum(gain(judged.get(doc)) / math.log2(rank + 2) for rank, doc in enumerate(top))
    ideal = sorted((gain(code) for code in judged.values()), reverse=True)[:cutoff]
    best = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(ideal))
    return dcg / best if best else 0.0


def average_precision(ranking: Sequence[int], judged: dict[int, int]) -> float:
    """Return average precision, codes 1-4 relevant."""
    relevant = {doc for doc, code in judged.items() if 1 <= code <= 4}
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, doc in enumerate(ranking, start=1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


@dataclass(frozen=True)
class Quality:
    """An engine's mean nDCG@10 and MAP over the queries with a relevant document."""

    ndcg: float
    map: float
    queries: int
    ndcg_all_judged: float


def evaluate(search: Callable[[list[str]], list[int]], cranfield: Cranfield) -> Quality:
    """Run every query through `search` (words in, document numbers best first out)."""
    ndcgs, precisions, all_judged = [], [], []
    for number, text in cranfield.queries:
        judged = cranfield.judgements.get(number, {})
        if not any(1 <= code <= 4 for code in judged.values()):
            continue
        ranking = search(query_words(text))[:DEPTH]
        ndcgs.append(ndcg(ranking, judged))
        precisions.append(average_precision(ranking, judged))
        all_judged.append(ndcg(ranking, judged, gain=judged_gain))
    return Quality(
        ndcg=statistics.mean(ndcgs),
        map=statistics.mean(precisions),
        queries=len(ndcgs),
        ndcg_all_judged=statistics.mean(all_judged),
    )


def cranfield_rows(cranfield: Cranfield) -> list[tuple[int, str, str, str]]:
    """Return (id, title, summary, body) rows: the abstract is the body, there is no summary."""
    documents = cranfield.documents.items()
    return [(number, title, "", abstract) for number, (title, abstract) in documents]


def hub_documents(cranfield: Cranfield) -> list:
    """Return the collection as the Hub's search documents, anyone may find them."""
    from kmrg.search.registry import Audience, SearchDocument

    return [
        SearchDocument(
            doc_type="cranfield",
            doc_id=str(number),
            title=title,
            audience=Audience.PUBLIC,
            body=abstract,
        )
        for number, (title, abstract) in cranfield.documents.items()
    ]


def hub_search(backend: object) -> Callable[[list[str]], list[int]]:
    """Return a search of the Hub's backend with one clause: any of the words."""
    from kmrg.search.backend import SearchOptions
    from kmrg.search.language import Clause, SearchQuery, Word

    def search(words: list[str]) -> list[int]:
        query = SearchQuery(clauses=(Clause(tuple(Word(word) for word in words)),))
        matches = backend.search(query, ["public"], SearchOptions(limit=DEPTH))  # type: ignore[attr-defined]
        return [int(hit.doc_id) for hit in matches.hits]

    return search
