"""Where feature areas describe their search documents and facets; the engine knows only this.

An area registers a `DocumentType` (how its records become documents and find their way back)
and, where it owns a kind of value people narrow by, a `Facet` (how a typed value is read and how
a stored value is named). Every backend indexes the same `SearchDocument`, so every area, present
and future, fills the same facets and snippets.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from kmrg.inputs import bounded_int


class Audience(StrEnum):
    """Who may find a document at all; each area's permissions check the page shown again.

    An area whose records are for a narrower group (the members of one community) gives their
    documents an audience of its own naming, and tells the registry which of those audiences a
    viewer belongs to (`SearchRegistry.add_audience_source`), so totals, facet counts and
    suggestions leave such records out for everyone else.
    """

    PUBLIC = "public"
    MEMBERS = "members"


@dataclass(frozen=True)
class AttachedText:
    """The text of one file attached to a record, under the name people know it by."""

    name: str
    kind: str
    text: str


@dataclass(frozen=True)
class SearchDocument:
    """What the index holds for one record.

    - `title`, `summary`, `body` and `attachments` are matched and may be shown in snippets,
      weighted in that order;
    - `keywords` are matched but never shown (organisation codes, file names);
    - `facets` name the values a search can be narrowed by, as {facet name: values}, each value
      as its facet's `normalise` returns it (theme slugs, province codes, years as digits);
    - `date` orders "newest first";
    - `record` is shared by documents that stand for one thing (a person's member profile and
      expert profile): a search shows only the one of them whose type weighs most.
    """

    doc_type: str
    doc_id: str
    title: str
    audience: Audience | str
    summary: str = ""
    body: str = ""
    attachments: Sequence[AttachedText] = ()
    keywords: str = ""
    facets: Mapping[str, Sequence[str]] = field(default_factory=dict)
    date: date | None = None
    record: str = ""

    @property
    def key(self) -> str:
        return document_key(self.doc_type, self.doc_id)

    def matched_text(self) -> str:
        """Return every text the document is matched by, index-only keywords included."""
        parts = [self.title, self.summary, self.body, self.keywords]
        parts += [attached.text for attached in self.attachments]
        return "\n".join(part for part in parts if part)

    def facet_terms(self) -> list[str]:
        """Return every facet value as one `facet=value` token, the type included."""
        terms = [facet_term("type", self.doc_type)]
        for name, values in self.facets.items():
            terms += [facet_term(name, value) for value in dict.fromkeys(values) if value]
        return terms


def document_key(doc_type: str, doc_id: object) -> str:
    """Return the index-wide unique key of a document."""
    return f"{doc_type}:{doc_id}"


def facet_term(facet: str, value: str) -> str:
    """Return how a facet value is stored in an index: one token, `facet=value`."""
    return f"{facet}={value}"


def split_facet_term(term: str) -> tuple[str, str]:
    """Return the (facet, value) of a stored facet token."""
    facet, _, value = term.partition("=")
    return facet, value


Dependents = dict[type[Any], Callable[[Any, Connection], Iterable[Any]]]


@dataclass(frozen=True)
class DocumentType:
    """How one kind of record becomes a search document, and how results find their way back.

    - `model`: the class whose rows are the documents (its primary key is the document id);
    - `build(obj)`: the document, or None when the record must not be in the index now;
    - `load(session, ids)`: the records for those ids (missing ones left out);
    - `indexable_ids(session)`: every id that should be in the index (for rebuild and check);
    - `can_view(user, obj)`: the area's own permission check, applied to every result shown; it
      must agree with the document's audience (a test table in each area proves it);
    - `url(obj)`: where a result links to (called while serving a request);
    - `dependents`: for other models whose change alters these documents (a renamed
      organisation changes its people's profiles), a function from the changed object and a
      Core connection to the affected document ids. It runs during a flush: Core queries only.
      It may be a function returning that dict, for dependents read from other registries (a
      lesson's sources, an expert's evidence): `SearchRegistry.settle` calls it once every area
      has registered, so the order areas register in never matters;
    - `weight`: multiplies relevance, so documented lessons can rank first; of two documents of
      one `record`, the heavier is the one shown;
    - `build_many(session, objs)`: optional, the documents of many loaded records at once (by
      id), for areas whose documents need more than the loaded record: the search page and the
      indexer call it so their queries do not grow with the number of records;
    - `describe(obj)`: optional, what a result says under its title, read from the loaded record
      (a meeting's dates, host and status); without it (or when it says nothing), the names of
      the result's organisation, province, years and stage.
    """

    name: str
    label: str
    model: type[Any]
    build: Callable[[Any], SearchDocument | None]
    load: Callable[[Session, Sequence[str]], dict[str, Any]]
    indexable_ids: Callable[[Session], Iterable[str]]
    can_view: Callable[[Any, Any], bool]
    url: Callable[[Any], str]
    dependents: Dependents | Callable[[], Dependents] = field(default_factory=dict)
    weight: float = 1.0
    build_many: Callable[[Session, Sequence[Any]], dict[str, SearchDocument | None]] | None = None
    plural: str = ""
    describe: Callable[[Any], Sequence[str]] | None = None

    def documents(self, session: Session, objs: Sequence[Any]) -> dict[str, SearchDocument | None]:
        """Return the documents of loaded records by id (None where one must not be indexed)."""
        if self.build_many is not None:
            return self.build_many(session, objs)
        return {str(obj.id): self.build(obj) for obj in objs}


FacetOrder = str  # "count" (most first), "label" (alphabetical) or "newest" (largest value first)


@dataclass(frozen=True)
class Facet:
    """A kind of value a search can be narrowed by, owned by the area that knows its values.

    - `name` is both the word of the search language (`theme:`) and the page's URL parameter;
    - `normalise(typed)` turns what someone typed ("Eastern Cape", "ec") into the stored value
      ("EC"), or None when it cannot be one;
    - `labels(session, values)` names stored values for people (slugs to theme names);
    - `aliases` are other words the search language accepts for the facet.
    """

    name: str
    label: str
    normalise: Callable[[str], str | None]
    labels: Callable[[Session, Collection[str]], Mapping[str, str]]
    order: FacetOrder = "count"
    aliases: tuple[str, ...] = ()
    example: str = ""


class SearchRegistry:
    """The document types and facets the Hub indexes, in registration order."""

    def __init__(self) -> None:
        self._types: dict[str, DocumentType] = {}
        self._facets: dict[str, Facet] = {}
        self._dependents: dict[str, Dependents] = {}
        self._audience_sources: list[Callable[[Any], Iterable[str]]] = []

    def add_audience_source(self, source: Callable[[Any], Iterable[str]]) -> None:
        """Add `source(viewer)`: the narrower audiences an active viewer belongs to."""
        if source not in self._audience_sources:
            self._audience_sources.append(source)

    def extra_audiences(self, viewer: Any) -> list[str]:
        """Return the narrower audiences `viewer` belongs to, from every area's source."""
        return [audience for source in self._audience_sources for audience in source(viewer)]

    def register(self, document_type: DocumentType) -> None:
        """Add a document type; registering the same name again replaces it (unsettled)."""
        self._types[document_type.name] = document_type
        self._dependents.pop(document_type.name, None)

    def settle(self) -> None:
        """Resolve every type's dependents, once all areas have registered what they read."""
        for name, document_type in self._types.items():
            dependents = document_type.dependents
            self._dependents[name] = dict(dependents() if callable(dependents) else dependents)

    def dependents(self, document_type: DocumentType) -> Dependents:
        """Return the settled dependents of `document_type`."""
        if not callable(document_type.dependents):
            return document_type.dependents
        try:
            return self._dependents[document_type.name]
        except KeyError:
            raise RuntimeError(f"search type {document_type.name} is not settled") from None

    def get(self, name: str) -> DocumentType | None:
        """Return the document type called `name`, if registered."""
        return self._types.get(name)

    def __iter__(self) -> Iterable[DocumentType]:  # type: ignore[override]
        return iter(list(self._types.values()))

    def names(self) -> list[str]:
        """Return the registered type names."""
        return list(self._types)

    def weights(self) -> dict[str, float]:
        """Return each type's relevance weight."""
        return {name: document_type.weight for name, document_type in self._types.items()}

    def register_facet(self, facet: Facet) -> None:
        """Add a facet; registering the same name again replaces it."""
        self._facets[facet.name] = facet

    def facets(self) -> list[Facet]:
        """Return the registered facets, in registration order."""
        return list(self._facets.values())

    def facet(self, name: str) -> Facet | None:
        """Return the facet called `name` or known by that alias."""
        name = name.casefold()
        for facet in self._facets.values():
            if name == facet.name or name in facet.aliases:
                return facet
        return None

    def affected_documents(self, obj: object, connection: Connection) -> set[tuple[str, str]]:
        """Return the (type, id) of every document that a change to `obj` may alter."""
        affected: set[tuple[str, str]] = set()
        for document_type in self._types.values():
            if isinstance(obj, document_type.model):
                doc_id = getattr(obj, "id", None)
                if doc_id is not None:
                    affected.add((document_type.name, str(doc_id)))
            for model, find_ids in self.dependents(document_type).items():
                if isinstance(obj, model):
                    affected.update((document_type.name, str(i)) for i in find_ids(obj, connection))
        return affected


registry = SearchRegistry()


def _normalise_type(typed: str) -> str | None:
    wanted = typed.strip().casefold().replace("-", " ").replace("_", " ")
    for document_type in registry:
        names = {document_type.name.replace("_", " "), document_type.label.casefold()}
        if document_type.plural:
            names.add(document_type.plural.casefold())
        if wanted in names or wanted.rstrip("s") in names:
            return document_type.name
    return None


def _type_labels(_session: Session, values: Collection[str]) -> dict[str, str]:
    found = {value: registry.get(value) for value in values}
    return {value: t.plural or t.label for value, t in found.items() if t is not None}


def _normalise_year(typed: str) -> str | None:
    typed = typed.strip()
    year = bounded_int(typed, 1000, 9999) if len(typed) == 4 else None
    return str(year) if year is not None else None


def _year_labels(_session: Session, values: Collection[str]) -> dict[str, str]:
    return {value: value for value in values}


TYPE_FACET = Facet(
    name="type",
    label="Type",
    normalise=_normalise_type,
    labels=_type_labels,
    example="type:lesson",
)
YEAR_FACET = Facet(
    name="year",
    label="Year",
    normalise=_normalise_year,
    labels=_year_labels,
    order="newest",
    example="year:2008",
)
registry.register_facet(TYPE_FACET)
registry.register_facet(YEAR_FACET)
