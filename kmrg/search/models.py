"""The search outbox: documents waiting to be (re)indexed, written in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kmrg.models import Base, utcnow


class SearchQueueEntry(Base):
    """One search document whose record changed in a committed transaction."""

    __tablename__ = "search_queue"
    # Derived: `kmrg import` rebuilds the whole index, so pending entries are moot.
    __table_args__ = {"info": {"backup": "the search outbox; the index is rebuilt on import"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(40))
    doc_id: Mapped[str] = mapped_column(String(64))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchTally(Base):
    """How often searches were narrowed to one facet value (which themes people look for).

    Counts only: who searched is never recorded.
    """

    __tablename__ = "search_tallies"

    facet: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(120), primary_key=True)
    searches: Mapped[int] = mapped_column(default=0)
    last_searched_at: Mapped[datetime] = mapped_column(default=utcnow)
