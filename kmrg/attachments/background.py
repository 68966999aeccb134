"""Extract attachments' text after their upload commits, one file at a time per machine.

An upload stores the file and commits at once, its attachment "pending". The extractor finds
pending attachments, reads each in a limited child process (kmrg.attachments.sandbox) with no
transaction open, and writes the outcome in a short transaction of its own: the write re-indexes
the owner through the search outbox, so the text reaches search within a sweep. Nothing here
holds the database's write lock for longer than one UPDATE.

How it runs follows KMRG_ATTACHMENT_EXTRACTION: `background` (default) in a thread of every
process, woken after a commit that added pending files and on its own timer; `worker` only in
`kmrg attachments worker`; `inline` right after the commit (tests). A file lock keeps it to one
extraction at a time per machine, so the web workers share the CPU with at most one.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from kmrg.attachments.models import Attachment, ExtractionStatus
from kmrg.attachments.queries import pending_extractions
from kmrg.attachments.sandbox import Limits, run_sandboxed
from kmrg.attachments.services import record_extraction, start_extraction
from kmrg.attachments.storage import blob_path
from kmrg.database import ends_a_savepoint, read_only_transactions, write_transactions
from kmrg.extensions import db
from kmrg.locks import exclusive_file_lock

log = logging.getLogger("kmrg.attachments")
EXTENSION_KEY = "kmrg.attachments.extraction"
MODES = ("background", "worker", "inline")
BATCH = 20
_PENDING_FLAG = "kmrg.attachments.pending"


class Extractor:
    """The text extractor of one process: its mode, its thread and its limits."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.mode = app.config["ATTACHMENT_EXTRACTION"]
        if self.mode not in MODES:
            raise RuntimeError(
                f"unknown attachment extraction {self.mode!r} (KMRG_ATTACHMENT_EXTRACTION); "
                f"try one of {', '.join(MODES)}"
            )
        self.limits = Limits(
            memory_bytes=int(app.config["ATTACHMENT_EXTRACTION_MEMORY_MB"]) * 1024 * 1024,
            cpu_seconds=int(app.config["ATTACHMENT_EXTRACTION_CPU_SECONDS"]),
            wall_seconds=float(app.config["ATTACHMENT_EXTRACTION_TIMEOUT_SECONDS"]),
        )
        self.sweep_seconds = float(app.config["ATTACHMENT_EXTRACTION_SWEEP_SECONDS"])
        self.lock_path = Path(app.instance_path) / "attachment-extraction.lock"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_pid: int | None = None
        self._start_lock = threading.Lock()

    def extract_pending(self, *, wait_for_lock: bool = False) -> int:
        """Extract every pending attachment now, in this thread; return how many were done.

        Returns 0 at once if another extractor on this machine holds the lock (unless
        `wait_for_lock`): it will find these too.
        """
        done = 0
        with exclusive_file_lock(self.lock_path, blocking=wait_for_lock) as acquired:
            if not acquired:
                return 0
            with Session(db.engine) as session:
                after_id = 0
                while True:
                    with read_only_transactions():
                        batch = [a.id for a in pending_extractions(session, after_id, BATCH)]
                        session.rollback()
                    if not batch:
                        break
                    for attachment_id in batch:
                        done += self._extract_one(session, attachment_id)
                    after_id = batch[-1]
        return done

    def _extract_one(self, session: Session, attachment_id: int) -> int:
        with write_transactions():
            attachment = session.get(Attachment, attachment_id)
            going = attachment is not None and start_extraction(session, attachment)
            path = blob_path(self.app.config["UPLOAD_DIR"], attachment.sha256) if going else None
            kind = str(attachment.kind) if going else ""
            session.commit()
        if path is None:
            return 0
        # No transaction is open while the child works: readers and writers carry on.
        outcome = run_sandboxed(path, kind, self.limits)
        if outcome.is_failed:
            log.warning(
                "the text of attachment %s was not read: %s", attachment_id, outcome.failure
            )
        with write_transactions():
            attachment = session.get(Attachment, attachment_id, populate_existing=True)
            # Removed meanwhile, or done by another machine's extractor: nothing to write.
            if attachment is not None and attachment.extraction_status is ExtractionStatus.PENDING:
                record_extraction(session, attachment, outcome)
            session.commit()
        return 1

    def nudge(self) -> None:
        """Get freshly committed pending files read: now (inline), by this process's thread
        (background), or by `kmrg attachments worker`, which looks for them (worker)."""
        if self.mode == "inline":
            self.extract_pending(wait_for_lock=True)
        elif self.mode == "background":
            self.ensure_running()
            self._wake.set()

    def ensure_running(self) -> None:
        """Start this process's extractor thread (again, after a fork) if it is not running."""
        if self.mode != "background":
            return
        with self._start_lock:
            alive = self._thread is not None and self._thread.is_alive()
            if alive and self._thread_pid == os.getpid():
                return
            self._thread_pid = os.getpid()
            self._thread = threading.Thread(
                target=self._run, name="kmrg-attachment-extractor", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.sweep_seconds)
            self._wake.clear()
            if not self._stop.is_set():
                self._extract_logging_failures()

    def stop(self) -> None:
        """Stop this process's extractor thread after the file it is reading (tests)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()

    def run_worker(self, poll_seconds: float, stop: threading.Event) -> None:
        """Extract what every process uploads, until `stop` is set: `kmrg attachments worker`."""
        while not stop.is_set():
            self._extract_logging_failures(wait_for_lock=True)
            stop.wait(poll_seconds)

    def _extract_logging_failures(self, *, wait_for_lock: bool = False) -> None:
        try:
            with self.app.app_context():
                self.extract_pending(wait_for_lock=wait_for_lock)
        except Exception:  # the extractor must outlive a bad file; the rest stay pending
            log.exception("attachment extraction failed; pending files will be retried")


@event.listens_for(Session, "after_flush")
def _note_pending(session: Session, _flush_context: UOWTransaction) -> None:
    if any(
        isinstance(obj, Attachment) and obj.extraction_status is ExtractionStatus.PENDING
        for obj in session.new
    ):
        session.info[_PENDING_FLAG] = True


@event.listens_for(Session, "after_commit")
def _nudge_extractor(session: Session) -> None:
    if ends_a_savepoint(session):
        return
    if session.info.pop(_PENDING_FLAG, False) and has_app_context():
        extractor = current_app.extensions.get(EXTENSION_KEY)
        if extractor is not None:
            extractor.nudge()


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    if ends_a_savepoint(session):
        return
    session.info.pop(_PENDING_FLAG, None)


def init_extraction(app: Flask) -> None:
    """Create this app's extractor; in background mode, start its thread now (see
    kmrg.search.pipeline.init_search: the same reasons, the same switch for the CLI)."""
    extractor = Extractor(app)
    app.extensions[EXTENSION_KEY] = extractor
    app.before_request(extractor.ensure_running)
    if app.config.get("ATTACHMENT_EXTRACTOR_AUTOSTART", True):
        extractor.ensure_running()


def get_extractor() -> Extractor:
    """Return the current app's attachment extractor."""
    return current_app.extensions[EXTENSION_KEY]
