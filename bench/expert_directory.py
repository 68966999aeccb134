"""How the expert directory's search and ranking hold up as the directory grows.

    .venv/bin/python bench/expert_directory.py [--experts 2000] [--evidence-share 0.1]

Creates a throw-away SQLite database and search index, adds `--experts` members with public expert
profiles through the real services (random province, languages and themes), and publishes a case
study owned by a share of them, so ranking has evidence to weigh. Then it times
`search_experts` — what one /experts/ page does — for a few typical searches, as an anonymous
visitor and as a member, and reports latency, SQL statements and peak Python memory per search.
It prints figures; it asserts nothing about time. See bench/README.md.
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

SCENARIOS = {
    "everyone (no filter)": {},
    "theme": {"theme": "revenue-collection"},
    "text": {"text": "revenue collection"},
    "text + province + language": {
        "text": "revenue collection",
        "province": "KZN",
        "language": "zu",
    },
    "province + category": {"province": "GP", "category": "A"},
}


def build(app: Any, experts: int, evidence_share: float, seed: int) -> None:
    from kmrg.auth.models import AccountStatus, Role, User
    from kmrg.auth.services import hash_password
    from kmrg.casestudies import services as case_studies
    from kmrg.casestudies.models import SECTIONS
    from kmrg.casestudies.owners import OwnerEntry
    from kmrg.experts.models import ExpertiseLevel, Language
    from kmrg.experts.services import ExpertiseEntry, ProfileDetails, create_expert_profile
    from kmrg.extensions import db
    from kmrg.models import utcnow
    from kmrg.organisations.models import Organisation
    from kmrg.organisations.services import import_reference_organisations
    from kmrg.search.pipeline import get_pipeline
    from kmrg.themes.models import Theme
    from kmrg.themes.services import ensure_starter_themes

    rng = random.Random(seed)
    session = db.session
    import_reference_organisations(session)
    ensure_starter_themes(session)
    session.commit()
    municipalities = [o for o in session.query(Organisation) if o.kind.is_municipality]
    themes = list(session.query(Theme))
    password_hash = hash_password("bench-password-not-secret")
    admin = User(
        name="Bench Admin",
        email="admin@bench.example.org",
        role=Role.ADMIN,
        status=AccountStatus.ACTIVE,
        password_hash=password_hash,
        password_changed_at=utcnow(),
    )
    session.add(admin)
    session.commit()
    for number in range(experts):
        organisation = rng.choice(municipalities)
        person = User(
            name=f"Expert {number}",
            email=f"expert{number}@bench.example.org",
            organisation=organisation,
            status=AccountStatus.ACTIVE,
            password_hash=password_hash,
            password_changed_at=utcnow(),
        )
        session.add(person)
        session.flush()
        chosen = rng.sample(themes, rng.randint(1, 3))
        create_expert_profile(
            session,
            person,
            ProfileDetails(
                headline=f"{chosen[0].name} in {organisation.name}",
                biography=f"Worked on {', '.join(t.name.lower() for t in chosen)} for years.",
                province=organisation.province,
                languages=rng.sample(list(Language), rng.randint(1, 3)),
                expertise=[
                    ExpertiseEntry(level=rng.choice(list(ExpertiseLevel)), theme=theme)
                    for theme in chosen
                ],
                availability=["offers_peer_assist"],
                visibility=rng.choice(["public", "public", "members"]),
            ),
        )
        if rng.random() < evidence_share:
            case_study = case_studies.create_case_study(
                session,
                person,
                case_studies.CaseStudyData(
                    title=f"Case study {number} on {chosen[0].name}",
                    summary="What a municipality did, for the benchmark.",
                    organisation_id=organisation.id,
                    sections={name: f"{label} of the benchmark." for name, label in SECTIONS},
                    theme_ids=[chosen[0].id],
                    owners=[OwnerEntry(user=person, role="Project owner")],
                ),
            )
            case_studies.submit_case_study(session, person, case_study)
            case_studies.publish_case_study(session, admin, case_study)
        if number % 200 == 199:
            session.commit()
    session.commit()
    get_pipeline().drain(wait_for_lock=True)


def measure(app: Any, rounds: int) -> None:
    from flask_login import AnonymousUserMixin
    from sqlalchemy import event, select

    from kmrg.auth.models import User
    from kmrg.experts.directory import search_experts
    from kmrg.experts.queries import ExpertFilters
    from kmrg.extensions import db

    member = db.session.scalar(select(User).where(User.email == "expert0@bench.example.org"))
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    print(
        f"{'search':30} {'viewer':9} {'found':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'SQL':>5} {'peak MiB':>9}"
    )
    for name, values in SCENARIOS.items():
        for label, viewer in (("anonymous", AnonymousUserMixin()), ("member", member)):
            filters = ExpertFilters(**values)
            timings = []
            with app.test_request_context("/experts/"):
                search_experts(db.session, filters, viewer)  # warm the searcher and caches
                for _ in range(rounds):
                    start = time.perf_counter()
                    page = search_experts(db.session, filters, viewer)
                    timings.append((time.perf_counter() - start) * 1000)
                    db.session.expire_all()
                statements = 0
                event.listen(db.engine, "before_cursor_execute", count)
                tracemalloc.start()
                search_experts(db.session, filters, viewer)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                event.remove(db.engine, "before_cursor_execute", count)
            p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
            print(
                f"{name:30} {label:9} {page.total:6d} {statistics.median(timings):8.1f} "
                f"{p95:8.1f} {statements:5d} {peak / 2**20:9.1f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--experts", type=int, default=2000)
    parser.add_argument("--evidence-share", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="leave the temporary folder")
    options = parser.parse_args()
    # Without a mail server the Hub logs every e-mail; the review notices would bury the figures.
    logging.getLogger("kmrg.mail").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from flask_migrate import upgrade

    from kmrg import create_app
    from kmrg.extensions import db

    workdir = Path(tempfile.mkdtemp(prefix="kmrg-bench-directory-"))
    try:
        app = create_app(
            {
                "SECRET_KEY": "bench-secret-key-not-for-production",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'hub.sqlite3'}",
                "SEARCH_DIR": str(workdir / "search-index"),
                "SEARCH_INDEXING": "inline",
                "UPLOAD_DIR": str(workdir / "uploads"),
                "RATELIMIT_ENABLED": False,
                "MAIL_SERVER": None,
                "MAIL_OUTBOX": [],
                "SERVER_NAME": "hub.bench",
            },
            instance_path=str(workdir / "instance"),
        )
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            build(app, options.experts, options.evidence_share, options.seed)
            print(
                f"{options.experts} experts, ~{options.evidence_share:.0%} with a published case "
                f"study, built in {time.perf_counter() - start:.0f} s\n"
            )
            measure(app, options.rounds)
            db.session.remove()
            db.engine.dispose()
    finally:
        if options.keep:
            print(f"\nkept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
