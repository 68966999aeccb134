"""Throttles whose counts live in the database, so that every worker process shares them.

Each attempt is counted *before* the thing it guards is tried (a password checked, an address
looked up), by one conditional UPDATE that raises the count only while the rule still allows it:
two workers can never both take the last free attempt, and nothing is read, changed in Python and
written back. An attempt that turns out fine can be given back. Rows a rule has forgotten are
pruned whenever its scope is written. Whatever depends on the time takes `now`, so tests can
drive the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, delete, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kmrg.auth.models import Throttle
from kmrg.models import utcnow


@dataclass(frozen=True)
class Backoff:
    """`free` attempts, then each further one waits twice as long as the last, up to `cap`.

    After `free` counted attempts the next waits 2 s, then 4 s, 8 s … up to `cap`. A key is
    forgotten `forget_after` its last attempt.
    """

    scope: str
    free: int
    cap: timedelta
    forget_after: timedelta

    def wait_after(self, count: int) -> timedelta:
        """Return how long after the last of `count` attempts the next one is allowed."""
        if count < self.free:
            return timedelta(0)
        # Clamped before it becomes a timedelta: 2**47 seconds would overflow one, and an attacker
        # guessing once per cap keeps the count growing for as long as they like.
        exponent = min(count - self.free + 1, 40)
        return min(timedelta(seconds=2**exponent), self.cap)

    def allows(self, now: datetime) -> ColumnElement[bool]:
        # The wait depends on the count, so the clause lists each count below the cap; they are
        # few (9 for a 15-minute cap), and datetime arithmetic in SQL is not portable.
        capped = self.free
        while self.wait_after(capped) < self.cap:
            capped += 1
        return or_(
            Throttle.count < self.free,
            *(
                and_(Throttle.count == count, Throttle.last_at <= now - self.wait_after(count))
                for count in range(self.free, capped)
            ),
            and_(Throttle.count >= capped, Throttle.last_at <= now - self.cap),
        )

    def forgotten(self, now: datetime) -> ColumnElement[bool]:
        return Throttle.last_at <= now - self.forget_after

    def next_allowed_at(self, count: int, started_at: datetime, last_at: datetime) -> datetime:
        return last_at + self.wait_after(count)


@dataclass(frozen=True)
class Window:
    """At most `limit` attempts in `period`, counted from the first of them."""

    scope: str
    limit: int
    period: timedelta

    @property
    def forget_after(self) -> timedelta:
        return self.period

    def allows(self, now: datetime) -> ColumnElement[bool]:
        return Throttle.count < self.limit

    def forgotten(self, now: datetime) -> ColumnElement[bool]:
        return Throttle.started_at <= now - self.period

    def next_allowed_at(self, count: int, started_at: datetime, last_at: datetime) -> datetime:
        return started_at + self.period


Rule = Backoff | Window

# Sign-in: per account (the normalised e-mail, whether or not an account has it, so answers and
# timings say nothing about which addresses exist) with backoff, and per client address across
# all accounts, against spraying one password over many accounts.
SIGN_IN_PER_ACCOUNT = Backoff(
    "sign-in-account", free=5, cap=timedelta(minutes=15), forget_after=timedelta(days=1)
)
SIGN_IN_PER_ADDRESS = Window("sign-in-address", limit=30, period=timedelta(minutes=10))
# "Someone tried to register with your address" e-mails to one owner.
REGISTRATION_NOTICES = Window("registration-notice", limit=3, period=timedelta(days=1))


@dataclass(frozen=True)
class Decision:
    """Whether an attempt may go ahead, and if not, how long until the next one may."""

    allowed: bool
    retry_after: timedelta = timedelta(0)
    scope: str = ""  # the rule that refused

    @property
    def retry_after_seconds(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds()))

    @property
    def wait_in_words(self) -> str:
        """Say the wait the way a person would: "2 seconds", "4 minutes"."""
        seconds = self.retry_after_seconds
        if seconds < 60:
            return f"{seconds} second{'s' if seconds != 1 else ''}"
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"


def digest(value: str) -> str:
    """Return the key a value is counted under: an HMAC keyed with the app's secret.

    A plain hash of an e-mail or IP address can be reversed by hashing guesses, so a leaked
    table would say who tried to sign in; without the secret, a guess cannot be checked.
    """
    return hmac.new(_throttle_key(), value.encode("utf-8", "surrogatepass"), "sha256").hexdigest()


def _throttle_key() -> bytes:
    # A key of the throttles' own, derived from the secret, so a digest here can never double as
    # a signature the same secret makes for cookies or reset links.
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    return hmac.new(secret, b"kmrg.auth.throttling", hashlib.sha256).digest()


def count_attempt(
    session: Session, rule: Rule, value: str, now: datetime | None = None
) -> Decision:
    """Count one attempt for `value` if `rule` allows one now; flush.

    The count is raised by a single conditional UPDATE, so concurrent attempts from any number of
    processes are counted one after the other and never more than the rule allows. A refused
    attempt is not counted.
    """
    now = now or utcnow()
    key = digest(value)
    _prune(session, rule, key, now)
    mine = and_(Throttle.scope == rule.scope, Throttle.key == key)
    # A run of attempts the rule has forgotten starts again from nothing.
    session.execute(
        update(Throttle)
        .where(mine, rule.forgotten(now))
        .values(count=0, started_at=now, last_at=now)
        .execution_options(synchronize_session=False)
    )
    _insert_if_missing(session, rule.scope, key, now)
    counted = session.execute(
        update(Throttle)
        .where(mine, rule.allows(now))
        .values(count=Throttle.count + 1, last_at=now)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount:
        return Decision(allowed=True)
    return _refusal(session, rule, key, now)


def check_allowance(
    session: Session, rule: Rule, value: str, now: datetime | None = None
) -> Decision:
    """Tell whether `rule` would allow an attempt for `value` now, without counting one."""
    now = now or utcnow()
    key = digest(value)
    refused = session.scalar(
        select(Throttle.key).where(
            Throttle.scope == rule.scope,
            Throttle.key == key,
            ~rule.forgotten(now),
            ~rule.allows(now),
        )
    )
    if refused is None:
        return Decision(allowed=True)
    return _refusal(session, rule, key, now)


def give_back_attempt(session: Session, rule: Rule, value: str) -> None:
    """Uncount one attempt for `value`, one that turned out fine."""
    session.execute(
        update(Throttle)
        .where(Throttle.scope == rule.scope, Throttle.key == digest(value), Throttle.count > 0)
        .values(count=Throttle.count - 1)
        .execution_options(synchronize_session=False)
    )


def clear_attempts(session: Session, rule: Rule, value: str) -> None:
    """Forget every attempt counted for `value` under `rule`."""
    session.execute(
        delete(Throttle)
        .where(Throttle.scope == rule.scope, Throttle.key == digest(value))
        .execution_options(synchronize_session=False)
    )


def _refusal(session: Session, rule: Rule, key: str, now: datetime) -> Decision:
    # Columns, not the entity: the bulk UPDATEs above bypass the session's identity map.
    row = session.execute(
        select(Throttle.count, Throttle.started_at, Throttle.last_at).where(
            Throttle.scope == rule.scope, Throttle.key == key
        )
    ).one()
    wait = max(rule.next_allowed_at(*row) - now, timedelta(seconds=1))
    return Decision(allowed=False, retry_after=wait, scope=rule.scope)


def _insert_if_missing(session: Session, scope: str, key: str, now: datetime) -> None:
    values = {"scope": scope, "key": key, "count": 0, "started_at": now, "last_at": now}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql_insert(Throttle).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite_insert(Throttle).values(values).on_conflict_do_nothing()
    else:  # pragma: no cover - the Hub runs on SQLite and PostgreSQL only
        statement = insert(Throttle).values(values)
    session.execute(statement)


def _prune(session: Session, rule: Rule, key: str, now: datetime) -> None:
    # A row whose last attempt is forgotten is forgotten (the (scope, last_at) index finds them).
    # Rows another transaction holds are left for a later prune (SKIP LOCKED), so pruning never
    # waits on, or deadlocks with, a concurrent attempt; SQLite ignores the clause (its writers
    # take turns anyway).
    stale = (
        select(Throttle.key)
        .where(
            Throttle.scope == rule.scope,
            Throttle.key != key,
            Throttle.last_at <= now - rule.forget_after,
        )
        .limit(500)
        .with_for_update(skip_locked=True)
    )
    session.execute(
        delete(Throttle)
        .where(Throttle.scope == rule.scope, Throttle.key.in_(stale))
        .execution_options(synchronize_session=False)
    )
