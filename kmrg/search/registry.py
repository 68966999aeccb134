"""Where feature areas describe their search documents; the engine knows only this interface."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session


class Audience(StrEnum):
    """Who may find a document at all; each area's permissions filter the results again."""

    PUBLIC = "public"
    MEMBERS = "members"


@dataclass(frozen=True)
class SearchDocument:
    """What the index holds for one record: text to match and what a result shows."""

    doc_type: str
    doc_id: str
    title: str
    body: str
    audience: Audience
    tags: Sequence[str] = ()

    @property
    def key(self) -> str:
        return document_key(self.doc_type, self.doc_id)


def document_key(doc_type: str, doc_id: object) -> str:
    """Return the index-wide unique key of a document."""
    return f"{doc_type}:{doc_id}"


@dataclass(frozen=True)
class DocumentType:
    """How one kind of record becomes a search document, and how results find their way back.

    - `model`: the class whose rows are the documents (its primary key is the document id);
    - `build(obj)`: the document, or None when the record must not be in the index now;
    - `load(session, ids)`: the records for those ids (missing ones left out);
    - `indexable_ids(session)`: every id that should be in the index (for rebuild and check);
    - `can_view(user, obj)`: the area's own permission check, applied to every result;
    - `url(obj)`: where a result links to (called while serving a request);
    - `dependents`: for other models whose change alters these documents (a renamed
      organisation changes its people's profiles), a function from the changed object and a
      Core connection to the affected document ids. It runs during a flush: Core queries only.
    - `weight`: multiplies relevance, so documented lessons can rank first.
    """

    name: str
    label: str
    model: type[Any]
    build: Callable[[Any], SearchDocument | None]
    load: Callable[[Session, Sequence[str]], dict[str, Any]]
    indexable_ids: Callable[[Session], Iterable[str]]
    can_view: Callable[[Any, Any], bool]
    url: Callable[[Any], str]
    dependents: dict[type[Any], Callable[[Any, Connection], Iterable[Any]]] = field(
        default_factory=dict
    )
    weight: float = 1.0


class SearchRegistry:
    """The document types the Hub indexes, in registration order."""

    def __init__(self) -> None:
        self._types: dict[str, DocumentType] = {}

    def register(self, document_type: DocumentType) -> None:
        """Add a document type; registering the same name again replaces it."""
        self._types[document_type.name] = document_type

    def get(self, name: str) -> DocumentType | None:
        """Return the document type called `name`, if registered."""
        return self._types.get(name)

    def __iter__(self) -> Iterable[DocumentType]:  # type: ignore[override]
        return iter(list(self._types.values()))

    def names(self) -> list[str]:
        """Return the registered type names."""
        return list(self._types)

    def affected_documents(self, obj: object, connection: Connection) -> set[tuple[str, str]]:
        """Return the (type, id) of every document that a change to `obj` may alter."""
        affected: set[tuple[str, str]] = set()
        for document_type in self._types.values():
            if isinstance(obj, document_type.model):
                doc_id = getattr(obj, "id", None)
                if doc_id is not None:
                    affected.add((document_type.name, str(doc_id)))
            for model, find_ids in document_type.dependents.items():
                if isinstance(obj, model):
                    affected.update((document_type.name, str(i)) for i in find_ids(obj, connection))
        return affected


registry = SearchRegistry()
