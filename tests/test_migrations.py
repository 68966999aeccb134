"""Migrations are the only way the schema is made: head must equal the models, both ways.

On PostgreSQL head also holds the PostgreSQL search backend's tables, which are not models (they
have a MetaData of their own, kmrg.search.postgres_index): head must equal those too, and SQLite
must not have them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from kmrg.extensions import db
from kmrg.models import Base
from kmrg.search import postgres_index
from tests.conftest import POSTGRES_URL, make_app, normalise_url


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = sa.create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"kmrg_migrations_{uuid.uuid4().hex[:8]}"
    with server.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    base = sa.engine.make_url(normalise_url(POSTGRES_URL))
    yield base.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.dispose()


def test_upgrade_head_matches_the_models_and_downgrade_works(empty_database_url, tmp_path):
    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            on_postgresql = connection.dialect.name == "postgresql"
            expected = [Base.metadata]
            if on_postgresql:
                expected.append(postgres_index.metadata)
            differences = compare_metadata(context, expected)
        assert differences == []
        search_tables = {table.name for table in postgres_index.TABLES}
        present = set(sa.inspect(db.engine).get_table_names())
        assert (search_tables <= present) if on_postgresql else not (search_tables & present)

        downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason="the search backend's tables are PostgreSQL's only")
def test_0017_numbers_the_facets_of_documents_indexed_before_it(empty_database_url, tmp_path):
    from kmrg.search.postgres_backend import PostgresBackend
    from tests.search.backends import search

    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade(revision="0016")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO search_documents"
                " (key, doc_type, doc_id, audience, facets, matched, terms, lengths, vocabulary)"
                " VALUES ('lesson:1', 'lesson', '1', 'public', '{type=lesson,theme=water}',"
                " '', '{}', '{}', '{}'), ('lesson:2', 'lesson', '2', 'public',"
                " '{type=lesson,year=2020,theme=water,theme=roads}', '', '{}', '{}', '{}')"
            )
        upgrade()

        matches = search(PostgresBackend(db.engine), "type:lesson", facets=["theme", "year"])

        assert matches.total == 2
        assert matches.facets == {"theme": {"water": 2, "roads": 1}, "year": {"2020": 1}}
        db.engine.dispose()
