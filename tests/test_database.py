"""The database behaves under concurrent writers: WAL, busy timeout, BEGIN IMMEDIATE."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kmrg.database import read_only_transactions, transaction_will_write, write_transactions
from kmrg.extensions import db
from kmrg.models import StaleEditError
from kmrg.organisations.models import Organisation
from kmrg.organisations.services import rename_organisation
from kmrg.themes.models import Theme


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite-specific settings")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_requests_that_change_things_take_the_write_lock_up_front(app):
    with app.test_request_context("/", method="POST"):
        assert transaction_will_write()
    with app.test_request_context("/", method="GET"):
        assert not transaction_will_write()
        with write_transactions():
            assert transaction_will_write()
    with read_only_transactions():
        assert not transaction_will_write()


def test_concurrent_read_modify_write_loses_no_update(app, session):
    """Eight writers each add one to a counter 15 times: every increment must survive."""
    theme = Theme(name="Counter", slug="counter", description="0")
    session.add(theme)
    session.commit()
    errors: list[BaseException] = []
    engine = db.engine

    def writer() -> None:
        try:
            for _ in range(15):
                with write_transactions(), Session(engine) as own:
                    # PostgreSQL locks the row; SQLite ignores FOR UPDATE and relies on
                    # BEGIN IMMEDIATE having taken the write lock.
                    row = own.get(Theme, theme.id, with_for_update=True)
                    row.description = str(int(row.description) + 1)
                    own.commit()
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with Session(engine) as fresh:
        assert fresh.get(Theme, theme.id).description == "120"


def test_a_stale_edit_is_refused_not_silently_applied(session, admin, organisation):
    version_seen_by_both = organisation.version
    rename_organisation(session, admin, organisation, "First editor's name", version_seen_by_both)
    session.commit()
    with pytest.raises(StaleEditError):
        rename_organisation(session, admin, organisation, "Second editor", version_seen_by_both)
    session.rollback()
    fresh = session.execute(
        sa.select(Organisation.name).where(Organisation.id == organisation.id)
    ).scalar_one()
    assert fresh == "First editor's name"
