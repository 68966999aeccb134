"""Capture changed searchable records after each flush, as outbox rows in the same transaction.

The rows commit or roll back with the data they describe: a rolled-back transaction leaves nothing
to index, and a committed one is never forgotten, even if the process dies straight after.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, insert
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from kmrg.database import ends_a_savepoint
from kmrg.models import utcnow
from kmrg.search.models import SearchQueueEntry
from kmrg.search.registry import registry

QUEUED_FLAG = "kmrg.search.queued"
# The documents this transaction has queued already: one row each is enough, as the indexer reads
# what the transaction finally commits (a lesson created, then published, was queued twice).
QUEUED_KEYS = "kmrg.search.queued_keys"
# Where an app keeps its search pipeline (see kmrg.search.pipeline.init_search).
PIPELINE_KEY = "kmrg.search"


def _changed_objects(session: Session) -> list[Any]:
    changed = list(session.new) + list(session.deleted)
    changed += [obj for obj in session.dirty if session.is_modified(obj)]
    return [obj for obj in changed if not isinstance(obj, SearchQueueEntry)]


@event.listens_for(Session, "after_flush")
def _queue_changed_documents(session: Session, _flush_context: UOWTransaction) -> None:
    objects = _changed_objects(session)
    if not objects:
        return
    connection = session.connection()
    affected: set[tuple[str, str]] = set()
    for obj in objects:
        affected |= registry.affected_documents(obj, connection)
    queued = session.info.setdefault(QUEUED_KEYS, set())
    affected -= queued
    if not affected:
        return
    now = utcnow()
    connection.execute(
        insert(SearchQueueEntry),
        [{"doc_type": t, "doc_id": i, "queued_at": now} for t, i in sorted(affected)],
    )
    queued |= affected
    session.info[QUEUED_FLAG] = True


@event.listens_for(Session, "after_commit")
def _nudge_indexer(session: Session) -> None:
    if ends_a_savepoint(session):
        return
    if session.info.pop(QUEUED_FLAG, False) and has_app_context():
        pipeline = current_app.extensions.get(PIPELINE_KEY)
        if pipeline is not None:
            pipeline.nudge()


@event.listens_for(Session, "after_transaction_end")
def _forget_queued_keys(session: Session, transaction: SessionTransaction) -> None:
    # When the transaction ends, or a savepoint (whose rollback may take rows with it), the next
    # changes are queued again: at worst a document is queued twice. A flush's own inner
    # transaction ending changes nothing.
    if transaction.nested or transaction.parent is None:
        session.info.pop(QUEUED_KEYS, None)


@event.listens_for(Session, "after_rollback")
def _forget_queued(session: Session) -> None:
    if ends_a_savepoint(session):
        return
    session.info.pop(QUEUED_FLAG, None)
