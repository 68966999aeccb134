"""Commit to searchable: writer processes add lessons while a reader waits for each to be found.

Used by bench/search.py. Each writer is a separate process (the `spawn` start method, as
separate as gunicorn workers) that builds the real app with background indexing, as in
production, and commits lessons through `kmrg.lessons.services` (created and published by an
administrator, one POST request's transaction each) as fast as it can. Every lesson carries a
word no other lesson has. The reader, in the bench's own process, searches the backend for all
the words still waited for, again and again, and notes when each lesson is first found.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import random
import secrets
import statistics
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

POLL_SECONDS = 0.01
# How often the `kmrg search worker` process looks at an empty outbox (--indexing worker).
WORKER_POLL_SECONDS = 0.05


def unique_word(run: str, writer: int, number: int) -> str:
    """Return the word only lesson `number` of `writer` in `run` has (kept whole by analyzers)."""
    return f"zz{run}w{writer}n{number}q"


def writer(
    number: int,
    count: int,
    config: dict[str, Any],
    instance: str,
    admin_id: int,
    organisation_ids: list[int],
    seed: int,
    run: str,
    pause: float,
    ready: Any,
    start: Any,
    stop: Any,
    results: Any,
) -> None:
    """Commit `count` public lessons through the services; report each commit as it happens.

    Between commits the writer waits `pause` seconds (0: as fast as it can).
    """
    logging.getLogger("kmrg").setLevel(logging.WARNING)
    try:
        from search_corpus import Place, Vocabulary, Writer
        from sqlalchemy import select

        from kmrg import create_app
        from kmrg.auth.models import User
        from kmrg.extensions import db
        from kmrg.lessons.services import create_lesson, publish_lesson
        from kmrg.organisations.models import Organisation
        from kmrg.themes.models import Theme

        app = create_app(config, instance_path=instance)
        rng = random.Random(seed * 1009 + number)
        text_writer = Writer(Vocabulary.build(seed), rng)
        with app.app_context():
            theme_ids = sorted(db.session.scalars(select(Theme.id)))
            db.session.remove()
    except Exception:
        results.put(("error", number, traceback.format_exc()))
        raise
    ready.put(number)
    start.wait()
    try:
        for index in range(count):
            word = unique_word(run, number, index)
            with app.test_request_context("/lessons/new", method="POST"):
                session = db.session
                admin = session.get(User, admin_id)
                organisation = session.get(Organisation, rng.choice(organisation_ids))
                themes = [session.get(Theme, rng.choice(theme_ids))]
                place = Place(organisation.code, organisation.name, organisation.kind.value)
                text = text_writer.lesson([theme.slug for theme in themes], place)
                began = time.perf_counter()
                lesson = create_lesson(
                    session,
                    admin,
                    title=text.title,
                    driving_event=f"{text.driving_event} Filed as {word}.",
                    lesson=text.lesson,
                    recommendation=text.recommendation,
                    evidence=text.evidence,
                    applies_to=text.applies_to,
                    themes=themes,
                    organisation=organisation,
                )
                publish_lesson(session, admin, lesson)
                lesson_id = str(lesson.id)
                session.commit()
                committed = time.time()
                took = time.perf_counter() - began
            results.put(("committed", number, lesson_id, word, committed, took))
            if pause:
                time.sleep(pause)
    except Exception:
        results.put(("error", number, traceback.format_exc()))
    results.put(("done", number))
    # A web worker lives on after its requests: its indexer thread keeps sweeping until stopped.
    stop.wait()


def indexer(config: dict[str, Any], instance: str, ready: Any, stop: Any) -> None:
    """Run `kmrg search worker`'s loop in a process of its own, until `stop` is set."""
    logging.getLogger("kmrg").setLevel(logging.WARNING)
    from kmrg import create_app
    from kmrg.search.pipeline import get_pipeline

    app = create_app({**config, "SEARCH_INDEXER_AUTOSTART": False}, instance_path=instance)
    ready.put("indexer")
    with app.app_context():
        pipeline = get_pipeline()
    pipeline.run_worker(WORKER_POLL_SECONDS, stop)


