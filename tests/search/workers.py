"""A writer process for the search pipeline's multi-process tests.

    python -m tests.search.workers --database-url URL --search-dir DIR --workdir DIR --name WORD

It builds the real app on the shared database and index, prints "ready", waits for the start file
(so several writers really write at once), then commits one person with a public profile per
request, the way the Hub does, and prints a JSON line with their ids. With --linger it then stays
until its background indexer (or another process's) has taken its changes out of the queue; with
--hang it waits to be killed instead of exiting.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from kmrg.auth.models import ProfileVisibility, User
from kmrg.extensions import db
from kmrg.search.models import SearchQueueEntry
from tests.conftest import make_app
from tests.factories import make_user


def create_people(app, name: str, count: int) -> list[int]:
    """Commit `count` people with public profiles, one request each; return their ids."""
    ids = []
    for number in range(count):
        # A POST request: its transaction takes the write lock up front, as in production.
        with app.test_request_context("/", method="POST"):
            user: User = make_user(
                db.session,
                name=f"{name} Person{number}",
                email=f"{name.lower()}.{number}@example.org",
                profile_visibility=ProfileVisibility.PUBLIC,
            )
            ids.append(user.id)
    return ids


def wait_until_indexed(app, ids: list[int], timeout: float) -> bool:
    """Wait until none of these people's profiles wait in the search queue; False on timeout."""
    doc_ids = [str(i) for i in ids]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            waiting = db.session.scalar(
                select(func.count())
                .select_from(SearchQueueEntry)
                .where(SearchQueueEntry.doc_type == "profile", SearchQueueEntry.doc_id.in_(doc_ids))
            )
            db.session.remove()
        if not waiting:
            return True
        time.sleep(0.05)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--search-dir", required=True)
    parser.add_argument("--workdir", required=True, help="this process's own instance folder")
    parser.add_argument("--name", required=True, help="a word in every name, unique to the run")
    parser.add_argument("--count", type=int, default=25)
    parser.add_argument("--indexing", default="background", choices=["background", "inline"])
    parser.add_argument("--sweep-seconds", type=float, default=5.0)
    parser.add_argument("--start-file", help="wait until this file exists before writing")
    parser.add_argument(
        "--linger", type=float, default=0, help="seconds to wait for the indexing of the changes"
    )
    parser.add_argument("--hang", action="store_true", help="after committing, wait to be killed")
    args = parser.parse_args(argv)

    app = make_app(
        args.database_url,
        Path(args.workdir),
        SEARCH_DIR=args.search_dir,
        SEARCH_INDEXING=args.indexing,
        SEARCH_SWEEP_SECONDS=args.sweep_seconds,
    )
    print("ready", flush=True)
    if args.start_file:
        start = Path(args.start_file)
        while not start.exists():
            time.sleep(0.005)
    ids = create_people(app, args.name, args.count)
    print(json.dumps({"ids": ids}), flush=True)
    if args.linger and not wait_until_indexed(app, ids, args.linger):
        print(f"still queued after {args.linger} s", file=sys.stderr)
        return 1
    if args.hang:
        while True:
            time.sleep(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
