"""Throttle rules in the database, called directly with a clock the test drives (no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kmrg.auth import services, throttling
from kmrg.auth.models import Throttle
from kmrg.auth.throttling import Backoff, Window

T0 = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)
SIGN_IN = throttling.SIGN_IN_PER_ACCOUNT
SECRET = "test-secret-key-not-for-production"


def seconds(n: float) -> timedelta:
    return timedelta(seconds=n)


def test_backoff_allows_five_then_waits_twice_as_long_each_time_up_to_fifteen_minutes(session):
    now = T0
    for _ in range(5):
        assert throttling.count_attempt(session, SIGN_IN, "someone@example.org", now).allowed
    waits = []
    for _ in range(12):
        refused = throttling.count_attempt(session, SIGN_IN, "someone@example.org", now)
        assert not refused.allowed
        waits.append(refused.retry_after_seconds)
        # One moment too early is still refused; at the moment named, the attempt counts.
        early = now + refused.retry_after - seconds(0.001)
        assert not throttling.count_attempt(session, SIGN_IN, "someone@example.org", early).allowed
        now += refused.retry_after
        assert throttling.count_attempt(session, SIGN_IN, "someone@example.org", now).allowed
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]


def test_the_wait_stays_at_the_cap_however_long_the_guessing_goes_on():
    assert SIGN_IN.wait_after(4) == timedelta(0)
    assert SIGN_IN.wait_after(10_000) == SIGN_IN.cap


def test_refused_attempts_do_not_make_the_wait_longer(session):
    for _ in range(6):
        throttling.count_attempt(session, SIGN_IN, "someone@example.org", T0)
    for _ in range(50):
        refused = throttling.count_attempt(session, SIGN_IN, "someone@example.org", T0 + seconds(1))
        assert refused.retry_after == seconds(1)
    later = T0 + seconds(2)
    assert throttling.count_attempt(session, SIGN_IN, "someone@example.org", later).allowed


def test_a_day_without_attempts_forgets_them(session):
    for _ in range(8):
        throttling.count_attempt(session, SIGN_IN, "someone@example.org", T0)
    later = T0 + timedelta(days=1)
    for _ in range(5):
        assert throttling.count_attempt(session, SIGN_IN, "someone@example.org", later).allowed
    assert not throttling.count_attempt(session, SIGN_IN, "someone@example.org", later).allowed


def test_keys_are_counted_apart_and_stored_as_digests(session):
    for _ in range(6):
        throttling.count_attempt(session, SIGN_IN, "someone@example.org", T0)
    assert throttling.count_attempt(session, SIGN_IN, "other@example.org", T0).allowed
    stored = session.scalars(select(Throttle.key)).all()
    assert "someone@example.org" not in stored
    assert throttling.digest("someone@example.org") in stored


def test_check_allowance_counts_nothing(session):
    rule = Window("test", limit=2, period=timedelta(hours=1))
    assert throttling.check_allowance(session, rule, "k", T0).allowed
    throttling.count_attempt(session, rule, "k", T0)
    assert throttling.check_allowance(session, rule, "k", T0).allowed
    throttling.count_attempt(session, rule, "k", T0)
    refused = throttling.check_allowance(session, rule, "k", T0 + timedelta(minutes=20))
    assert not refused.allowed
    assert refused.wait_in_words == "40 minutes"
    assert throttling.check_allowance(session, rule, "k", T0 + timedelta(hours=1)).allowed


def test_window_allows_its_limit_per_period_counted_from_the_first(session):
    rule = Window("test", limit=3, period=timedelta(minutes=10))
    decisions = [
        throttling.count_attempt(session, rule, "k", T0 + timedelta(minutes=m)) for m in (0, 1, 2)
    ]
    assert all(d.allowed for d in decisions)
    refused = throttling.count_attempt(session, rule, "k", T0 + timedelta(minutes=3))
    assert not refused.allowed
    assert refused.retry_after == timedelta(minutes=7)
    assert throttling.count_attempt(session, rule, "k", T0 + timedelta(minutes=10)).allowed


def test_give_back_returns_one_attempt_and_clear_forgets_all(session):
    rule = Window("test", limit=2, period=timedelta(hours=1))
    throttling.count_attempt(session, rule, "k", T0)
    throttling.count_attempt(session, rule, "k", T0)
    throttling.give_back_attempt(session, rule, "k")
    assert throttling.count_attempt(session, rule, "k", T0).allowed
    assert not throttling.count_attempt(session, rule, "k", T0).allowed
    throttling.clear_attempts(session, rule, "k")
    assert throttling.count_attempt(session, rule, "k", T0).allowed


def test_forgotten_rows_are_pruned_as_the_scope_is_written(session):
    rule = Backoff("test", free=1, cap=timedelta(minutes=1), forget_after=timedelta(hours=1))
    other = Window("other", limit=1, period=timedelta(minutes=1))
    for number in range(5):
        throttling.count_attempt(session, rule, f"old{number}", T0)
    throttling.count_attempt(session, other, "kept", T0)
    throttling.count_attempt(session, rule, "new", T0 + timedelta(minutes=59))
    assert _rows(session) == 7

    throttling.count_attempt(session, rule, "new", T0 + timedelta(hours=1))

    # Only the rule's own forgotten rows go; another scope keeps its rows until it is written.
    assert _rows(session) == 2


def _rows(session) -> int:
    return session.scalar(select(func.count()).select_from(Throttle))


# Sign-in: the account and the client address.


def test_sign_in_counts_the_normalised_address_whether_or_not_it_has_an_account(session, member):
    for email in (member.email, "nobody@example.org"):
        for variant in (email, email.upper(), f"  {email} "):
            assert services.start_sign_in(session, variant, "192.0.2.1", T0).allowed
        services.start_sign_in(session, email, "192.0.2.1", T0)
        services.start_sign_in(session, email, "192.0.2.1", T0)
        refused = services.start_sign_in(session, email.title(), "192.0.2.1", T0)
        assert (refused.allowed, refused.scope, refused.retry_after_seconds) == (
            False,
            "sign-in-account",
            2,
        )


def test_one_address_may_try_thirty_accounts_in_ten_minutes(session):
    for number in range(30):
        assert services.start_sign_in(session, f"p{number}@example.org", "192.0.2.1", T0).allowed
    refused = services.start_sign_in(session, "p30@example.org", "192.0.2.1", T0)
    assert (refused.allowed, refused.scope) == (False, "sign-in-address")
    assert refused.retry_after == timedelta(minutes=10)
    # Another address is not held up, nor is this one ten minutes on.
    assert services.start_sign_in(session, "p30@example.org", "192.0.2.2", T0).allowed
    later = T0 + timedelta(minutes=10)
    assert services.start_sign_in(session, "p31@example.org", "192.0.2.1", later).allowed


def test_tries_the_account_throttle_refused_do_not_count_against_the_address(session):
    for _ in range(40):
        services.start_sign_in(session, "target@example.org", "192.0.2.1", T0)
    for number in range(25):
        assert services.start_sign_in(session, f"p{number}@example.org", "192.0.2.1", T0).allowed


def test_a_right_password_clears_the_account_and_gives_the_address_its_try_back(session):
    for _ in range(4):
        services.start_sign_in(session, "owner@example.org", "192.0.2.1", T0)
    services.finish_sign_in(session, "owner@example.org", "192.0.2.1")
    for _ in range(5):
        assert services.start_sign_in(session, "owner@example.org", "192.0.2.1", T0).allowed
    assert not services.start_sign_in(session, "owner@example.org", "192.0.2.1", T0).allowed


def test_a_password_reset_clears_the_account_throttle(session, member):
    for _ in range(20):
        services.start_sign_in(session, member.email, "192.0.2.1", T0)
    assert not services.start_sign_in(session, member.email, "192.0.2.9", T0).allowed

    token = services.make_password_reset_token(member, SECRET)
    services.reset_password(session, token, "another-fine-passphrase", SECRET, 3600)

    assert services.start_sign_in(session, member.email, "192.0.2.9", T0).allowed


@pytest.mark.parametrize(
    ("seconds_", "words"),
    [(1, "1 second"), (2, "2 seconds"), (59, "59 seconds"), (60, "1 minute"), (61, "2 minutes")],
)
def test_waits_are_said_in_words(seconds_, words):
    assert throttling.Decision(False, seconds(seconds_)).wait_in_words == words
