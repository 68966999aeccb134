"""Drain the search outbox into the index: one indexer at a time, in batches, at least once.

The order matters for losing nothing: rows are read, the index is written and committed, and only
then are the rows deleted. A process that dies in between leaves the rows to be indexed again
(updates are idempotent).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
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
    session: Session,
    backend: SearchBackend,
    registry: SearchRegistry,
    after_id: int,
    skip: set[int],
) -> tuple[list[int], list[int]]:
    """Index one batch of the documents queued after `after_id`, passing over the ids in `skip`.

    Return the queue ids it indexed and every id it read. Documents whose records cannot be
    loaded or built are logged and left queued, so one bad type cannot stop the rest.
    """
    with read_only_transactions():
        read = session.execute(
            select(SearchQueueEntry.id, SearchQueueEntry.doc_type, SearchQueueEntry.doc_id)
            .where(SearchQueueEntry.id > after_id)
            .order_by(SearchQueueEntry.id)
            .limit(BATCH_SIZE)
        ).all()
        entries = [entry for entry in read if entry[0] not in skip]
        if not entries:
            session.rollback()
            return [], [entry[0] for entry in read]
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
    return done, [entry[0] for entry in read]


def _delete_entries(session: Session, entry_ids: list[int], *, wait: bool) -> bool:
    """Delete indexed queue rows; return False if SQLite's write lock was busy and not awaited."""
    if not entry_ids:
        return True
    try:
        with write_transactions(wait=wait):
            for start in range(0, len(entry_ids), BATCH_SIZE):
                chunk = entry_ids[start : start + BATCH_SIZE]
                session.execute(delete(SearchQueueEntry).where(SearchQueueEntry.id.in_(chunk)))
            session.commit()
    except OperationalError:
        session.rollback()
        if wait:
            raise
        return False
    return True


@dataclass
class _Drained:
    """What one turn with the lock did: rows indexed, rows still to delete, rows left queued."""

    done: int = 0
    undeleted: list[int] = field(default_factory=list)
    left: set[int] = field(default_factory=set)


def _drain_locked(session: Session, backend: SearchBackend, registry: SearchRegistry) -> _Drained:
    """Index in passes over the queue until a pass finds nothing it can do (holding the lock).

    Rows committed while it works are picked up (even with lower ids, committed late: each pass
    starts again from the first row). Indexed rows are deleted when SQLite's write lock is free
    at once: waiting for it behind busy writers stalled indexing for up to a second at a time.
    The rows it could not delete are the caller's to delete, after the lock is released.
    """
    drained = _Drained()
    after_id, progress, read_this_pass = 0, False, set()
    while True:
        done, read = _index_batch(session, backend, registry, after_id, set(drained.undeleted))
        if not read:  # the end of a pass
            if not progress:
                drained.left = read_this_pass
                return drained
            after_id, progress, read_this_pass = 0, False, set()
            continue
        after_id = read[-1]
        read_this_pass.update(read)
        if done:
            drained.done += len(done)
            drained.undeleted += done
            progress = True
            if _delete_entries(session, drained.undeleted, wait=False):
                drained.undeleted = []
            # A long drain under steady writing ends only when writing pauses: segments are
            # kept from piling up meanwhile (only past the busy limit, see maintain()).
            backend.maintain(busy=True)


def _newly_queued(engine: Engine, known: set[int]) -> bool:
    """Tell whether the queue holds rows other than `known` (rows a drain could not index)."""
    with Session(engine) as session, read_only_transactions():
        ids = session.scalars(
            select(SearchQueueEntry.id).order_by(SearchQueueEntry.id).limit(len(known) + 1)
        ).all()
        session.rollback()
    return any(entry_id not in known for entry_id in ids)


def drain_queue(
    engine: Engine,
    backend: SearchBackend,
    registry: SearchRegistry,
    lock_directory: Path,
    *,
    wait_for_lock: bool = False,
) -> int:
    """Index everything queued; return how many queue rows were done (0 if another indexer runs).

    Whoever holds the lock keeps draining until a pass over the queue finds nothing it can do;
    rows it cannot index stay for the next drain, and the periodic sweep catches the rest. After
    letting the lock go it looks again: a change committed just before then found the lock taken,
    and its nudge went unheard.
    """
    done = 0
    while True:
        with indexer_lock(lock_directory, blocking=wait_for_lock) as acquired:
            if not acquired:
                return done
            with Session(engine) as session:
                drained = _drain_locked(session, backend, registry)
            # Still under the lock, after the changes are visible: a merge never delays them.
            # While more changes wait, only what cannot wait is done (a sweep's drain that
            # finds nothing is what merges, once the index is quiet).
            settled = drained.left | set(drained.undeleted)
            backend.maintain(busy=_newly_queued(engine, settled))
        if drained.undeleted:
            # Outside the lock, the wait for SQLite's write lock holds up no other indexer.
            with Session(engine) as session:
                _delete_entries(session, drained.undeleted, wait=True)
        done += drained.done
        if drained.done:
            log.debug("indexed %d queued documents", drained.done)
        if not _newly_queued(engine, drained.left):
            return done
        wait_for_lock = False
