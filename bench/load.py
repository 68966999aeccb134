"""The Hub under load: simulated people reading, searching and writing over HTTP, on loopback.

    .venv/bin/python bench/load.py                                # 100 users, 60 s, SQLite
    .venv/bin/python bench/load.py --database postgresql://postgres@127.0.0.1:5432/kmrg_load
    .venv/bin/python bench/load.py --users 20 --duration 15 --profile

Sets up a fresh instance in a temporary folder as `python3 dev.py run` does (`kmrg db upgrade`,
`kmrg demo`), adds --extra-lessons generated lessons (bench/search_corpus.py) and rebuilds the
index, then serves it as README's "Running it for real" does: gunicorn with --workers workers on
127.0.0.1 and KMRG_SEARCH_INDEXING=worker beside one `kmrg search worker`. --users simulated
people (threads, http.client, a think time between steps; bench/load_users.py) use it for
--duration seconds: anonymous page views, searches (demo words, misspellings, filters) and, for a
share of them signed in with demo accounts, case study drafts and inbox messages sent through
the forms with their CSRF tokens. It prints, per kind of request, the count, errors, rate and
latency percentiles, beside the time gunicorn's workers spent on them, and marks the issue's
targets PASS or MISS. It asserts nothing. A PostgreSQL --database is emptied first: give it one
that belongs to the bench. Whatever happens (Ctrl-C included) it stops every process it started
and removes its folder (--keep leaves the folder). See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import platform
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import load_instance
from load_http import Browser, RequestFailed, Sample
from load_users import Plan, User, discover_pages

KINDS = ["page view", "search", "write", "sign-in"]
PAGE_VIEW_P99_TARGET = 0.300  # seconds


def say(message: str) -> None:
    """Tell how far the run is (stderr, so the figures on stdout stay a clean report)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100, help="simulated people (default 100)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="'sqlite' (a file in the temporary folder; default) or a PostgreSQL URL the bench "
        "may empty",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument(
        "--search-backend",
        choices=["whoosh", "postgres"],
        default="whoosh",
        help="KMRG_SEARCH_BACKEND (whoosh; postgres needs a PostgreSQL --database)",
    )
    parser.add_argument(
        "--think", default="1-5", help="seconds between a person's steps, uniform (1-5)"
    )
    parser.add_argument(
        "--members", type=float, default=0.1, help="share of users who sign in and write (0.1)"
    )
    parser.add_argument(
        "--write-share", type=float, default=0.3, help="share of a member's steps that write"
    )
    parser.add_argument(
        "--search-share", type=float, default=0.3, help="share of reading steps that search"
    )
    parser.add_argument(
        "--extra-lessons",
        type=int,
        default=2000,
        help="generated lessons added to the demo content, for a realistic index (2000)",
    )
    parser.add_argument("--queries", type=int, default=300, help="distinct search queries")
    parser.add_argument("--timeout", type=float, default=30, help="seconds before a request fails")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile every gunicorn worker (slower) and print where their time went",
    )
    parser.add_argument("--keep", action="store_true", help="leave the temporary folder")
    arguments = parser.parse_args(argv)
    low, _, high = arguments.think.partition("-")
    arguments.think = (float(low), float(high or low))
    return arguments


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of `values` (share between 0 and 100); nan when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


# -- setting up --------------------------------------------------------------------------------


def set_up(instance: load_instance.Instance, arguments: argparse.Namespace) -> dict[str, Any]:
    """Migrate, load the demo (and generated lessons), index; return what was loaded."""
    if instance.database_url.startswith("postgres"):
        say("Emptying the PostgreSQL database")
        load_instance.empty_postgres(instance.database_url)
    say("kmrg db upgrade")
    load_instance.run_command(instance, "db", "upgrade")
    say("kmrg demo")
    load_instance.run_command(instance, "demo")
    public = 0
    if arguments.extra_lessons:
        say(f"Adding {arguments.extra_lessons:,} generated lessons")
        public = load_instance.add_generated_lessons(
            instance, arguments.extra_lessons, arguments.seed
        )
    say("kmrg search rebuild")
    load_instance.run_command(instance, "search", "rebuild")
    rebuilt = (instance.logs / "kmrg-search-rebuild.log").read_text().strip().splitlines()
    return {
        "generated public lessons": public,
        "indexed": rebuilt[-1] if rebuilt else "?",
        "accounts": load_instance.demo_accounts(instance),
        "texts": load_instance.demo_words(instance),
    }


