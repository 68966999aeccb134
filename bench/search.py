"""How the Hub's search engine compares with the engines it is built on, on a lesson-like corpus.

    .venv/bin/python bench/search.py [--documents 10000] [--writers 4] [--skip-postgres]

Builds a seeded synthetic corpus of lessons in a throw-away SQLite database (and, when
`kmrg.search.postgres_backend` exists and a server answers, a throw-away PostgreSQL database),
indexes it through the Hub's pipeline (`SearchPipeline.rebuild()`), and prints side by side,
against raw SQLite FTS5, plain Whoosh and a raw PostgreSQL tsvector query on the same texts:
query latency of the engine layer, the whole /search page, commit-to-searchable time with writer
processes (and lost documents), indexing throughput, index size, and nDCG@10 / MAP on Cranfield.
Targets are printed beside the figures, marked PASS or MISS; nothing asserts. See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import platform
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from search_corpus import LoadedCorpus, load_corpus, make_queries
from search_cranfield import DEPTH as CRANFIELD_DEPTH
from search_cranfield import Quality, cranfield_rows, evaluate, hub_documents, hub_search
from search_references import (
    LESSON_ROWS,
    Fts5Reference,
    PlainWhoosh,
    RawTsvector,
    folder_size,
    fts5_match,
    lesson_rows,
    timed,
    tsquery,
)
from search_report import POSTGRES, WHOOSH, Report, print_report
from search_writers import WriterFigures, measure_commit_to_searchable

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CRANFIELD = REPO.parent / "shared" / "bench-data" / "cranfield"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def app_config(database_url: str, folder: Path, *, backend: str, indexing: str) -> dict[str, Any]:
    return {
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SEARCH_BACKEND": backend,
        "SEARCH_DIR": str(folder / "search-index"),
        "SEARCH_INDEXING": indexing,
        "SEARCH_SWEEP_SECONDS": 5.0,
        "UPLOAD_DIR": str(folder / "uploads"),
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        "MAIL_OUTBOX": [],
        "SERVER_NAME": "hub.bench",
    }


def make_app(config: dict[str, Any], folder: Path) -> Any:
    from kmrg import create_app

    return create_app(config, instance_path=str(folder / "instance"))


def say(message: str) -> None:
    """Tell how far the run is (stderr, so the figures on stdout stay a clean report)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def query_words(text: str) -> list[str]:
    """Return the words of a query the engines are asked for (common words left out)."""
    from kmrg.search.analysis import stem

    return [word for word in text.split() if stem(word)]


# -- timing ------------------------------------------------------------------------------------

Engine = tuple[str, Callable[[str], int | None]]


def time_engines(engines: list[Engine], queries: list[str], rounds: int) -> dict[str, Any]:
    """Time every engine on every query, in turn per query, after a warm-up pass of each.

    The order rotates from one query to the next, so noise from the shared machine falls on
    every engine alike. Returns {"samples": {name: [seconds]}, "totals": {name: mean total}}
    (totals of the engines that count their matches).
    """
    totals: dict[str, list[int]] = {name: [] for name, _ in engines}
    for name, run in engines:
        for text in queries:
            total = run(text)
            if total is not None:
                totals[name].append(total)
    samples: dict[str, list[float]] = {name: [] for name, _ in engines}
    for _round in range(rounds):
        for position, text in enumerate(queries):
            turn = position % len(engines)
            for name, run in engines[turn:] + engines[:turn]:
                began = time.perf_counter()
                run(text)
                samples[name].append(time.perf_counter() - began)
    return {
        "samples": samples,
        "totals": {name: statistics.mean(found) for name, found in totals.items() if found},
    }


def time_pages(app: Any, queries: list[str], rounds: int) -> tuple[list[float], Counter[int]]:
    """Time GET /search?q=… through the test client, as an anonymous visitor, after a warm-up."""
    client = app.test_client()
    statuses: Counter[int] = Counter()
    for text in queries:
        client.get("/search", query_string={"q": text})
    samples = []
    for _round in range(rounds):
        for text in queries:
            began = time.perf_counter()
            response = client.get("/search", query_string={"q": text})
            samples.append(time.perf_counter() - began)
            statuses[response.status_code] += 1
    return samples, statuses


def profile(label: str, work: Callable[[], Any], report: Report, lines: int = 25) -> None:
    """Run `work` under cProfile and keep the functions that took the most time."""
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(lines)
    report.profiles.append((f"{label} (sorted by own time)", out.getvalue().strip()))
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(lines)
    report.profiles.append((f"{label} (sorted by cumulative time)", out.getvalue().strip()))


