"""A fresh Hub for bench/load.py, served as in production: gunicorn workers and a search worker.

The instance lives in a temporary folder (SQLite database, secret key, search index, uploads,
logs). It is set up with the same commands `python3 dev.py run` uses (`kmrg db upgrade`,
`kmrg demo`), optionally scaled up with generated lessons (bench/search_corpus.py) and indexed
with `kmrg search rebuild`. Then gunicorn serves it on 127.0.0.1 with
KMRG_SEARCH_INDEXING=worker beside one `kmrg search worker` process (README, "Running it for
real"). Each process gets its own process group, so stopping kills everything it started.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from load_users import Account

HOST = "127.0.0.1"
SECRET_KEY = "load-bench-secret-key-not-for-production"  # noqa: S105 (a throw-away instance)
# gunicorn's access log, one line a request: the bench's kind and page (request headers the
# simulated browser sends), the status and the time the worker spent on it (microseconds).
ACCESS_LOG_FORMAT = "%({x-bench-kind}i)s %({x-bench-page}i)s %(s)s %(D)s"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def sqlalchemy_url(url: str) -> str:
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)


@dataclass
class Instance:
    """Where the Hub under test keeps everything, and how its processes are told so."""

    folder: Path
    database_url: str
    port: int
    search_backend: str = "whoosh"
    password: str = field(default_factory=lambda: "load-" + secrets.token_urlsafe(12))
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def logs(self) -> Path:
        return self.folder / "logs"

    @property
    def ready(self) -> Path:
        return self.folder / "ready"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            KMRG_INSTANCE_PATH=str(self.folder / "instance"),
            KMRG_DATABASE_URL=self.database_url,
            KMRG_SECRET_KEY=SECRET_KEY,
            KMRG_DEMO_PASSWORD=self.password,
            KMRG_SEARCH_INDEXING="worker",
            KMRG_SEARCH_BACKEND=self.search_backend,
            # Served as in production: the public address is required, and the only host
            # answered.
            KMRG_BASE_URL=self.base_url,
        )
        return env

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def app(self) -> Any:
        """Build the app in this process, for setting up and reading what to visit."""
        from kmrg import create_app

        config = {
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(self.database_url),
            "SEARCH_INDEXING": "worker",  # this process queues, the search worker indexes
            "SEARCH_BACKEND": self.search_backend,
            "SEARCH_INDEXER_AUTOSTART": False,
            "SEARCH_DIR": str(self.folder / "instance" / "search-index"),
            "SECRET_KEY": SECRET_KEY,
            "BASE_URL": self.base_url,
        }
        return create_app(config, instance_path=str(self.folder / "instance"))


def empty_postgres(url: str) -> None:
    """Start a PostgreSQL database from an empty schema (it belongs to the bench, as a test one)."""
    import sqlalchemy as sa

    engine = sa.create_engine(sqlalchemy_url(url))
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


def kmrg_command() -> list[str]:
    script = Path(sys.executable).with_name("kmrg")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from kmrg.cli import main; main()"]


def run_command(instance: Instance, *args: str) -> None:
    """Run a `kmrg` command to completion, its output kept in the logs folder."""
    instance.logs.mkdir(parents=True, exist_ok=True)
    log = instance.logs / f"kmrg-{args[0]}-{args[1] if len(args) > 1 else ''}.log"
    with log.open("w") as output:
        result = subprocess.run(
            [*kmrg_command(), *args],
            env=instance.environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"kmrg {' '.join(args)} failed:\n{log.read_text()[-3000:]}")


def add_generated_lessons(instance: Instance, count: int, seed: int) -> int:
    """Write `count` generated published-or-draft lessons into the real tables; return public."""
    from search_corpus import load_corpus

    from kmrg.extensions import db

    app = instance.app()
    with app.app_context():
        loaded = load_corpus(db.session, count, seed)
        db.session.remove()
        db.engine.dispose()
    return loaded.public


# -- what the users visit and type -------------------------------------------------------------


def demo_accounts(instance: Instance) -> list[Account]:
    """Return the active demo people who may start case studies, with the experts they may write.

    Only experts with accounts: a conversation with them takes replies. The administrator is left
    out (the Hub's own operator, not a typical member).
    """
    from sqlalchemy import select

    from kmrg.auth.models import AccountStatus, Role, User
    from kmrg.experts.models import ExpertProfile
    from kmrg.extensions import db
    from kmrg.inbox.permissions import contact_refusal

    app = instance.app()
    accounts = []
    with app.test_request_context():
        people = db.session.scalars(
            select(User)
            .where(User.status == AccountStatus.ACTIVE, User.organisation_id.is_not(None))
            .where(User.email.like("%@example.org"), User.role != Role.ADMIN)
            .order_by(User.email)
        ).all()
        profiles = db.session.scalars(
            select(ExpertProfile).where(ExpertProfile.user_id.is_not(None))
        ).all()
        for person in people:
            contactable = [p.slug for p in profiles if contact_refusal(person, p) is None]
            accounts.append(Account(person.email, contactable))
        db.session.remove()
        db.engine.dispose()
    return accounts


WORD = re.compile(r"[A-Za-z]{4,}")
COMMON = {"with", "from", "that", "this", "what", "their", "they", "were", "have", "into"}


def demo_words(instance: Instance) -> list[list[str]]:
    """Return the words of each demo case study's and demo lesson's title and summary."""
    from sqlalchemy import select

    from kmrg.casestudies.models import CaseStudy, CaseStudyStatus
    from kmrg.extensions import db
    from kmrg.lessons.models import Lesson

    app = instance.app()
    texts: list[str] = []
    with app.app_context():
        texts += [
            f"{title} {summary}"
            for title, summary in db.session.execute(
                select(CaseStudy.title, CaseStudy.summary).where(
                    CaseStudy.status == CaseStudyStatus.PUBLISHED
                )
            )
        ]
        # The demo's lessons come from its case studies; generated ones have no source.
        texts += [
            f"{title} {lesson}"
            for title, lesson in db.session.execute(
                select(Lesson.title, Lesson.lesson).where(Lesson.source_type.is_not(None))
            )
        ]
        db.session.remove()
        db.engine.dispose()
    return [[w.lower() for w in WORD.findall(text) if w.lower() not in COMMON] for text in texts]


def misspell(word: str, rng: random.Random) -> str:
    """Swap two neighbouring letters, drop one or double one: a typing slip."""
    at = rng.randrange(1, len(word) - 1)
    slip = rng.choice(["swap", "drop", "double"])
    if slip == "swap":
        return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    if slip == "drop":
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at] + word[at:]


FILTERS = [
    "type:lesson",
    "type:case-study",
    "type:expert",
    "province:GP",
    "province:KZN",
    'province:"Eastern Cape"',
    "province:WC",
    "theme:revenue-collection",
    "theme:integrated-development-planning",
    "stage:validated",
    "year:2019",
    "year:2023",
]


def make_queries(texts: list[list[str]], count: int, seed: int) -> list[tuple[str, str]]:
    """Return (label, query) pairs: plain words, a phrase, a misspelling, words with a filter."""
    rng = random.Random(seed)
    texts = [words for words in texts if len(words) >= 3]
    queries = []
    plan = ["plain"] * 45 + ["phrase"] * 10 + ["misspelt"] * 20 + ["filtered"] * 25
    for position in range(count):
        kind = plan[position * len(plan) // count]
        words = rng.choice(texts)
        start = rng.randrange(len(words) - 1)
        if kind == "plain":
            query = " ".join(rng.sample(words, rng.choice([1, 1, 2, 2, 3])))
        elif kind == "phrase":
            query = f'"{words[start]} {words[start + 1]}"'
        elif kind == "misspelt":
            query = misspell(words[start], rng)
            if rng.random() < 0.5:
                query += " " + words[start + 1]
        else:
            query = f"{words[start]} {rng.choice(FILTERS)}"
        queries.append((f"search ({kind})", query))
    rng.shuffle(queries)
    return queries


# -- processes ---------------------------------------------------------------------------------

# gunicorn's hooks: each worker says when it has loaded the app (so the load starts with every
# worker serving), and with --profile runs under cProfile from then until it exits.
GUNICORN_HOOKS = """
import cProfile
import os
from pathlib import Path

READY = Path({ready!r})
PROFILES = {profiles!r}
_profiler = cProfile.Profile()


def post_worker_init(worker):
    (READY / str(os.getpid())).touch()
    if PROFILES:
        _profiler.enable()


def worker_exit(server, worker):
    if PROFILES:
        _profiler.disable()
        _profiler.dump_stats(os.path.join(PROFILES, f"worker-{{os.getpid()}}.prof"))
"""


def start(instance: Instance, workers: int, profile_folder: Path | None) -> None:
    """Start one `kmrg search worker` and gunicorn with `workers` workers, each in its own group."""
    env = instance.environment()
    instance.logs.mkdir(parents=True, exist_ok=True)
    instance.ready.mkdir(exist_ok=True)
    hooks = instance.folder / "gunicorn_hooks.py"
    profiles = str(profile_folder) if profile_folder is not None else ""
    hooks.write_text(GUNICORN_HOOKS.format(ready=str(instance.ready), profiles=profiles))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hooks.parent), env.get("PYTHONPATH")]))

    def spawn(name: str, command: list[str]) -> None:
        output = (instance.logs / f"{name}.log").open("w")
        instance.processes.append(
            subprocess.Popen(
                command,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        output.close()

    spawn("search-worker", [*kmrg_command(), "search", "worker"])
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
    gunicorn += ["--bind", f"{HOST}:{instance.port}", "--config", f"python:{hooks.stem}"]
    gunicorn += ["--access-logfile", str(instance.logs / "access.log")]
    gunicorn += ["--access-logformat", ACCESS_LOG_FORMAT]
    spawn("gunicorn", [*gunicorn, "kmrg:create_app()"])


def wait_until_serving(instance: Instance, workers: int, timeout: float = 180.0) -> None:
    """Wait until every gunicorn worker has loaded the app and the home page answers 200."""
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in instance.processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[:3]} exited early; see {instance.logs}")
        if len(list(instance.ready.iterdir())) < workers:
            time.sleep(0.5)
            continue
        try:
            connection = http.client.HTTPConnection(HOST, instance.port, timeout=10)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the Hub did not answer on port {instance.port} within {timeout:.0f} s")


def stop(instance: Instance, grace: float = 20.0) -> None:
    """Stop every process: TERM (gunicorn finishes requests, profiles are written), then KILL."""
    for process in instance.processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in instance.processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(max(0.1, deadline - time.monotonic()))
    for process in instance.processes:
        # The whole group: a worker whose master died must not outlive the bench.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    instance.processes.clear()
