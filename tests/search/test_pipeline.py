"""The indexing pipeline: capture in the transaction, the outbox, the indexer, check and rebuild."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.auth.models import AccountStatus, ProfileVisibility, User
from kmrg.extensions import db
from kmrg.search import whoosh_backend
from kmrg.search.indexer import drain_queue, indexer_lock
from kmrg.search.models import SearchQueueEntry
from kmrg.search.pipeline import SearchPipeline, get_pipeline
from kmrg.search.registry import Audience, SearchDocument
from tests import factories
from tests.search import backends

REPOSITORY = Path(__file__).resolve().parents[2]
WORKER_TIMEOUT = 120.0


@pytest.fixture
def pipeline(app: Flask) -> SearchPipeline:
    return get_pipeline()


def found(pipeline: SearchPipeline, text: str, audiences=("public",)) -> list[str]:
    return backends.found(pipeline.backend, text, audiences, limit=1000)


def queued(session) -> list[tuple[str, str]]:
    """What waits in the outbox, read in a fresh transaction."""
    session.rollback()
    rows = session.execute(select(SearchQueueEntry.doc_type, SearchQueueEntry.doc_id)).all()
    session.rollback()
    return sorted((doc_type, doc_id) for doc_type, doc_id in rows)


def public_person(session, name: str, **kwargs) -> User:
    return factories.make_user(
        session, name=name, profile_visibility=ProfileVisibility.PUBLIC, **kwargs
    )


def test_a_committed_public_profile_is_searchable_at_once(pipeline, session):
    person = public_person(session, "Nandi Mokoena")

    assert found(pipeline, "Mokoena") == [str(person.id)]
    assert queued(session) == []


def test_a_members_profile_is_found_by_members_only(pipeline, session):
    person = factories.make_user(
        session, name="Nandi Mokoena", profile_visibility=ProfileVisibility.MEMBERS
    )

    assert found(pipeline, "Mokoena") == []
    assert found(pipeline, "Mokoena", audiences=["public", "members"]) == [str(person.id)]


def test_a_hidden_or_pending_profile_is_not_indexed(pipeline, session):
    factories.make_user(session, name="Nandi Hidden")
    factories.make_user(
        session,
        name="Nandi Pending",
        status=AccountStatus.PENDING,
        profile_visibility=ProfileVisibility.PUBLIC,
    )

    assert found(pipeline, "Nandi", audiences=["public", "members"]) == []
    assert list(pipeline.backend.keys()) == []


def test_a_rolled_back_transaction_leaves_no_trace(pipeline, session):
    session.add(
        User(
            name="Ghost Writer",
            email="ghost@example.org",
            password_hash="x",
            status=AccountStatus.ACTIVE,
            profile_visibility=ProfileVisibility.PUBLIC,
        )
    )
    session.flush()
    # The change was noted in the transaction itself...
    assert session.scalar(select(func.count()).select_from(SearchQueueEntry)) == 1

    session.rollback()

    # ...so it went with it.
    assert queued(session) == []
    assert pipeline.drain() == 0
    assert found(pipeline, "Ghost") == []
    assert list(pipeline.backend.keys()) == []


def test_hiding_a_profile_removes_it(pipeline, session):
    person = public_person(session, "Nandi Mokoena")
    assert found(pipeline, "Mokoena") == [str(person.id)]

    person.profile_visibility = ProfileVisibility.HIDDEN
    session.commit()

    assert found(pipeline, "Mokoena", audiences=["public", "members"]) == []
    assert list(pipeline.backend.keys()) == []


def test_limiting_a_profile_to_members_moves_it(pipeline, session):
    person = public_person(session, "Nandi Mokoena")

    person.profile_visibility = ProfileVisibility.MEMBERS
    session.commit()

    assert found(pipeline, "Mokoena") == []
    assert found(pipeline, "Mokoena", audiences=["public", "members"]) == [str(person.id)]


def test_disabling_an_account_removes_its_profile(pipeline, session):
    person = public_person(session, "Nandi Mokoena")

    person.status = AccountStatus.DISABLED
    session.commit()

    assert found(pipeline, "Mokoena") == []
    assert list(pipeline.backend.keys()) == []


def test_a_deleted_account_leaves_the_index(pipeline, session):
    person = public_person(session, "Nandi Mokoena")

    session.delete(person)
    session.commit()

    assert found(pipeline, "Mokoena") == []


def test_renaming_an_organisation_reindexes_its_people(pipeline, session, organisation):
    person = public_person(session, "Nandi Mokoena", organisation=organisation)
    factories.make_user(session, name="Hidden Colleague", organisation=organisation)
    assert found(pipeline, "Mandela") == []

    organisation.name = "Nelson Mandela Bay Metropolitan Municipality"
    session.commit()

    assert found(pipeline, "Mandela") == [str(person.id)]
    assert found(pipeline, "Buffalo") == []
    assert sorted(pipeline.backend.keys()) == [f"profile:{person.id}"]


def test_check_reports_drift_and_rebuild_repairs_it(pipeline, session):
    kept = public_person(session, "Nandi Mokoena")
    lost = public_person(session, "Sizwe Dlamini")
    assert pipeline.check().is_clean
    with pipeline.backend.writer() as writer:
        writer.update(
            SearchDocument(
                doc_type="profile",
                doc_id="987654",
                title="Nobody Here",
                summary="a ghost",
                audience=Audience.PUBLIC,
            )
        )
        writer.delete(f"profile:{lost.id}")

    drift = pipeline.check()

    assert drift.missing == [f"profile:{lost.id}"]
    assert drift.extra == ["profile:987654"]
    assert not drift.is_clean

    assert pipeline.rebuild() == 2

    assert pipeline.check().is_clean
    assert found(pipeline, "Dlamini") == [str(lost.id)]
    assert found(pipeline, "Mokoena") == [str(kept.id)]
    assert found(pipeline, "ghost") == []


def test_a_held_indexer_lock_makes_a_drain_step_aside(pipeline, session, monkeypatch):
    # Commit without the nudge, so the change waits in the outbox.
    monkeypatch.setattr(pipeline, "nudge", lambda: None)
    person = public_person(session, "Nandi Mokoena")
    assert queued(session) == [("profile", str(person.id))]

    engine = db.engine

    def drain(wait: bool) -> int:
        return drain_queue(
            engine,
            pipeline.backend,
            pipeline.registry,
            pipeline.lock_directory,
            wait_for_lock=wait,
        )

    with ThreadPoolExecutor(max_workers=1) as executor:
        with indexer_lock(pipeline.lock_directory, blocking=True) as acquired:
            assert acquired
            assert executor.submit(drain, False).result(timeout=30) == 0
            assert queued(session) == [("profile", str(person.id))]
            assert found(pipeline, "Mokoena") == []

            waiting = executor.submit(drain, True)
            time.sleep(0.2)
            assert not waiting.done()  # it waits for the lock instead of giving up

        assert waiting.result(timeout=30) == 1
    assert found(pipeline, "Mokoena") == [str(person.id)]
    assert queued(session) == []


def test_a_record_that_cannot_be_indexed_does_not_hold_up_the_rest(
    pipeline, session, monkeypatch, caplog
):
    profiles = pipeline.registry.get("profile")

    def build(user):
        if user.name.startswith("Broken"):
            raise RuntimeError("this record cannot be indexed")
        return profiles.build(user)

    monkeypatch.setitem(
        pipeline.registry._types, "profile", dataclasses.replace(profiles, build=build)
    )
    monkeypatch.setattr(pipeline, "nudge", lambda: None)
    broken = public_person(session, "Broken Record")
    fine = public_person(session, "Nandi Mokoena")

    assert pipeline.drain() == 1

    assert found(pipeline, "Mokoena") == [str(fine.id)]
    assert queued(session) == [("profile", str(broken.id))]  # to be tried again
    assert f"cannot build profile {broken.id}" in caplog.text


def test_a_document_changed_twice_in_one_transaction_is_queued_once(pipeline, session, monkeypatch):
    monkeypatch.setattr(pipeline, "nudge", lambda: None)
    person = public_person(session, "Nandi Mokoena")
    assert pipeline.drain() == 1

    person.name = "Nandi Dlamini"
    session.flush()
    person.job_title = "Knowledge champion"
    session.commit()

    assert queued(session) == [("profile", str(person.id))]


def test_a_change_rolled_back_to_a_savepoint_is_queued_again(pipeline, session, monkeypatch):
    monkeypatch.setattr(pipeline, "nudge", lambda: None)
    person = public_person(session, "Nandi Mokoena")
    assert pipeline.drain() == 1

    savepoint = session.begin_nested()
    person.name = "Nandi Mistake"
    session.flush()  # queued inside the savepoint...
    savepoint.rollback()  # ...and gone with it
    person.name = "Nandi Dlamini"
    session.commit()

    assert queued(session) == [("profile", str(person.id))]
    assert pipeline.drain() == 1
    assert found(pipeline, "Dlamini") == [str(person.id)]


def test_indexing_goes_on_while_writers_hold_the_database_and_rows_go_after(
    pipeline, session, monkeypatch
):
    # Deleting indexed rows needs SQLite's write lock; busy writers kept the indexer waiting for
    # it. Now the change is searchable at once and its row is deleted once the lock is free.
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's one write lock")
    monkeypatch.setattr(pipeline, "nudge", lambda: None)
    person = public_person(session, "Nandi Mokoena")
    engine = db.engine
    writer = engine.raw_connection()
    writer.execute("BEGIN IMMEDIATE")
    try:
        with ThreadPoolExecutor(max_workers=1) as executor:
            draining = executor.submit(
                drain_queue, engine, pipeline.backend, pipeline.registry, pipeline.lock_directory
            )
            deadline = time.monotonic() + 30
            while not found(pipeline, "Mokoena") and time.monotonic() < deadline:
                time.sleep(0.02)
            assert found(pipeline, "Mokoena") == [str(person.id)]
            assert queued(session) == [("profile", str(person.id))]
            assert not draining.done()  # waiting for the lock, with the index lock let go
            with indexer_lock(pipeline.lock_directory, blocking=False) as acquired:
                assert acquired
            writer.rollback()
            assert draining.result(timeout=30) == 1
    finally:
        writer.close()
    assert queued(session) == []


def test_a_change_committed_as_a_drain_ends_is_not_left_for_the_sweep(
    pipeline, session, monkeypatch
):
    # The change's own nudge finds the lock taken (here: no nudge at all); the drain that held
    # the lock looks again after letting it go.
    monkeypatch.setattr(pipeline, "nudge", lambda: None)
    first = public_person(session, "Nandi Mokoena")
    late: list[str] = []
    maintain = pipeline.backend.maintain

    def commit_another(**options):
        if not late:
            with Session(db.engine) as other:
                late.append(str(public_person(other, "Sizwe Dlamini").id))
        maintain(**options)

    monkeypatch.setattr(pipeline.backend, "maintain", commit_another)

    assert pipeline.drain() == 2

    assert found(pipeline, "Mokoena") == [str(first.id)]
    assert found(pipeline, "Dlamini") == late
    assert queued(session) == []


# Several processes: the real app in each, on the same database and index.


class Worker:
    """A `python -m tests.search.workers` process."""

    def __init__(self, app: Flask, workdir: Path, name: str, *args: str) -> None:
        command = [
            sys.executable,
            "-m",
            "tests.search.workers",
            "--database-url",
            app.config["SQLALCHEMY_DATABASE_URI"],
            "--search-dir",
            app.config["SEARCH_DIR"],
            "--workdir",
            str(workdir / name),
            "--name",
            name,
            *args,
        ]
        self.name = name
        self.stderr_path = workdir / f"{name}.stderr"
        with self.stderr_path.open("w") as stderr:
            self.process = subprocess.Popen(
                command, cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=stderr, text=True
            )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line.strip())

    def wait_for_line(self, predicate, timeout: float = WORKER_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self._lines):
                if predicate(line):
                    return line
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.01)
        raise AssertionError(f"worker {self.name} said {self._lines!r}; {self.stderr()}")

    def wait_ready(self) -> None:
        self.wait_for_line(lambda line: line == "ready")

    def ids(self, timeout: float = WORKER_TIMEOUT) -> list[int]:
        line = self.wait_for_line(lambda line: line.startswith("{"), timeout)
        return json.loads(line)["ids"]

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def finish(self, timeout: float = WORKER_TIMEOUT) -> None:
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        assert code == 0, f"worker {self.name} exited with {code}: {self.stderr()}"

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(WORKER_TIMEOUT)
        self._reader.join(WORKER_TIMEOUT)

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def workers(app: Flask) -> Iterator[list[Worker]]:
    """Worker processes, killed if still running when the test ends (before the app's cleanup)."""
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.close()


def indexed_profiles(pipeline: SearchPipeline) -> set[str]:
    keys = set(pipeline.backend.keys())
    return {key for key in keys if key.startswith("profile:")}


@pytest.mark.slow
def test_four_writer_processes_at_once_lose_nothing(app, pipeline, session, workers, tmp_path):
    # Production's path: each process captures in its own transactions and runs its own
    # background indexer; the four indexers take turns on the index through the file lock, and
    # a change committed while another process held it waits for a sweep (every 0.5 s here).
    # Each writer stays until its own changes have left the queue.
    start = tmp_path / "start"
    options = ["--count", "25", "--sweep-seconds", "0.5", "--linger", "60"]
    for number in range(4):
        workers.append(
            Worker(app, tmp_path, f"Writer{number}", *options, "--start-file", str(start))
        )
    for worker in workers:
        worker.wait_ready()

    start.touch()
    ids = [i for worker in workers for i in worker.ids()]
    for worker in workers:
        worker.finish()

    assert len(set(ids)) == 100
    # The writers' own indexers did it all: nothing is left for a last drain.
    assert pipeline.drain(wait_for_lock=True) == 0
    assert indexed_profiles(pipeline) == {f"profile:{i}" for i in ids}
    assert queued(session) == []
    assert pipeline.check().is_clean
    assert len(found(pipeline, "Writer2")) == 25


@pytest.mark.slow
def test_a_process_killed_after_committing_loses_nothing(app, pipeline, session, workers, tmp_path):
    # While this test holds the indexer lock, the worker's background indexer cannot index: its
    # nudge finds the lock taken, and its next sweep is an hour away. So the worker commits,
    # and is killed with its changes committed but not indexed.
    with indexer_lock(pipeline.lock_directory, blocking=True):
        worker = Worker(
            app, tmp_path, "Doomed", "--count", "5", "--sweep-seconds", "3600", "--hang"
        )
        workers.append(worker)
        ids = worker.ids()
        worker.kill()
    assert worker.process.returncode == -signal.SIGKILL

    assert queued(session) == sorted(("profile", str(i)) for i in ids)
    assert found(pipeline, "Doomed") == []
    assert indexed_profiles(pipeline) == set()

    assert pipeline.drain() == 5

    assert sorted(found(pipeline, "Doomed")) == sorted(str(i) for i in ids)
    assert queued(session) == []
    assert pipeline.check().is_clean


def test_no_search_index_lock_is_left_behind(pipeline, session):
    public_person(session, "Nandi Mokoena")

    # The indexer's lock is free again after every drain, for any process to take.
    with indexer_lock(pipeline.lock_directory, blocking=False) as acquired:
        assert acquired
    assert os.path.exists(pipeline.lock_directory / "indexer.lock")


def test_the_indexer_keeps_small_segments_from_piling_up(pipeline, session, monkeypatch):
    # Each commit's drain writes a segment without merging; the indexer merges small ones after
    # (here with no quiet time asked first).
    if pipeline.backend.name != "whoosh":
        pytest.skip("segments are the Whoosh backend's")
    monkeypatch.setattr(whoosh_backend, "QUIET_SECONDS", 0)
    for number in range(25):
        public_person(session, f"Person Number{number}")

    counts = [s.doc_count() for s in pipeline.backend._index()._segments()]
    assert sum(counts) == 25
    assert len(counts) < 12, counts
    assert found(pipeline, "Number7") != []


@pytest.mark.slow
def test_kmrg_search_worker_indexes_what_web_processes_commit(app, migrated, tmp_path, monkeypatch):
    # Production with KMRG_SEARCH_INDEXING=worker: requests only fill the outbox, and one
    # `kmrg search worker` beside them indexes, looking every 0.1 s.
    pipeline = get_pipeline()
    monkeypatch.setattr(pipeline, "mode", "worker")
    monkeypatch.setattr(pipeline, "inline", False)
    kmrg = Path(sys.executable).parent / "kmrg"
    env = {
        **os.environ,
        "KMRG_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "KMRG_INSTANCE_PATH": str(tmp_path / "worker"),
        "KMRG_SEARCH_DIR": app.config["SEARCH_DIR"],
        "KMRG_SEARCH_BACKEND": app.config["SEARCH_BACKEND"],
        "KMRG_SEARCH_INDEXING": "worker",
    }
    worker = subprocess.Popen(
        [kmrg, "search", "worker", "--poll", "0.1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        person = public_person(db.session, "Worker Indexed")
        assert queued(db.session) == [("profile", str(person.id))]  # the request did not index

        # The worker commits the index first and forgets the queue row after, in a second
        # transaction (a crash between them re-indexes, never loses): wait for both.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            found(pipeline, "Indexed") == [] or queued(db.session) != []
        ):
            time.sleep(0.05)

        assert found(pipeline, "Indexed") == [str(person.id)]
        assert queued(db.session) == []
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "Stopped." in output


@pytest.mark.slow
def test_an_idle_process_indexes_what_a_killed_one_left(app, pipeline, session, workers, tmp_path):
    # A web worker killed between commit and indexing; its replacement serves no request, yet
    # its indexer, started with the app, sweeps on its own timer (every 0.5 s here).
    with indexer_lock(pipeline.lock_directory, blocking=True):
        doomed = Worker(
            app, tmp_path, "Doomed", "--count", "3", "--sweep-seconds", "3600", "--hang"
        )
        workers.append(doomed)
        ids = doomed.ids()
        doomed.kill()
    assert found(pipeline, "Doomed") == []

    idle = Worker(app, tmp_path, "Idle", "--count", "0", "--sweep-seconds", "0.5", "--hang")
    workers.append(idle)
    idle.wait_ready()
    deadline = time.monotonic() + 30
    while queued(session) and time.monotonic() < deadline:
        time.sleep(0.05)

    assert queued(session) == []
    assert sorted(found(pipeline, "Doomed")) == sorted(str(i) for i in ids)
