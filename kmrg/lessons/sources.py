"""Where a lesson came from: a registry of source kinds that other areas plug into.

A lesson points at its source with a generic (source_type, source_id) pair, so a meeting record,
a peer assist or a community discussion can become a source later by registering itself here,
without a change to the lessons area or its schema. Each source's adapter lives in its own area
(case studies: kmrg.casestudies.lesson_source) and is registered by that area's init_app; the
lessons area never imports a source's area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kmrg.inputs import MAX_ID, bounded_int

SOURCE_TYPE_MAX_LENGTH = 40
PRELOADED = "kmrg.lessons.preloaded_sources"  # session.info key


@dataclass(frozen=True)
class SourceKind:
    """How the lessons area reads one kind of source.

    - `load(session, id)`: the source record, or None if it does not exist;
    - `title(obj)`, `url(obj)`: what a link to the source shows and where it goes;
    - `can_view(user, obj)`: the owning area's own permission check;
    - `is_public(obj)`: whether the public may see the source (then its lessons are public too);
    - `public_ids()`: a select of the ids of public sources, so lists filter in SQL (optional:
      without it, lessons of this kind are listed only to people who may see them otherwise);
    - `can_add_lesson(user, obj)`: who may attach a lesson to a source (default: `can_view`);
    - `model`: the source's class, so a change to a source re-indexes its lessons, and its
      lessons' sources can be read in one query (optional);
    - `years(obj)`: the years the source covers, which its lessons are found under (optional).
    """

    source_type: str
    label: str
    load: Callable[[Session, int], Any | None]
    title: Callable[[Any], str]
    url: Callable[[Any], str]
    can_view: Callable[[Any, Any], bool]
    is_public: Callable[[Any], bool]
    public_ids: Callable[[], Select[Any]] | None = None
    can_add_lesson: Callable[[Any, Any], bool] | None = None
    model: type[Any] | None = None
    years: Callable[[Any], list[int]] | None = None

    def may_add_lesson(self, user: Any, obj: Any) -> bool:
        """Tell whether `user` may attach a lesson to `obj`."""
        check = self.can_add_lesson or self.can_view
        return bool(check(user, obj))


_sources: dict[str, SourceKind] = {}


def register_source(
    source_type: str,
    label: str,
    load: Callable[[Session, int], Any | None],
    title: Callable[[Any], str],
    url: Callable[[Any], str],
    can_view: Callable[[Any, Any], bool],
    is_public: Callable[[Any], bool],
    *,
    public_ids: Callable[[], Select[Any]] | None = None,
    can_add_lesson: Callable[[Any, Any], bool] | None = None,
    model: type[Any] | None = None,
    years: Callable[[Any], list[int]] | None = None,
) -> SourceKind:
    """Register a kind of lesson source; registering the same type again replaces it."""
    if not source_type or len(source_type) > SOURCE_TYPE_MAX_LENGTH or ":" in source_type:
        raise ValueError(f"bad lesson source type {source_type!r}")
    kind = SourceKind(
        source_type=source_type,
        label=label,
        load=load,
        title=title,
        url=url,
        can_view=can_view,
        is_public=is_public,
        public_ids=public_ids,
        can_add_lesson=can_add_lesson,
        model=model,
        years=years,
    )
    _sources[source_type] = kind
    return kind


def get_source_kind(source_type: str | None) -> SourceKind | None:
    """Return the registered kind called `source_type`, if any."""
    return _sources.get(source_type) if source_type else None


def registered_source_kinds() -> list[SourceKind]:
    """Return every registered kind of source, in registration order."""
    return list(_sources.values())


@dataclass(frozen=True)
class LessonSource:
    """A loaded source record together with its kind."""

    kind: SourceKind
    obj: Any

    @property
    def source_type(self) -> str:
        return self.kind.source_type

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def title(self) -> str:
        return self.kind.title(self.obj)

    @property
    def url(self) -> str:
        return self.kind.url(self.obj)

    @property
    def is_public(self) -> bool:
        return bool(self.kind.is_public(self.obj))

    def can_view(self, user: Any) -> bool:
        """Tell whether `user` may see the source."""
        return bool(self.kind.can_view(user, self.obj))


def load_source(
    session: Session | None, source_type: str | None, source_id: int | None
) -> LessonSource | None:
    """Return the source a (type, id) pair points at, or None if it is unknown or gone."""
    kind = get_source_kind(source_type)
    if kind is None or source_id is None or session is None:
        return None
    obj = kind.load(session, source_id)
    return LessonSource(kind, obj) if obj is not None else None


def preload_sources(session: Session, pairs: Iterable[tuple[str | None, int | None]]) -> None:
    """Read the sources of many lessons in one query per kind, so `load_source` finds them loaded.

    They stay loaded as long as the session. Kinds without a `model` are left to load one by one.
    """
    wanted: dict[str, set[int]] = {}
    for source_type, source_id in pairs:
        if source_type is not None and source_id is not None:
            wanted.setdefault(source_type, set()).add(source_id)
    # The session's identity map holds objects weakly: rows nobody refers to are dropped at once,
    # and each lesson would read its source again. The session (one request) keeps them instead.
    kept = session.info.setdefault(PRELOADED, [])
    for source_type, ids in wanted.items():
        kind = get_source_kind(source_type)
        if kind is not None and kind.model is not None:
            primary_key = kind.model.__mapper__.primary_key[0]
            kept += session.scalars(select(kind.model).where(primary_key.in_(sorted(ids)))).all()


def parse_source_key(text: str | None) -> tuple[str, int] | None:
    """Read "case_study:12" as ("case_study", 12); None for anything else."""
    source_type, _, number = (text or "").partition(":")
    source_id = bounded_int(number, 1, MAX_ID)
    if not source_type or source_id is None or get_source_kind(source_type) is None:
        return None
    return source_type, source_id


def source_key(source_type: str, source_id: int) -> str:
    """Return the "type:id" text that names a source in URLs and forms."""
    return f"{source_type}:{source_id}"