def hub_engine(app: Any) -> Callable[[str], int]:
    """Return the engine layer as the search page calls it: parse, then search with facets."""
    from kmrg.search.backend import SearchOptions
    from kmrg.search.language import parse_query
    from kmrg.search.registry import registry

    backend = app.extensions["kmrg.search"].backend
    options = SearchOptions(
        weights=registry.weights(), limit=20, facets=[facet.name for facet in registry.facets()]
    )

    def search(text: str) -> int:
        return backend.search(parse_query(text, registry.facets()), ["public"], options).total

    return search


# -- the Hub on one database -------------------------------------------------------------------


@dataclass
class HubRun:
    """One Hub built on one database and backend."""

    app: Any
    config: dict[str, Any]
    folder: Path
    corpus: LoadedCorpus
    load_seconds: float
    rebuild_seconds: float
    rebuilt: int


def build_hub(database_url: str, folder: Path, backend: str, args: argparse.Namespace) -> HubRun:
    """Migrate, load the corpus, and rebuild the index through the pipeline."""
    from flask_migrate import upgrade

    from kmrg.extensions import db
    from kmrg.search.pipeline import get_pipeline

    config = app_config(database_url, folder, backend=backend, indexing="inline")
    app = make_app(config, folder)
    with app.app_context():
        upgrade()
        say(f"{backend}: loading {args.documents} lessons")
        load_seconds, corpus = timed(load_corpus, db.session, args.documents, args.seed)
        db.session.remove()
        get_pipeline().drain(wait_for_lock=True)  # the organisations and themes just loaded
        say(f"{backend}: loaded in {load_seconds:.1f} s; rebuilding the index")
        rebuild_seconds, rebuilt = timed(get_pipeline().rebuild)
        say(f"{backend}: rebuilt {rebuilt} documents in {rebuild_seconds:.1f} s")
    return HubRun(app, config, folder, corpus, load_seconds, rebuild_seconds, rebuilt)


def run_writers(hub: HubRun, args: argparse.Namespace) -> WriterFigures:
    say(f"{args.writers} writers × {args.writer_lessons} lessons: commit to searchable")
    config = {**hub.config, "SEARCH_INDEXING": args.indexing}
    return measure_commit_to_searchable(
        hub.app,
        config,
        hub.folder,
        writers=args.writers,
        per_writer=args.writer_lessons,
        admin_id=hub.corpus.admin_id,
        organisation_ids=hub.corpus.organisation_ids,
        seed=args.seed,
        timeout=args.timeout,
        pause=args.writer_pause,
    )


def sqlite_part(args: argparse.Namespace, workdir: Path, report: Report) -> None:
    database = workdir / "hub.sqlite3"
    hub = build_hub(f"sqlite:///{database}", workdir / "whoosh", "whoosh", args)
    report.corpus, report.load_seconds = hub.corpus, hub.load_seconds
    report.builds[WHOOSH] = (hub.rebuild_seconds, hub.rebuilt)
    with hub.app.app_context():
        from kmrg.extensions import db

        report.queries = make_queries(db.session, args.queries, args.seed)
        db.session.remove()

    say("raw FTS5 and plain Whoosh: building from the same rows")
    fts5 = Fts5Reference(workdir / "fts5.sqlite3")
    report.builds["raw FTS5"] = timed(fts5.build, lesson_rows(database))
    plain = PlainWhoosh(workdir / "plain-whoosh")
    report.builds["plain Whoosh"] = timed(plain.build, lesson_rows(database))
    plain.open()
    report.sizes["raw FTS5"] = fts5.size()
    report.sizes["plain Whoosh"] = plain.size()
    report.sizes[WHOOSH] = folder_size(Path(hub.config["SEARCH_DIR"]))

    def fts5_top(text: str) -> None:
        fts5.top(fts5_match(query_words(text)))

    def fts5_counted(text: str) -> int:
        match = fts5_match(query_words(text))
        fts5.top(match)
        return fts5.count(match)

    def plain_top(text: str) -> None:
        plain.search(text)

    hub_search_text = hub_engine(hub.app)
    engines: list[Engine] = [
        ("raw FTS5: top 20", fts5_top),
        ("raw FTS5: top 20 + count", fts5_counted),
        ("plain Whoosh: top 20", plain_top),
        ("plain Whoosh: top 20 + count", plain.search_counted),
        (f"{WHOOSH}: engine layer", hub_search_text),
    ]
    say(f"timing {len(report.queries)} queries × {args.rounds} on each engine")
    with hub.app.app_context():
        timing = time_engines(engines, report.queries, args.rounds)
    report.latency.update(timing["samples"])
    report.totals.update(timing["totals"])
    say("timing the whole search page")
    report.pages[WHOOSH] = time_pages(hub.app, report.queries, args.rounds)
    if args.profile:
        say("profiling the engine layer and the page")
        queries = report.queries
        with hub.app.app_context():
            profile(f"{WHOOSH} engine layer", lambda: list(map(hub_search_text, queries)), report)
        profile(f"{WHOOSH} search page", lambda: time_pages(hub.app, queries, 1), report)
    if args.profile_rebuild:
        say("profiling a rebuild")
        with hub.app.app_context():
            from kmrg.search.pipeline import get_pipeline

            profile(f"{WHOOSH} rebuild", get_pipeline().rebuild, report)
    fts5.close()
    plain.close()
    if not args.skip_writers:
        report.writer_figures[WHOOSH] = run_writers(hub, args)
    hub.app.extensions["kmrg.search"].backend.close()
    with hub.app.app_context():
        from kmrg.extensions import db

        db.engine.dispose()


