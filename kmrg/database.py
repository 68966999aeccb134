"""Database engine behaviour shared by every area: SQLite tuning and write transactions.

SQLite under several worker processes needs three things, or concurrent writers lose updates or fail
with "database is locked": WAL (readers do not block the writer), a busy timeout (a writer waits for
the lock instead of failing at once), and BEGIN IMMEDIATE for transactions that will write (a
deferred transaction that reads first and writes later cannot wait for the lock: it fails).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SQLITE_BUSY_TIMEOUT_MS = 15_000

_write_intent: ContextVar[bool | None] = ContextVar("kmrg_write_intent", default=None)
_wait_for_lock: ContextVar[bool] = ContextVar("kmrg_wait_for_lock", default=True)


def ends_a_savepoint(session: Session) -> bool:
    """Tell whether an after_commit or after_rollback event ends a savepoint, not the transaction.

    SQLAlchemy reports a savepoint's release and rollback as a commit and a rollback. Work that
    must wait for the real commit (indexing, mail, extraction, each on another connection) would
    otherwise run before the rows it needs are visible, or wait on the transaction's own lock.
    """
    return session.in_nested_transaction()


def transaction_will_write() -> bool:
    """Tell whether a transaction starting now should take the write lock up front.

    A request with a safe method only reads and any other request may write. Outside requests,
    work says what it intends (the CLI and the indexer's deletes declare writes); undeclared work
    starts deferred, so a long-lived reader never holds the write lock.
    """
    explicit = _write_intent.get()
    if explicit is not None:
        return explicit
    if has_request_context():
        return request.method not in SAFE_METHODS
    return False


@contextmanager
def write_transactions(*, wait: bool = True) -> Iterator[None]:
    """Start transactions inside the block with the write lock taken up front.

    With `wait=False`, a transaction that cannot have SQLite's write lock at once fails with
    OperationalError ("database is locked") instead of waiting: for work that can be done later.
    """
    token = _write_intent.set(True)
    waiting = _wait_for_lock.set(wait)
    try:
        yield
    finally:
        _wait_for_lock.reset(waiting)
        _write_intent.reset(token)


@contextmanager
def writing_after_reads(session: Session) -> Iterator[None]:
    """Let a request that only reads so far (a GET) write: the caller commits inside the block.

    Its reads ran in a deferred transaction, which SQLite cannot turn into a writer once another
    process has committed since it began: the write fails at once with "database is locked"
    (SQLITE_BUSY_SNAPSHOT), whatever the busy timeout. So the reads end here (nothing is pending,
    and objects are not expired on commit) and the write gets a transaction of its own that takes
    the write lock up front, waiting its turn.
    """
    session.commit()
    with write_transactions():
        yield


@contextmanager
def read_only_transactions() -> Iterator[None]:
    """Start deferred (shared) transactions inside the block, for read-mostly background work."""
    token = _write_intent.set(False)
    try:
        yield
    finally:
        _write_intent.reset(token)


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Hand transaction control to SQLAlchemy's "begin" event below instead of pysqlite's own.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    if not transaction_will_write():
        connection.exec_driver_sql("BEGIN")
    elif _wait_for_lock.get():
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


@contextmanager
def outside_transaction(session: Session) -> Iterator[None]:
    """Run slow work that needs no database with no transaction open, holding no lock.

    A request that may write takes SQLite's write lock when its transaction begins (see
    transaction_will_write), so seconds of other work inside it (reading an uploaded file in a
    child process) would stall every other writer. The transaction so far must have changed
    nothing: it ends here (objects stay loaded: they are not expired on commit), and the work
    after the block starts a transaction of its own.
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("outside_transaction() with unsaved changes; save them first")
    session.commit()
    yield