@dataclass
class WriterFigures:
    """What the writers and the reader saw."""

    writers: int
    committed: int = 0
    commit_latencies: list[float] = field(default_factory=list)
    searchable_latencies: list[float] = field(default_factory=list)
    writing_seconds: float = 0.0
    late: int = 0  # found only after the final drain
    lost: int = 0  # not found even after the final drain
    errors: list[str] = field(default_factory=list)
    polls: list[float] = field(default_factory=list)

    @property
    def commits_per_second(self) -> float:
        return self.committed / self.writing_seconds if self.writing_seconds else 0.0

    @property
    def poll_p50(self) -> float:
        return statistics.median(self.polls) if self.polls else 0.0


def _found(backend: Any, pending: dict[str, tuple[str, float]]) -> set[str]:
    from kmrg.search.backend import SearchOptions
    from kmrg.search.language import Clause, SearchQuery, Word

    if not pending:
        return set()
    words = tuple(Word(word) for word, _committed in pending.values())
    matches = backend.search(
        SearchQuery(clauses=(Clause(words),)), ["public"], SearchOptions(limit=len(pending))
    )
    return {hit.doc_id for hit in matches.hits if hit.doc_type == "lesson"}


def measure_commit_to_searchable(
    app: Any,
    config: dict[str, Any],
    workdir: Path,
    *,
    writers: int,
    per_writer: int,
    admin_id: int,
    organisation_ids: list[int],
    seed: int,
    timeout: float,
    pause: float = 0.0,
) -> WriterFigures:
    """Run the writers against `config`'s database and index; time each lesson until found."""
    from kmrg.search.pipeline import get_pipeline

    backend = app.extensions["kmrg.search"].backend
    figures = WriterFigures(writers=writers)
    run = secrets.token_hex(4)  # words unique to this run, should the database be reused
    context = multiprocessing.get_context("spawn")
    ready, results = context.Queue(), context.Queue()
    start, stop = context.Event(), context.Event()
    processes = [
        context.Process(
            target=writer,
            args=(
                n,
                per_writer,
                config,
                str(workdir / f"writer-{n}"),
                admin_id,
                organisation_ids,
                seed,
                run,
                pause,
                ready,
                start,
                stop,
                results,
            ),
        )
        for n in range(writers)
    ]
    if config.get("SEARCH_INDEXING") == "worker":
        processes.append(
            context.Process(target=indexer, args=(config, str(workdir / "indexer"), ready, stop))
        )
    for process in processes:
        process.start()
    try:
        for _ in processes:
            ready.get(timeout=120)
        _found(backend, {"0": ("warmup", 0.0)})  # the reader's searcher opens before the clock
        began = time.time()
        start.set()
        pending: dict[str, tuple[str, float]] = {}
        done = 0
        deadline = None
        while True:
            while True:
                try:
                    message = results.get_nowait()
                except queue.Empty:
                    break
                if message[0] == "committed":
                    _kind, _number, lesson_id, word, committed, took = message
                    pending[lesson_id] = (word, committed)
                    figures.committed += 1
                    figures.commit_latencies.append(took)
                elif message[0] == "error":
                    figures.errors.append(message[2])
                elif message[0] == "done":
                    done += 1
                    if done == writers:
                        figures.writing_seconds = time.time() - began
                        deadline = time.monotonic() + timeout
            poll_began = time.perf_counter()
            found = _found(backend, pending)
            now = time.time()
            figures.polls.append(time.perf_counter() - poll_began)
            for lesson_id in found & pending.keys():
                _word, committed = pending.pop(lesson_id)
                figures.searchable_latencies.append(now - committed)
            if deadline is not None and (not pending or time.monotonic() > deadline):
                break
            time.sleep(POLL_SECONDS)
    finally:
        stop.set()
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.terminate()
                process.join()
    with app.app_context():
        get_pipeline().drain(wait_for_lock=True)
    found = _found(backend, pending)
    figures.late = len(found & pending.keys())
    figures.lost = len(pending) - figures.late
    return figures
