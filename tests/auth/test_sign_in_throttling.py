"""Sign-in throttling through the real app, and shared by several worker processes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kmrg.auth import services, throttling
from tests.factories import PASSWORD, post, sign_in

REPOSITORY = Path(__file__).resolve().parents[2]
PROCESS_TIMEOUT = 180.0
FREE = throttling.SIGN_IN_PER_ACCOUNT.free


class Clock:
    """The throttle's clock, standing still until the test moves it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(throttling, "utcnow", clock)
    return clock


def text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def guess(client, email: str, password: str = "wrong-password"):  # noqa: S107 (a guess)
    return post(client, "/login", {"email": email, "password": password})


def reset_password_by_email(client, email: str, outbox, new_password: str) -> None:
    """Ask for a reset link, follow it from the e-mail and set a new password."""
    post(client, "/password/reset", {"email": email})
    link = re.search(r"https?://\S+/password/reset/\S+", outbox[-1].get_content()).group(0)
    path = "/password/reset/" + link.rsplit("/password/reset/", 1)[1]
    response = post(client, path, {"password": new_password, "confirm": new_password})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_after_five_wrong_passwords_the_page_says_how_long_to_wait_and_offers_a_reset(
    client, member, clock
):
    answers = [guess(client, member.email) for _ in range(FREE)]
    assert [a.status_code for a in answers] == [200] * FREE
    assert all("do not match an account" in a.get_data(as_text=True) for a in answers)

    refused = guess(client, member.email, PASSWORD)  # even the right password waits its turn

    page = text(refused)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
    assert "too many sign-in attempts for this e-mail address. Wait 2 seconds" in page
    assert 'href="/password/reset"' in page
    assert client.get("/account").status_code == 302

    clock.advance(seconds=2)
    sign_in(client, member)


def test_the_wait_grows_and_the_owner_gets_in_through_the_reset_link(
    client, session, member, clock, outbox
):
    checked = 0
    while checked < FREE + 9:  # guesses as fast as the throttle lets them, from many addresses
        attempt = services.start_sign_in(session, member.email, f"198.51.100.{checked}")
        if attempt.allowed:
            checked += 1
        else:
            clock.advance(seconds=attempt.retry_after_seconds)
    session.commit()

    refused = guess(client, member.email, PASSWORD)
    assert refused.status_code == 429
    assert "Wait 15 minutes" in text(refused)  # 2 s, 4 s, 8 s … 512 s, then the cap

    reset_password_by_email(client, member.email, outbox, "owner-is-back-at-last")

    sign_in(client, member, "owner-is-back-at-last")
    assert client.get("/account").status_code == 200


def test_an_address_without_an_account_is_answered_the_same(client, member, clock):
    def answers(email: str) -> list[tuple[int, str]]:
        responses = [guess(client, email) for _ in range(FREE + 1)]
        return [
            (r.status_code, re.sub(r'value="[^"]*"', "", r.get_data(as_text=True)))
            for r in responses
        ]

    assert answers(member.email) == answers("nobody.here@example.org")


def test_one_address_may_not_spray_more_than_thirty_accounts(client, session, member, clock):
    for number in range(29):  # the test client's address, as the view counts it
        assert services.start_sign_in(session, f"person{number}@example.org", "127.0.0.1").allowed
    session.commit()
    assert guess(client, "person29@example.org").status_code == 200

    refused = guess(client, member.email, PASSWORD)

    assert refused.status_code == 429
    assert "too many sign-in attempts from your network. Wait 10 minutes" in text(refused)
    assert refused.headers["Retry-After"] == "600"
    clock.advance(minutes=10)
    sign_in(client, member)


def test_a_right_password_forgets_the_wrong_ones(client, member, clock):
    for _ in range(FREE - 1):
        guess(client, member.email)
    sign_in(client, member)
    post(client, "/logout")
    statuses = [guess(client, member.email).status_code for _ in range(FREE + 1)]
    assert statuses == [200] * FREE + [429]


# Several worker processes on one database.


def start_guessers(app, tmp_path: Path, email: str, now: datetime, count: int, attempts: int):
    start = tmp_path / "start"
    processes = []
    for number in range(count):
        command = [
            sys.executable,
            "-m",
            "tests.auth.sign_in_workers",
            "--database-url",
            app.config["SQLALCHEMY_DATABASE_URI"],
            "--workdir",
            str(tmp_path / f"worker{number}"),
            "--email",
            email,
            "--attempts",
            str(attempts),
            "--now",
            now.isoformat(),
            "--start-file",
            str(start),
        ]
        processes.append(
            subprocess.Popen(
                command, cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        )
    try:
        for process in processes:
            assert process.stdout.readline().strip() == "ready", process.stderr.read()
        start.touch()
        statuses = []
        for process in processes:
            out, err = process.communicate(timeout=PROCESS_TIMEOUT)
            assert process.returncode == 0, err
            statuses += json.loads(out.strip().splitlines()[-1])["statuses"]
        return statuses
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()


@pytest.mark.slow
def test_four_workers_allow_one_account_no_more_guesses_than_one_worker(
    app, client, member, clock, outbox, tmp_path
):
    one_worker = [guess(client, "someone.else@example.org").status_code for _ in range(40)]

    four_workers = start_guessers(app, tmp_path, member.email, clock.now, count=4, attempts=10)

    assert one_worker.count(200) == FREE
    assert len(four_workers) == 40
    assert four_workers.count(200) == FREE  # wrong passwords checked: the rest were refused
    assert four_workers.count(429) == 40 - FREE
    # The owner, refused like the attacker, gets in through the e-mailed reset link.
    assert guess(client, member.email, PASSWORD).status_code == 429
    reset_password_by_email(client, member.email, outbox, "owner-is-back-at-last")
    sign_in(client, member, "owner-is-back-at-last")
