"""A web worker process guessing passwords, for the sign-in throttle's multi-process test.

    python -m tests.auth.sign_in_workers --database-url URL --workdir DIR --email E --now ISO

It builds the real app on the shared database, prints "ready", waits for the start file (so
several workers guess at once), then posts `--attempts` wrong passwords for one account to
/login through the whole stack (CSRF, form, view, database), and prints a JSON line with the
status of each. The throttle's clock stands still at `--now`, so waits cannot run out meanwhile
and the count of allowed guesses does not depend on how fast the machine is.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from kmrg.auth import throttling
from tests.conftest import make_app
from tests.factories import csrf_token


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workdir", required=True, help="this process's own instance folder")
    parser.add_argument("--email", required=True)
    parser.add_argument("--attempts", type=int, default=10)
    parser.add_argument("--now", required=True, help="the throttle's clock (ISO 8601, UTC)")
    parser.add_argument("--start-file", required=True)
    args = parser.parse_args(argv)

    frozen = datetime.fromisoformat(args.now)
    throttling.utcnow = lambda: frozen  # type: ignore[assignment]
    workdir = Path(args.workdir)
    app = make_app(args.database_url, workdir, SEARCH_DIR=str(workdir / "search-index"))
    client = app.test_client()
    token = csrf_token(client, "/login")
    print("ready", flush=True)
    start = Path(args.start_file)
    while not start.exists():
        time.sleep(0.005)
    statuses = [
        client.post(
            "/login",
            data={"csrf_token": token, "email": args.email, "password": f"guess-{number}"},
        ).status_code
        for number in range(args.attempts)
    ]
    print(json.dumps({"statuses": statuses}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
