"""The indexing pipeline of one process: backend, nudges after commit, and a periodic sweep."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.orm import Session

from kmrg.database import read_only_transactions
from kmrg.extensions import db
from kmrg.search.backend import SearchBackend
from kmrg.search.capture import PIPELINE_KEY
from kmrg.search.indexer import build_documents, drain_queue, indexer_lock
from kmrg.search.postgres_backend import PostgresBackend
from kmrg.search.registry import SearchRegistry, document_key, registry
from kmrg.search.whoosh_backend import WhooshBackend

log = logging.getLogger("kmrg.search")
EXTENSION_KEY = PIPELINE_KEY  # importing capture also registers the flush hooks
# inline: each commit indexes before it returns (tests); background: an indexer thread in every
# process; worker: requests only queue, and `kmrg search worker` indexes.
INDEXING_MODES = ("background", "inline", "worker")
REBUILD_BATCH = 500


@dataclass
class Drift:
    """Documents the database says should be searchable but the index lacks, and the reverse."""

    missing: list[str]
    extra: list[str]

    @property
    def is_clean(self) -> bool:
        return not self.missing and not self.extra


class SearchPipeline:
    """Owns the backend and the indexer of one process."""

    def __init__(self, app: Flask, backend: SearchBackend, registry: SearchRegistry) -> None:
        self.app = app
        self.backend = backend
        self.registry = registry
        self.lock_directory = Path(app.config["SEARCH_DIR"])
        self.mode = app.config["SEARCH_INDEXING"]
        if self.mode not in INDEXING_MODES:
            raise RuntimeError(
                f"unknown search indexing {self.mode!r} (KMRG_SEARCH_INDEXING); "
                f"try one of {', '.join(INDEXING_MODES)}"
            )
        self.inline = self.mode == "inline"
        self.sweep_seconds = float(app.config["SEARCH_SWEEP_SECONDS"])
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_pid: int | None = None
        self._start_lock = threading.Lock()

    def drain(self, *, wait_for_lock: bool = False) -> int:
        """Index what is queued now, in this thread."""
        return drain_queue(
            db.engine,
            self.backend,
            self.registry,
            self.lock_directory,
            wait_for_lock=wait_for_lock,
        )

    def nudge(self) -> None:
        """Get freshly committed changes indexed: now (inline), by this process's indexer
        thread (background), or by `kmrg search worker`, which looks for them (worker)."""
        if self.inline:
            self.drain(wait_for_lock=True)
            return
        if self.mode == "worker":
            return
        self.ensure_indexer_running()
        self._wake.set()

    def ensure_indexer_running(self) -> None:
        """Start this process's indexer thread (again, after a fork) if it is not running."""
        if self.mode != "background":
            return
        with self._start_lock:
            alive = self._thread is not None and self._thread.is_alive()
            if alive and self._thread_pid == os.getpid():
                return
            self._thread_pid = os.getpid()
            self._thread = threading.Thread(
                target=self._run, name="kmrg-search-indexer", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.sweep_seconds)
            self._wake.clear()
            try:
                with self.app.app_context():
                    self.drain()
            except Exception:  # the sweep must outlive a bad batch; the rows stay queued
                log.exception("search indexer failed; the queue will be retried")

    def run_worker(self, poll_seconds: float, stop: threading.Event | None = None) -> None:
        """Index what every process commits, until `stop` is set: `kmrg search worker`.

        Looks at the outbox every `poll_seconds` when it was empty, at once after a drain that
        found work; each drain merges segments when the index is quiet (see maintain()).
        """
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                with self.app.app_context():
                    done = self.drain(wait_for_lock=True)
            except Exception:  # the worker must outlive a bad batch; the rows stay queued
                log.exception("search worker failed; the queue will be retried")
                done = 0
            if not done:
                stop.wait(poll_seconds)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the whole index from the database; return the number of documents."""
        count = 0
        with indexer_lock(self.lock_directory, blocking=True), Session(db.engine) as session:
            self.backend.clear()
            with read_only_transactions(), self.backend.bulk_writer() as writer:
                for document_type in self.registry:
                    ids = list(document_type.indexable_ids(session))
                    for start in range(0, len(ids), REBUILD_BATCH):
                        chunk = ids[start : start + REBUILD_BATCH]
                        found = document_type.load(session, chunk)
                        records = list(found.values())
                        documents, _unbuilt = build_documents(session, document_type, records)
                        for document in documents.values():
                            if document is not None:
                                writer.update(document)
                                count += 1
                        if progress:
                            progress(len(chunk))
                        session.expunge_all()
                # End the read before the backend finishes the batch. On PostgreSQL the idle
                # transaction still held a snapshot (backend_xmin in pg_stat_activity), so the
                # backend's closing VACUUM could mark no page of the new postings all-visible,
                # and relevance read every match's posting from the table, not its index.
                session.close()
        return count

    def expected_keys(self) -> Iterable[str]:
        """Yield the key of every document the database says should be searchable."""
        with Session(db.engine) as session, read_only_transactions():
            for document_type in self.registry:
                for doc_id in document_type.indexable_ids(session):
                    yield document_key(document_type.name, doc_id)

    def check(self) -> Drift:
        """Compare the index with the database."""
        expected = set(self.expected_keys())
        indexed = set(self.backend.keys())
        return Drift(missing=sorted(expected - indexed), extra=sorted(indexed - expected))


def make_backend(app: Flask) -> SearchBackend:
    """Return the search backend named by KMRG_SEARCH_BACKEND.

    Raises RuntimeError for an unknown name, or for 'postgres' on a database that is not one.
    """
    name = app.config["SEARCH_BACKEND"]
    if name == "whoosh":
        return WhooshBackend(app.config["SEARCH_DIR"])
    if name == "postgres":
        with app.app_context():
            engine = db.engine
        if engine.dialect.name != "postgresql":
            raise RuntimeError(
                "KMRG_SEARCH_BACKEND=postgres keeps the index in the database, which must be "
                f"PostgreSQL (KMRG_DATABASE_URL is {engine.dialect.name}); use 'whoosh' instead"
            )
        return PostgresBackend(engine)
    raise RuntimeError(
        f"unknown search backend {name!r} (KMRG_SEARCH_BACKEND); try 'whoosh' or 'postgres'"
    )


def init_search(app: Flask) -> None:
    """Create this app's pipeline; with background indexing, start its indexer now.

    Started with the app, the sweep runs on its own timer: a worker restarted after a crash
    indexes what its predecessor committed without waiting for a request. A request starts it
    again in a process forked after the app was made (gunicorn --preload). The `kmrg` command
    does not start one (SEARCH_INDEXER_AUTOSTART), except `kmrg search worker`, which is one.
    """
    pipeline = SearchPipeline(app, make_backend(app), registry)
    app.extensions[EXTENSION_KEY] = pipeline
    app.before_request(pipeline.ensure_indexer_running)
    if app.config.get("SEARCH_INDEXER_AUTOSTART", True):
        pipeline.ensure_indexer_running()


def get_pipeline() -> SearchPipeline:
    """Return the current app's search pipeline."""
    return current_app.extensions[EXTENSION_KEY]