def warm_up(instance: load_instance.Instance, plan: Plan, workers: int) -> None:
    """Find the pages, then open each kind of page and search from several connections at once.

    Every worker should pay its first-request costs (templates compiled, the searcher opened)
    before the timed part begins: a real Hub has been up for a while.
    """
    warm: list[Sample] = []
    plan.pages.update(discover_pages(Browser(load_instance.HOST, instance.port, warm.append)))
    paths = [p for paths in plan.pages.values() for p in paths[:3]]
    paths += ["/search?" + urlencode({"q": text}) for _label, text in plan.queries[:8]]

    def visit() -> None:
        browser = Browser(load_instance.HOST, instance.port, warm.append)
        for path in paths:
            with contextlib.suppress(RequestFailed):
                browser.get("warm-up", "warm-up", path)
        browser.close()

    threads = [threading.Thread(target=visit) for _ in range(2 * workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failed = [s for s in warm if s.error]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(warm)} warm-up requests failed: {failed[0]}")


# -- running -----------------------------------------------------------------------------------


def run_users(
    instance: load_instance.Instance, plan: Plan, arguments: argparse.Namespace
) -> tuple[list[Sample], float]:
    """Run the users for the duration; return every request they made and the seconds taken."""
    samples: list[Sample] = []
    stop = threading.Event()
    members = round(arguments.users * arguments.members) if plan.accounts else 0
    users = []
    for number in range(arguments.users):
        account = plan.accounts[number % len(plan.accounts)] if number < members else None
        browser = Browser(load_instance.HOST, instance.port, samples.append, arguments.timeout)
        users.append(
            User(
                number,
                browser,
                plan,
                stop,
                account,
                arguments.write_share,
                arguments.search_share,
                arguments.seed,
            )
        )
    threads = [threading.Thread(target=u.run, daemon=True, name=f"user-{u.number}") for u in users]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        while (left := arguments.duration - (time.monotonic() - began)) > 0:
            stop.wait(min(10.0, left))
            errors = sum(1 for s in samples if s.error)
            say(f"{time.monotonic() - began:5.0f} s: {len(samples):,} requests, {errors} errors")
    finally:
        stop.set()
        # A step under way finishes its requests (each bounded by --timeout).
        deadline = time.monotonic() + arguments.timeout * 3 + 5
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
    return samples, arguments.duration


# -- the report --------------------------------------------------------------------------------


def server_times(access_log: Path) -> dict[tuple[str, str], list[float]]:
    """Read gunicorn's access log: seconds a worker spent, by (kind, page)."""
    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    if not access_log.exists():
        return times
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3].isdigit():
            kind, page = parts[0].replace("_", " "), parts[1].replace("_", " ")
            times[(kind, page)].append(int(parts[3]) / 1e6)
    return times


def milliseconds(value: float) -> str:
    return "-" if math.isnan(value) else f"{value * 1000:,.0f}"


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for position, row in enumerate([header, *rows]):
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
        if position == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def figures_row(label: str, samples: list[Sample], served: list[float], seconds: float) -> list:
    took = [s.seconds for s in samples]
    return [
        label,
        f"{len(samples):,}",
        f"{sum(1 for s in samples if s.error):,}",
        f"{len(samples) / seconds:,.1f}",
        milliseconds(percentile(took, 50)),
        milliseconds(percentile(took, 95)),
        milliseconds(percentile(took, 99)),
        milliseconds(max(took, default=math.nan)),
        milliseconds(percentile(served, 50)),
        milliseconds(percentile(served, 99)),
    ]


HEADER = ["", "requests", "errors", "req/s", "p50", "p95", "p99", "max", "served p50", "p99"]