# -- PostgreSQL --------------------------------------------------------------------------------


def postgres_unavailable(url: str) -> str | None:
    """Return why the PostgreSQL columns cannot run, or None when they can."""
    try:
        import kmrg.search.postgres_backend  # noqa: F401
    except ImportError:
        return "kmrg.search.postgres_backend is not in this checkout yet"
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception as error:  # any failure to connect means: no server to measure
        return f"no PostgreSQL server at {url} ({type(error).__name__})"
    return None


@contextmanager
def throwaway_database(admin_url: str, keep: bool) -> Iterator[str]:
    """Create a database of the bench's own and yield its URL; drop it afterwards."""
    import secrets

    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"kmrg_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        if keep:
            say(f"kept PostgreSQL database {name}")
        else:
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def postgres_lesson_rows(connection: Any) -> Iterator[tuple[int, str, str, str]]:
    """Yield (id, title, summary, body) of every public lesson in the Hub's PostgreSQL database."""
    with connection.cursor(name="bench_rows") as cursor:
        cursor.execute(LESSON_ROWS)
        for lesson_id, title, summary, *body in cursor:
            yield lesson_id, title, summary, "\n\n".join(part for part in body if part)


def backend_tables_size(connection: Any) -> int:
    """Return the bytes of the PostgreSQL backend's tables (with their indexes and TOAST)."""
    from kmrg.search.postgres_index import TABLES

    return sum(
        connection.execute("SELECT pg_total_relation_size(%s::regclass)", (table.name,)).fetchone()[
            0
        ]
        for table in TABLES
    )


def postgres_part(args: argparse.Namespace, workdir: Path, report: Report) -> None:
    import psycopg

    with throwaway_database(args.postgres_url, args.keep) as url:
        hub = build_hub(sqlalchemy_url(url), workdir / "postgres", "postgres", args)
        report.builds[POSTGRES] = (hub.rebuild_seconds, hub.rebuilt)
        connection = psycopg.connect(url, autocommit=True)
        raw = RawTsvector(connection)
        say("raw tsvector: building from the same rows")
        with psycopg.connect(url) as reading:
            report.builds["raw tsvector"] = timed(raw.build, postgres_lesson_rows(reading))
        report.sizes["raw tsvector"] = raw.size()
        report.sizes[POSTGRES] = backend_tables_size(connection)

        def raw_top(text: str) -> None:
            raw.top(tsquery(query_words(text)))

        def raw_counted(text: str) -> int:
            query = tsquery(query_words(text))
            raw.top(query)
            return raw.count(query)

        hub_search_text = hub_engine(hub.app)
        engines: list[Engine] = [
            ("raw tsvector: top 20", raw_top),
            ("raw tsvector: top 20 + count", raw_counted),
            (f"{POSTGRES}: engine layer", hub_search_text),
        ]
        say(f"PostgreSQL: timing {len(report.queries)} queries × {args.rounds}")
        with hub.app.app_context():
            timing = time_engines(engines, report.queries, args.rounds)
        report.latency.update(timing["samples"])
        report.totals.update(timing["totals"])
        report.pages[POSTGRES] = time_pages(hub.app, report.queries, args.rounds)
        if args.profile:
            with hub.app.app_context():
                queries = report.queries
                profile(
                    f"{POSTGRES} engine layer", lambda: list(map(hub_search_text, queries)), report
                )
        if not args.skip_writers:
            report.writer_figures[POSTGRES] = run_writers(hub, args)
        connection.close()
        hub.app.extensions["kmrg.search"].backend.close()
        with hub.app.app_context():
            from kmrg.extensions import db

            db.engine.dispose()


# -- Cranfield ---------------------------------------------------------------------------------


