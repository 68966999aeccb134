"""Drain the search outbox into the index: one indexer at a time, in batches, at least once.

The order matters for losing nothing: rows are read, the index is written and committed, and only
then are the rows deleted. A process that dies in between leaves the rows to be indexed again
(updates are idempotent).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kmrg.database import read_only_transactions, write_transactions
from kmrg.locks import exclusive_file_lock
from kmrg.search.backend import SearchBackend
from kmrg.search.models import SearchQueueEntry
from kmrg.search.registry import DocumentType, SearchDocument, SearchRegistry, document_key

log = logging.getLogger("kmrg.search")

BATCH_SIZE = 500


def indexer_lock(directory: Path, *, blocking: bool) -> AbstractContextManager[bool]:
    """Hold the one-indexer-at-a-time lock of an index folder; yield whether it was acquired."""
    return exclusive_file_lock(directory / "indexer.lock", blocking=blocking)


def build_documents(
    session: Session, document_type: DocumentType, records: list[Any]
) -> tuple[dict[str, SearchDocument | None], set[str]]:
    """Return the documents of `records` by id, and the ids of those that could not be built.

    Built in one batch; if the batch fails, one by one, so one bad record cannot stop the rest.
    """
    try:
        return document_type.documents(session, records), set()
    except Exception:
        log.warning("building %s documents in one batch failed; one by one", document_type.name)
    documents: dict[str, SearchDocument | None] = {}
    unbuilt: set[str] = set()
    for record in records:
        try:
            documents.update(document_type.documents(session, [record]))
        except Exception:
            log.exception("cannot build %s %s; it stays queued", document_type.name, record.id)
            unbuilt.add(str(record.id))
    return documents, unbuilt


def _index_batch(
    session: Session, backend: SearchBackend, registry: SearchRegistry, after_id: int
) -> tuple[list[int], int]:
    """Index one batch of the documents queued after `after_id`.

    Return the queue ids it covered and the last id it read. Documents whose records cannot be
    loaded or built are logged and left queued, so one bad type cannot stop the rest.
    """
    with read_only_transactions():
        entries = session.execute(
            select(SearchQueueEntry.id, SearchQueueEntry.doc_type, SearchQueueEntry.doc_id)
            .where(SearchQueueEntry.id > after_id)
            .order_by(SearchQueueEntry.id)
            .limit(BATCH_SIZE)
        ).all()
        if not entries:
            return [], after_id
        wanted: dict[str, set[str]] = defaultdict(set)
        for _, doc_type, doc_id in entries:
            wanted[doc_type].add(doc_id)
        failed: set[tuple[str, str]] = set()
        with backend.writer() as writer:
            for doc_type, doc_ids in wanted.items():
                document_type = registry.get(doc_type)
                if document_type is None:
                    log.warning("dropping queued documents of unknown type %r", doc_type)
                    continue
                try:
                    found = document_type.load(session, sorted(doc_ids))
                except Exception:
                    log.exception("cannot load queued %s documents; they stay queued", doc_type)
                    session.rollback()
                    failed.update((doc_type, doc_id) for doc_id in doc_ids)
                    continue
                documents, unbuilt = build_documents(session, document_type, list(found.values()))
                failed.update((doc_type, doc_id) for doc_id in unbuilt)
                for doc_id in doc_ids:
                    if doc_id in unbuilt:
                        continue
                    document = documents.get(doc_id)
                    if document is None:
                        writer.delete(document_key(doc_type, doc_id))
                    else:
                        writer.update(document)
        session.rollback()
    done = [entry_id for entry_id, doc_type, doc_id in entries if (doc_type, doc_id) not in failed]
    return done, entries[-1][0]


def drain_queue(
    engine: Engine,
    backend: SearchBackend,
    registry: SearchRegistry,
    lock_directory: Path,
    *,
    wait_for_lock: bool = False,
) -> int:
    """Index everything queued; return how many queue rows were done (0 if another indexer runs).

    Whoever holds the lock keeps draining, in passes over the queue, until a pass finds nothing
    it can do: rows committed while it works are picked up by it (even with lower ids, committed
    late), rows it cannot index stay for the next drain, and the periodic sweep catches the rest.
    """
    done = 0
    with indexer_lock(lock_directory, blocking=wait_for_lock) as acquired:
        if not acquired:
            return 0
        with Session(engine) as session:
            after_id, progress = 0, False
            while True:
                entry_ids, last_id = _index_batch(session, backend, registry, after_id)
                if last_id == after_id:  # the end of a pass
                    if not progress:
                        break
                    after_id, progress = 0, False
                    continue
                after_id = last_id
                if entry_ids:
                    with write_transactions():
                        session.execute(
                            delete(SearchQueueEntry).where(SearchQueueEntry.id.in_(entry_ids))
                        )
                        session.commit()
                    done += len(entry_ids)
                    progress = True
        if done:
            # Still under the lock, after the changes are visible: a merge never delays them.
            # While more changes wait, only what cannot wait is done: they come first.
            with read_only_transactions():
                waiting = session.scalar(select(SearchQueueEntry.id).limit(1)) is not None
                session.rollback()
            backend.maintain(busy=waiting)
    if done:
        log.debug("indexed %d queued documents", done)
    return done
