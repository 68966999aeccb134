"""Fixtures shared by the whole suite: a real database (SQLite, or PostgreSQL when
KMRG_TEST_DATABASE_URL is set), migrated once per run and emptied after every test.

KMRG_TEST_SEARCH_BACKEND names the search backend the apps use ('whoosh' by default; 'postgres'
needs KMRG_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.orm import Session

from kmrg import create_app
from kmrg.auth.models import AccountStatus, ProfileVisibility, Role, User
from kmrg.extensions import db
from kmrg.models import Base
from kmrg.organisations.models import Organisation, OrganisationKind, Province
from kmrg.search.postgres_index import TABLES as SEARCH_TABLES
from tests import factories

POSTGRES_URL = os.environ.get("KMRG_TEST_DATABASE_URL")
# Every app a test makes, make_app's or not, sends its mail after each commit only: a mail sweep
# thread outliving its test could claim another test's messages. Tests of the sweep start one.
os.environ["KMRG_MAIL_SWEEP_SECONDS"] = "0"
SEARCH_BACKEND = os.environ.get("KMRG_TEST_SEARCH_BACKEND", "whoosh")
# The Hub's processes the suite starts (kmrg commands, servers) run as on a developer's machine;
# production's refusal to start without KMRG_BASE_URL is tested on its own (tests/test_hosts.py).
os.environ["KMRG_ENV"] = "development"


def normalise_url(url: str) -> str:
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)


_migrated_postgres: list[str] = []


def migrate_test_database() -> str:
    """Return the PostgreSQL test database's URL, emptied and migrated to head once per run.

    Shared by the `database_url` fixture and the search backend tests, which need the PostgreSQL
    backend's tables without an app; whichever comes first prepares the database.
    """
    if _migrated_postgres:
        return _migrated_postgres[0]
    assert POSTGRES_URL, "KMRG_TEST_DATABASE_URL is not set"
    url = normalise_url(POSTGRES_URL)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            # The test database belongs to the suite: start from an empty schema.
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    except sa.exc.OperationalError as error:
        pytest.skip(f"KMRG_TEST_DATABASE_URL is set but PostgreSQL is not reachable: {error}")
    finally:
        engine.dispose()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(url, Path(folder))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        _created_apps.remove(app)
    _migrated_postgres.append(url)
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not POSTGRES_URL:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'hub.sqlite3'}"
    return migrate_test_database()


def make_app(database_url: str, tmp_path: Path, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SEARCH_BACKEND": SEARCH_BACKEND,
        "SEARCH_DIR": str(tmp_path / "search-index"),
        "SEARCH_INDEXING": "inline",
        "ATTACHMENT_EXTRACTION": "inline",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        "MAIL_OUTBOX": [],
        "SERVER_NAME": "hub.test",
    }
    config.update(overrides)
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    _created_apps.append(app)
    return app


_created_apps: list[Flask] = []


def outlive_the_test(app: Flask) -> Flask:
    """Keep `app` open after the test that made it: its maker (a module's fixture) closes it."""
    _created_apps.remove(app)
    return app


@pytest.fixture(autouse=True)
def _close_every_app_after_the_test() -> Iterator[None]:
    """Close the connections and searchers of every app a test made, so none leak."""
    yield
    while _created_apps:
        made = _created_apps.pop()
        with made.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
            made.extensions["kmrg.search"].backend.close()


@pytest.fixture(scope="session")
def migrated(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    app = make_app(database_url, tmp_path_factory.mktemp("migrate"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def empty_database(engine: sa.Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)] + ["alembic_version"]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # The PostgreSQL search backend's index too (its tables exist on PostgreSQL only).
            tables += [table.name for table in SEARCH_TABLES]
            names = ", ".join(t for t in tables if t != "alembic_version")
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                if table != "alembic_version":
                    connection.exec_driver_sql(f"DELETE FROM {table}")  # noqa: S608


@pytest.fixture
def app(migrated: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(migrated, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        empty_database(db.engine)
        app.extensions["kmrg.search"].backend.close()
        db.engine.dispose()


@pytest.fixture
def session(app: Flask) -> Session:
    """The test's own unit of work (requests made by the client get theirs)."""
    return db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def outbox(app: Flask) -> list:
    """Every e-mail the Hub sent during the test."""
    return app.config["MAIL_OUTBOX"]


# People and places, named after their roles in the story.


@pytest.fixture
def organisation(session: Session) -> Organisation:
    return factories.make_organisation(
        session,
        code="BUF",
        name="Buffalo City Metropolitan Municipality",
        kind=OrganisationKind.METROPOLITAN,
        province=Province.EC,
    )


@pytest.fixture
def other_organisation(session: Session) -> Organisation:
    return factories.make_organisation(
        session,
        code="KZN225",
        name="Msunduzi Local Municipality",
        kind=OrganisationKind.LOCAL,
        province=Province.KZN,
    )


@pytest.fixture
def admin(session: Session) -> User:
    return factories.make_user(session, name="Ayanda Admin", role=Role.ADMIN)


@pytest.fixture
def champion(session: Session, organisation: Organisation) -> User:
    return factories.make_user(
        session, name="Thandi Champion", role=Role.CHAMPION, organisation=organisation
    )


@pytest.fixture
def member(session: Session, organisation: Organisation) -> User:
    return factories.make_user(
        session,
        name="Sipho Member",
        organisation=organisation,
        profile_visibility=ProfileVisibility.MEMBERS,
    )


@pytest.fixture
def applicant(session: Session, organisation: Organisation) -> User:
    return factories.make_user(
        session,
        name="Lerato Applicant",
        organisation=organisation,
        status=AccountStatus.PENDING,
    )


@pytest.fixture
def outsider_champion(session: Session, other_organisation: Organisation) -> User:
    return factories.make_user(
        session, name="Nomvula Elsewhere", role=Role.CHAMPION, organisation=other_organisation
    )