def cranfield_part(args: argparse.Namespace, workdir: Path, report: Report, postgres: bool) -> None:
    from search_cranfield import read_cranfield

    from kmrg.search.whoosh_backend import WhooshBackend

    say("Cranfield")
    cranfield = read_cranfield(args.cranfield)
    rows = cranfield_rows(cranfield)
    quality: dict[str, Quality] = report.cranfield

    fts5 = Fts5Reference(workdir / "cranfield-fts5.sqlite3")
    fts5.build(rows)
    quality["raw FTS5 (bm25)"] = evaluate(
        lambda words: fts5.top(fts5_match(words, any_word=True), CRANFIELD_DEPTH), cranfield
    )
    fts5.close()
    plain = PlainWhoosh(workdir / "cranfield-plain")
    plain.build(rows)
    plain.open()
    quality["plain Whoosh (BM25F)"] = evaluate(
        lambda words: [
            int(i) for i in plain.search(" ".join(words), CRANFIELD_DEPTH, any_word=True)
        ],
        cranfield,
    )
    plain.close()
    backend = WhooshBackend(workdir / "cranfield-hub")
    with backend.bulk_writer() as writer:
        for document in hub_documents(cranfield):
            writer.update(document)
    quality[WHOOSH] = evaluate(hub_search(backend), cranfield)
    backend.close()
    if not postgres:
        return
    import psycopg

    with throwaway_database(args.postgres_url, args.keep) as url:
        with psycopg.connect(url, autocommit=True) as connection:
            raw = RawTsvector(connection, "bench_cranfield_docs")
            raw.build(rows)
            quality["raw PostgreSQL (ts_rank)"] = evaluate(
                lambda words: raw.top(tsquery(words, any_word=True), CRANFIELD_DEPTH), cranfield
            )
        from flask_migrate import upgrade

        folder = workdir / "cranfield-postgres"
        app = make_app(
            app_config(sqlalchemy_url(url), folder, backend="postgres", indexing="inline"), folder
        )
        with app.app_context():
            upgrade()
            backend = app.extensions["kmrg.search"].backend
            with backend.bulk_writer() as writer:
                for document in hub_documents(cranfield):
                    writer.update(document)
            quality[POSTGRES] = evaluate(hub_search(backend), cranfield)
            backend.close()
            from kmrg.extensions import db

            db.engine.dispose()


# -- the run -----------------------------------------------------------------------------------


def code_version() -> str:
    """Return the commit the Hub's code is at, marked when the checkout has local changes."""
    import subprocess

    def git(*arguments: str) -> str:
        found = subprocess.run(["git", *arguments], cwd=REPO, capture_output=True, text=True)
        return found.stdout.strip()

    changed = git("status", "--porcelain", "--", "kmrg", "migrations")
    return git("rev-parse", "--short", "HEAD") + (" with local changes" if changed else "")


def run(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="kmrg-bench-search-"))
    report = Report(
        documents=args.documents,
        seed=args.seed,
        rounds=args.rounds,
        writers=args.writers,
        writer_lessons=args.writer_lessons,
        writer_pause=args.writer_pause,
        indexing=args.indexing,
        machine=(
            f"{date.today():%Y-%m-%d}, {platform.node() or 'this machine'}, "
            f"{__import__('os').cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, code {code_version()}"
        ),
    )
    started = time.perf_counter()
    try:
        sqlite_part(args, workdir, report)
        reason = "skipped (--skip-postgres)" if args.skip_postgres else None
        reason = reason or postgres_unavailable(args.postgres_url)
        report.postgres_note = reason
        if reason is None:
            postgres_part(args, workdir, report)
        if args.cranfield.is_dir():
            cranfield_part(args, workdir, report, postgres=reason is None)
        else:
            report.cranfield_note = f"skipped: no Cranfield collection at {args.cranfield}"
        report.seconds = time.perf_counter() - started
        print_report(report)
        return 0
    finally:
        if args.keep:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000, help="lessons in the corpus")
    parser.add_argument("--seed", type=int, default=1, help="seed of the corpus and queries")
    parser.add_argument("--queries", type=int, default=200, help="one-to-three-word queries")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the queries")
    parser.add_argument("--writers", type=int, default=4, help="writer processes")
    parser.add_argument(
        "--writer-lessons", type=int, default=100, help="lessons each writer commits"
    )
    parser.add_argument(
        "--indexing",
        choices=["background", "worker"],
        default="background",
        help="who indexes the writers' lessons: an indexer thread in each writer (background) or "
        "one `kmrg search worker` process beside them (worker)",
    )
    parser.add_argument(
        "--writer-pause",
        type=float,
        default=0.0,
        help="seconds each writer waits between commits (default 0: as fast as it can)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="wait this long for the last lessons"
    )
    parser.add_argument("--skip-writers", action="store_true", help="no commit-to-searchable")
    parser.add_argument("--skip-postgres", action="store_true", help="no PostgreSQL columns")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="server to use")
    parser.add_argument(
        "--cranfield", type=Path, default=DEFAULT_CRANFIELD, help="Cranfield collection folder"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile the Hub's engine layer and page"
    )
    parser.add_argument(
        "--profile-rebuild", action="store_true", help="also profile a second Whoosh rebuild"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases and indexes")
    args = parser.parse_args(argv)
    # Without a mail server the Hub logs every e-mail; migrations log every step.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("kmrg").setLevel(logging.WARNING)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
