"""How the search pipeline holds up under several writer processes.

    .venv/bin/python bench/search_indexing.py [--documents 2000] [--writers 4]

Creates a throw-away SQLite database and search index, starts writer processes that each build
the real app (background indexing, as in production) and commit people with public profiles as
fast as they can, and measures what a visitor and an operator would notice: how long each commit
takes, how long until the index holds every document, and how many never arrive. Then it times a
search on a searcher kept open against opening a fresh one per query. It prints figures; it
asserts nothing about time. See bench/README.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SEARCH_WORDS = ["Person7", "writer0", "knowledge", "Person1 Person2", "management officer"]


def app_config(database_url: str, workdir: Path, sweep_seconds: float) -> dict[str, Any]:
    return {
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SEARCH_DIR": str(workdir / "search-index"),
        "SEARCH_INDEXING": "background",
        "SEARCH_SWEEP_SECONDS": sweep_seconds,
        "UPLOAD_DIR": str(workdir / "uploads"),
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        "SERVER_NAME": "hub.bench",
    }


def make_app(config: dict[str, Any], instance: Path):
    from kmrg import create_app

    return create_app(config, instance_path=str(instance))


def writer(
    number: int,
    count: int,
    config: dict[str, Any],
    instance: str,
    password_hash: str,
    ready: Any,
    start: Any,
    stop: Any,
    results: Any,
    index_later: bool,
) -> None:
    """Commit `count` people, one POST request's transaction each; report each commit's time."""
    from kmrg.auth.models import AccountStatus, ProfileVisibility, User
    from kmrg.extensions import db
    from kmrg.models import utcnow
    from kmrg.search.pipeline import SearchPipeline

    if index_later:  # capture only: the changes wait in the queue for the bench to drain them
        SearchPipeline.nudge = lambda self: None  # type: ignore[method-assign]
    app = make_app(config, Path(instance))
    latencies = []
    ready.put(number)
    start.wait()
    for index in range(count):
        began = time.perf_counter()
        with app.test_request_context("/", method="POST"):
            db.session.add(
                User(
                    name=f"Writer{number} Person{index}",
                    email=f"writer{number}.{index}@example.org",
                    job_title="Knowledge management officer",
                    status=AccountStatus.ACTIVE,
                    profile_visibility=ProfileVisibility.PUBLIC,
                    password_hash=password_hash,
                    password_changed_at=utcnow(),
                    approved_at=utcnow(),
                )
            )
            db.session.commit()
        latencies.append(time.perf_counter() - began)
    results.put((number, latencies))
    # A web worker lives on after its requests: its indexer thread keeps sweeping until stopped.
    stop.wait()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def queued_rows(app) -> int:
    from sqlalchemy import func, select

    from kmrg.extensions import db
    from kmrg.search.models import SearchQueueEntry

    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(SearchQueueEntry))
        db.session.remove()
    return count or 0


def indexed_count(backend) -> int:
    keys = list(backend.keys())
    return sum(1 for key in keys if key.startswith("profile:"))


def time_searches(directory: Path, rounds: int) -> tuple[list[float], list[float]]:
    """Time each query on one long-lived searcher, then on a searcher opened for it alone."""
    from kmrg.search.whoosh_backend import WhooshBackend

    reused, fresh = [], []
    backend = WhooshBackend(directory)
    backend.search("warm up", ["public"])
    for index in range(rounds):
        text = SEARCH_WORDS[index % len(SEARCH_WORDS)]
        began = time.perf_counter()
        backend.search(text, ["public"])
        reused.append(time.perf_counter() - began)
    backend.close()
    for index in range(rounds):
        text = SEARCH_WORDS[index % len(SEARCH_WORDS)]
        began = time.perf_counter()
        once = WhooshBackend(directory)
        once.search(text, ["public"])
        once.close()
        fresh.append(time.perf_counter() - began)
    return reused, fresh


def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"  {label:<{width}}  {value}" for label, value in rows)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def run(args: argparse.Namespace) -> int:
    from flask_migrate import upgrade

    from kmrg.auth.services import hash_password
    from kmrg.search.pipeline import get_pipeline

    workdir = Path(tempfile.mkdtemp(prefix="kmrg-bench-"))
    try:
        database_url = f"sqlite:///{workdir / 'hub.sqlite3'}"
        sweep_seconds = 3600.0 if args.index_later else args.sweep_seconds
        config = app_config(database_url, workdir, sweep_seconds)
        app = make_app(config, workdir / "instance")
        with app.app_context():
            upgrade()
        backend = app.extensions["kmrg.search"].backend

        per_writer = [
            args.documents // args.writers + (1 if n < args.documents % args.writers else 0)
            for n in range(args.writers)
        ]
        context = multiprocessing.get_context("spawn")
        ready, results = context.Queue(), context.Queue()
        start, stop = context.Event(), context.Event()
        password_hash = hash_password("bench-password-not-secret")
        processes = [
            context.Process(
                target=writer,
                args=(
                    n,
                    per_writer[n],
                    config,
                    str(workdir / f"instance-{n}"),
                    password_hash,
                    ready,
                    start,
                    stop,
                    results,
                    args.index_later,
                ),
            )
            for n in range(args.writers)
        ]
        for process in processes:
            process.start()
        for _ in processes:  # every writer has built its app before the clock starts
            ready.get(timeout=args.timeout)

        how = "indexed afterwards in one drain" if args.index_later else "background indexing"
        print(
            f"{args.documents} documents, {args.writers} writer processes, SQLite, {how}",
            flush=True,
        )
        began = time.perf_counter()
        start.set()
        latencies: list[float] = []
        for _ in processes:
            _, times = results.get(timeout=args.timeout)
            latencies += times
        written = time.perf_counter() - began

        drained = 0.0
        if args.index_later:
            drain_began = time.perf_counter()
            with app.app_context():
                get_pipeline().drain(wait_for_lock=True)
            drained = time.perf_counter() - drain_began
        indexed = indexed_count(backend)
        deadline = time.monotonic() + args.timeout
        while indexed < args.documents and time.monotonic() < deadline:
            time.sleep(0.02)
            indexed = indexed_count(backend)
        complete = time.perf_counter() - began
        still_queued = queued_rows(app)
        stop.set()
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.terminate()
                process.join()

        # What a sweep would still pick up is late, not lost; anything else is lost.
        with app.app_context():
            leftover = get_pipeline().drain(wait_for_lock=True)
            drift = get_pipeline().check()
        finally_indexed = indexed_count(backend)
        backend.close()
        reused, fresh = time_searches(Path(config["SEARCH_DIR"]), args.searches)

        reached = indexed >= args.documents
        drain_rows = []
        if args.index_later:
            drain_rows = [
                ("one drain of the whole queue", f"{drained:8.2f} s"),
                ("throughput (that drain)", f"{indexed / drained:8.0f} docs/s"),
            ]
        print(
            table(
                [
                    ("commit latency p50", ms(statistics.median(latencies))),
                    ("commit latency p95", ms(percentile(latencies, 0.95))),
                    ("commit latency max", ms(max(latencies))),
                    ("all commits done after", f"{written:8.2f} s"),
                    (
                        "index complete after" if reached else "gave up waiting after",
                        f"{complete:8.2f} s",
                    ),
                    ("throughput (to index)", f"{indexed / complete:8.0f} docs/s"),
                    *drain_rows,
                    ("indexed / expected", f"{indexed} / {args.documents}"),
                    ("still queued at the end", f"{still_queued}"),
                    ("lost (after a last drain)", f"{args.documents - finally_indexed}"),
                    ("check()", "clean" if drift.is_clean else f"drift: {drift}"),
                    (
                        f"search, reused searcher p50 (n={args.searches})",
                        ms(statistics.median(reused)),
                    ),
                    (
                        f"search, fresh searcher p50 (n={args.searches})",
                        ms(statistics.median(fresh)),
                    ),
                ]
            )
        )
        if leftover:
            print(f"  (a last drain indexed {leftover} queued documents)")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000, help="people to commit in all")
    parser.add_argument("--writers", type=int, default=4, help="writer processes")
    parser.add_argument(
        "--sweep-seconds", type=float, default=5.0, help="indexer sweep period (production: 5)"
    )
    parser.add_argument("--searches", type=int, default=200, help="queries to time each way")
    parser.add_argument(
        "--index-later",
        action="store_true",
        help="writers only queue; then one drain indexes everything (a baseline for both)",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after (seconds)")
    parser.add_argument("--keep", action="store_true", help="keep the database and index")
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
