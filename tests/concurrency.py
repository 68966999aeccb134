"""Run requests at the same moment from several threads, and make a race happen every time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

TIMEOUT = 60


def all_at_once(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Run `action(0)` … `action(count - 1)` in threads released together; return each outcome.

    An outcome is what the action returned, or the exception it raised.
    """
    outcomes: list[Any] = [None] * count
    start = threading.Barrier(count, timeout=TIMEOUT)

    def run(number: int) -> None:
        start.wait()
        try:
            outcomes[number] = action(number)
        except Exception as error:  # the thread's failure is the test's to report
            outcomes[number] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    return outcomes


def wait_for_each_other_after(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, count: int
) -> None:
    """Hold each thread after its first call of `owner.name` until `count` threads made theirs.

    Only for PostgreSQL: there, every request looks (for a free slug, for a clash) before any
    writes, so the race the code must survive happens every time. SQLite's writers take turns
    (BEGIN IMMEDIATE), so holding one there would hold the others out: they never arrive.
    """
    everyone = threading.Barrier(count, timeout=TIMEOUT)
    original = getattr(owner, name)
    arrived: set[int] = set()

    def held(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if threading.get_ident() not in arrived:
            arrived.add(threading.get_ident())
            everyone.wait()
        return result

    monkeypatch.setattr(owner, name, held)