def report(
    samples: list[Sample],
    seconds: float,
    instance: load_instance.Instance,
    arguments: argparse.Namespace,
    loaded: dict[str, Any],
    load_before: tuple[float, ...],
) -> None:
    timed = [s for s in samples if s.kind != "warm-up"]
    served = server_times(instance.logs / "access.log")
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    by_page: dict[tuple[str, str], list[Sample]] = defaultdict(list)
    for sample in timed:
        by_kind[sample.kind].append(sample)
        by_page[(sample.kind, sample.page)].append(sample)
    database = "SQLite" if arguments.database == "sqlite" else "PostgreSQL"
    members = round(arguments.users * arguments.members)
    print(
        f"Load: {arguments.users} users ({members} signed in) for {arguments.duration:.0f} s, "
        f"think {arguments.think[0]:g}-{arguments.think[1]:g} s; gunicorn {arguments.workers} "
        f"sync workers + 1 kmrg search worker (KMRG_SEARCH_INDEXING=worker); {database}, "
        f"{arguments.search_backend} search index"
    )
    print(
        f"  content: the demo + {arguments.extra_lessons:,} generated lessons "
        f"({loaded['generated public lessons']:,} published); {loaded['indexed']}"
    )
    print(
        f"  machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f} (1 min); "
        f"the simulated users used {loaded['client cpu']:.2f} CPU s in {seconds:.0f} s"
    )
    print()
    print("  latency in ms, measured by the client from sending to the last byte;")
    print("  served: the time a gunicorn worker spent on it (access log), the rest is queueing")
    served_by_kind: dict[str, list[float]] = defaultdict(list)
    for (kind, _page), times in served.items():
        served_by_kind[kind] += times
    rows = [
        figures_row(kind, by_kind[kind], served_by_kind[kind], seconds)
        for kind in KINDS
        if by_kind[kind]
    ]
    everything = [t for kind in KINDS for t in served_by_kind[kind]]
    rows.append(figures_row("all", timed, everything, seconds))
    print(table(rows, HEADER))
    print()
    print("  by page")
    page_rows = [
        figures_row(f"{kind}: {page}", by_page[(kind, page)], served[(kind, page)], seconds)
        for kind in KINDS
        for page in sorted({p for k, p in by_page if k == kind})
    ]
    print(table(page_rows, HEADER))
    errors = Counter(
        f"{s.kind}: {s.page} {s.method} -> {s.error}" for s in timed if s.error is not None
    )
    if errors:
        print()
        print("  errors")
        for text, count in errors.most_common(15):
            print(f"    {count:6,}  {text}")
    tracebacks = sum(
        log.read_text(errors="replace").count("Traceback")
        for log in instance.logs.glob("*.log")
        if log.name != "access.log"
    )
    print(f"  tracebacks in the server logs: {tracebacks}")
    print()
    page_p99 = percentile([s.seconds for s in by_kind["page view"]], 99)
    error_count = sum(1 for s in timed if s.error)
    targets = [
        ["errors = 0", f"{error_count:,}", "PASS" if error_count == 0 else "MISS"],
        [
            f"page view p99 < {PAGE_VIEW_P99_TARGET * 1000:.0f} ms",
            f"{milliseconds(page_p99)} ms",
            "PASS" if page_p99 < PAGE_VIEW_P99_TARGET else "MISS",
        ],
    ]
    print(table(targets, ["target", "measured", ""]))


def print_profile(folder: Path, lines: int = 40) -> None:
    import io
    import pstats

    files = sorted(folder.glob("worker-*.prof"))
    if not files:
        print("\n  (no worker profiles were written)")
        return
    stream = io.StringIO()
    stats = pstats.Stats(str(files[0]), stream=stream)
    for extra in files[1:]:
        stats.add(str(extra))
    stats.strip_dirs()
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    print(f"\n  cProfile of {len(files)} gunicorn workers, whole run\n")
    print(stream.getvalue())


# -- the whole run -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    load_before = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="kmrg-load-"))
    database_url = arguments.database
    if database_url == "sqlite":
        database_url = f"sqlite:///{folder / 'instance' / 'kmrg.sqlite3'}"
    instance = load_instance.Instance(
        folder, database_url, load_instance.free_port(), arguments.search_backend
    )

    def interrupt(_signal: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    # Also SIGINT: a shell starts background jobs with it ignored, and Ctrl-C must always stop.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, interrupt)
    profile_folder = folder / "profiles" if arguments.profile else None
    try:
        began = time.monotonic()
        loaded = set_up(instance, arguments)
        plan = Plan(
            pages={},
            queries=load_instance.make_queries(loaded["texts"], arguments.queries, arguments.seed),
            accounts=loaded["accounts"],
            password=instance.password,
            words=sorted({w for words in loaded["texts"] for w in words}),
            think=arguments.think,
        )
        if profile_folder is not None:
            profile_folder.mkdir()
        say(f"Starting gunicorn ({arguments.workers} workers) and kmrg search worker")
        load_instance.start(instance, arguments.workers, profile_folder)
        load_instance.wait_until_serving(instance, arguments.workers)
        warm_up(instance, plan, arguments.workers)
        say(
            f"Set up in {time.monotonic() - began:.0f} s; {arguments.users} users for "
            f"{arguments.duration:.0f} s on port {instance.port}"
        )
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        samples, seconds = run_users(instance, plan, arguments)
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        loaded["client cpu"] = (cpu_after.ru_utime + cpu_after.ru_stime) - (
            cpu_before.ru_utime + cpu_before.ru_stime
        )
        load_instance.stop(instance)
        report(samples, seconds, instance, arguments, loaded, load_before)
        if profile_folder is not None:
            print_profile(profile_folder)
        return 0
    except KeyboardInterrupt:
        say("Interrupted: stopping")
        return 130
    finally:
        load_instance.stop(instance)
        if arguments.keep:
            say(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
