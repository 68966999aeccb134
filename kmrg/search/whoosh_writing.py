"""Writing the Whoosh index: its schema, documents as fields, cheap commits, merging small segments.

Indexing a change is on the path from a commit to its being searchable, so what Whoosh does per
document and per posting there is trimmed (measured with cProfile over drains of queued lessons,
see bench/README.md): text is analysed in one pass instead of a chain of generators, the stem
cache and the readers that find the documents a change replaces survive from one writer to the
next, and a posting's field length is looked up once per document and field, not per posting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from whoosh import columns, index
from whoosh.analysis import RegexTokenizer, StemFilter, StopFilter
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import COLUMN, ID, KEYWORD, TEXT, FieldType, Schema
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from kmrg.search.analysis import ANALYZER, TOKEN
from kmrg.search.registry import SearchDocument
from kmrg.search.spelling import document_vocabulary
from kmrg.search.whoosh_segments import packed_lengths, read_postings

TEXT_FIELDS = ("title", "summary", "body", "attachments", "keywords")


class _QuickText(TEXT):
    """A text field whose postings are ANALYZER's, made in one pass (for writing only).

    Whoosh runs each word through a tokenizer and three filters, one generator each, and stems
    through a pure-Python cache: a quarter of indexing a lesson. The words, positions, weights
    and encoded values are the same (tests/search/test_whoosh.py compares them).
    """

    def index(self, value: str, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        positions: dict[str, list[int]] = {}
        position = None
        for number, match in enumerate(_WORD.finditer(value)):
            word = match.group(0).lower()
            if len(word) < _STOPS.min or word in _STOPS.stops:
                continue
            # Whoosh renumbers the words after a common word, not the first one kept.
            position = number if position is None else position + 1
            term = word if word in _STEMS.ignore else _stem(word)
            positions.setdefault(term, []).append(position)
        encode, boost = self.format.encode, self.format.field_boost
        for term, found in positions.items():
            yield term.encode("utf-8"), len(found), float(len(found)) * boost, encode(found)


# ANALYZER's parts: words found by its expression, lower-cased, common words dropped, stemmed.
_WORDS: RegexTokenizer
_STOPS: StopFilter
_STEMS: StemFilter
[_WORDS, _LOWERCASE, _STOPS, _STEMS] = ANALYZER.items
_WORD = _WORDS.expression
_stem: Callable[[str], str] = lru_cache(maxsize=100_000)(_STEMS.stemfn)


def _schema(text: Callable[[], FieldType]) -> Schema:
    return Schema(
        key=ID(unique=True, stored=True),
        doc_type=ID(stored=True),
        doc_id=ID(stored=True),
        audience=ID,
        record=ID,
        facets=KEYWORD(commas=True, scorable=False),
        # Columns only, read whole as arrays: dates for "newest", and each text field's length
        # in words for BM25 (Whoosh keeps one-byte approximations per field, read one at a time).
        date=COLUMN(columns.NumericColumn("i", default=0)),
        lengths=COLUMN(columns.FixedBytesColumn(4 * len(TEXT_FIELDS), default=bytes(20))),
        vocabulary=KEYWORD(scorable=False),
        **{name: text() for name in TEXT_FIELDS},
    )


# The schema an index records, with Whoosh's own analyzer: any Whoosh can open the index.
SCHEMA = _schema(lambda: TEXT(analyzer=ANALYZER))
# The same fields as writers index them.
WRITING_SCHEMA = _schema(lambda: _QuickText(analyzer=ANALYZER))

# A change's segment is small and soon merged: its blocks of postings (mostly one posting each)
# are not worth compressing. Merges and rebuilds write compressed segments as usual.
UNCOMPRESSED = W3Codec(compression=0)


class DocumentWriter:
    """Adds and deletes search documents through one Whoosh writer."""

    def __init__(self, writer: SegmentWriter) -> None:
        self._writer = writer

    def update(self, document: SearchDocument) -> None:
        fields = {
            "key": document.key,
            "doc_type": document.doc_type,
            "doc_id": document.doc_id,
            "audience": str(document.audience),
            "title": document.title,
            "summary": document.summary,
            "body": document.body,
            "attachments": "\n\n".join(attached.text for attached in document.attachments),
            "keywords": document.keywords,
            "facets": ",".join(document.facet_terms()),
            "date": document.date.toordinal() if document.date else 0,
            "vocabulary": " ".join(
                document_vocabulary(document.title, document.summary, document.keywords)
            ),
        }
        fields["lengths"] = packed_lengths(
            [len(TOKEN.findall(fields[name])) for name in TEXT_FIELDS]
        )
        if document.record:
            fields["record"] = document.record
        self._writer.update_document(**fields)

    def delete(self, key: str) -> None:
        self._writer.delete_key(key)


# Segments of up to this many documents have their keys read whole (~5 ms per 1,000).
KEYS_READ_WHOLE = 1000


class SegmentReaders:
    """Readers of committed segments, and the keys each holds, kept from one writer to the next.

    A writer looks up every document it replaces in every segment; Whoosh opened a reader of each
    segment (its term table) for every writer, and looked each key up in each (most are in none).
    Segments never change but for deletions, which a lookup may ignore: deleting a document
    again changes nothing.
    """

    def __init__(self) -> None:
        self._readers: dict[str, tuple[SegmentReader, frozenset[str] | None]] = {}

    def get(
        self, writer: SegmentWriter, segment: Any
    ) -> tuple[SegmentReader, frozenset[str] | None]:
        """Return a reader of `segment` and, for a small segment, its keys; read once."""
        found = self._readers.get(segment.segment_id())
        if found is None:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            keys = None  # a large segment's keys take long to read: each is looked up instead
            if segment.doc_count_all() <= KEYS_READ_WHOLE:
                keys = frozenset(
                    raw.decode() if isinstance(raw, bytes) else raw for raw in reader.lexicon("key")
                )
            found = self._readers[segment.segment_id()] = (reader, keys)
        return found

    def keep_only(self, segments: Sequence[Any]) -> None:
        """Close the readers of segments merged or cleared away."""
        current = {segment.segment_id() for segment in segments}
        for segment_id in [known for known in self._readers if known not in current]:
            self._readers.pop(segment_id)[0].close()

    def close(self) -> None:
        """Close every reader."""
        self.keep_only(())


class IndexWriter(SegmentWriter):
    """Whoosh's segment writer, writing with this process's schema and known field lengths."""

    def __init__(
        self, ix: index.Index, readers: SegmentReaders | None = None, **options: Any
    ) -> None:
        super().__init__(ix, **options)
        # Whoosh hands each writer the schema pickled in the table of contents, whose analyzer
        # starts with an empty stem cache: every writer stemmed every word afresh (a third of
        # adding a document). The schema names match (WhooshBackend checks), so this one,
        # cache warm, writes the same terms.
        self.schema = WRITING_SCHEMA
        self._readers = readers if readers is not None else SegmentReaders()
        self._readers.keep_only(self.segments)

    def update_document(self, **fields: Any) -> None:
        self.delete_key(fields["key"])
        self.add_document(**fields)

    def delete_key(self, key: str) -> None:
        """Delete the committed documents under `key` (documents added by this writer stay)."""
        offset = 0
        for segment in self.segments:
            reader, keys = self._readers.get(self, segment)
            if keys is None or key in keys:
                for docnum in read_postings(reader, "key", key)[0].tolist():
                    self.delete_document(offset + docnum)
            offset += segment.doc_count_all()

    def per_document_reader(self) -> Any:
        return _FieldLengths(super().per_document_reader())

    def _commit_toc(self, segments: list[Any]) -> None:
        self.schema = SCHEMA  # what the table of contents records
        super()._commit_toc(segments)


class _FieldLengths:
    """The new segment's field lengths as flushing its postings asks for them: once per posting.

    Whoosh reads a length byte per posting, and for a field without lengths (keys, facets,
    vocabulary) checks with a stat() per posting that its column file does not exist: a fifth
    of a commit. Each (document, field) is read once here.
    """

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._scored = {name for name, field in SCHEMA.items() if field.scorable}
        self._lengths: dict[tuple[int, str], int] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        if fieldname not in self._scored:  # lengths are only ever written for scorable fields
            return default
        key = (docnum, fieldname)
        length = self._lengths.get(key)
        if length is None:
            length = self._reader.doc_field_length(docnum, fieldname, default)
            self._lengths[key] = length
        return length

    def close(self) -> None:
        self._reader.close()


# -- merging ------------------------------------------------------------------------------------

# Segments of about the same size (one tier: 1-9 documents, 10-99, 100-999 …) are merged this
# many at a time, the smallest first, once this many have piled up (so one merge's time stays
# bounded); segments holding a tenth of the index or more are left to a rebuild.
MERGE_FACTOR = 10


def tier_to_merge(segments: Sequence[Any]) -> list[Any] | None:
    """Return the segments of the smallest tier that is due to be merged, if any."""
    total = sum(segment.doc_count_all() for segment in segments)
    tiers: dict[int, list[Any]] = {}
    for segment in segments:
        live = segment.doc_count()
        if live * 10 >= total and total >= 1000:
            continue
        tiers.setdefault(len(str(max(live, 1))), []).append(segment)
    for _tier, members in sorted(tiers.items()):
        if len(members) >= MERGE_FACTOR:
            return sorted(members, key=lambda segment: segment.doc_count())[:MERGE_FACTOR]
    return None


def merge_one_tier(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: merge the segments tier_to_merge() names, keep every other one."""
    chosen = tier_to_merge(segments) or []
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if segment not in chosen]
