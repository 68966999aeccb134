"""The demo knowledge base, exported and imported across SQLite and PostgreSQL, comes back whole.

SQLite → archive → SQLite always; SQLite → archive → PostgreSQL → archive → SQLite when
KMRG_TEST_DATABASE_URL names a PostgreSQL database. The demo is loaded once for the module.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from markupsafe import escape

from kmrg.auth.models import User
from kmrg.backup.schema import head_revision
from kmrg.extensions import db
from tests import factories
from tests.backup.conftest import (
    close_hub,
    make_hub,
    run,
    sqlite_url,
    stored_files,
    table_rows,
)
from tests.conftest import POSTGRES_URL, empty_database, migrate_test_database

DEMO_PASSWORD = "demo-password-for-tests"
DEMO_LESSON = "Clean the billing data before chasing payment"


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder = tmp_path_factory.mktemp("source")
    app = make_hub(sqlite_url(folder / "db"), folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KMRG_DEMO_PASSWORD", DEMO_PASSWORD)
        result = run(app, "demo")
    assert result.exit_code == 0, result.output
    yield app
    close_hub(app)


@pytest.fixture(scope="module")
def exported(demo_source: Flask, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("archives") / "demo.zip"
    result = run(demo_source, "export", str(path))
    assert result.exit_code == 0, result.output
    return path, result


@pytest.fixture(scope="module")
def demo_archive(exported) -> Path:
    return exported[0]


@dataclass
class Restored:
    """A hub the demo archive was imported into, as it was straight after the import."""

    app: Flask
    rows: dict[str, list[dict[str, Any]]]
    files: dict[str, str]
    archive: Path  # exported again at once, before any test signs in (which records the moment)


@pytest.fixture(scope="module")
def restored(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Restored:
    """A blank SQLite database (no schema yet) the demo archive was imported into."""
    folder = tmp_path_factory.mktemp("restored")
    app = make_hub(sqlite_url(folder / "db"), folder, migrate=False)
    result = run(app, "import", str(demo_archive))
    assert result.exit_code == 0, result.output
    again = folder / "again.zip"
    assert run(app, "export", str(again)).exit_code == 0
    yield Restored(app, table_rows(app), stored_files(app), again)
    close_hub(app)


def manifest_of(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


def member_checksums(path: Path) -> dict[str, str]:
    return {table["name"]: table["sha256"] for table in manifest_of(path)["tables"]}


def test_the_manifest_names_the_schema_every_table_and_every_file(demo_source, exported):
    path, result = exported
    manifest = manifest_of(path)
    with demo_source.app_context():
        assert manifest["schema_revision"] == head_revision()
    rows = table_rows(demo_source)
    counts = {table["name"]: table["rows"] for table in manifest["tables"]}
    assert counts == {name: len(table) for name, table in rows.items()}
    assert rows["users"] and rows["lessons"] and rows["attachments"]
    assert {f["sha256"] for f in manifest["files"]} == {a["sha256"] for a in rows["attachments"]}
    assert "search_queue" in manifest["excluded_tables"]
    assert manifest["missing_files"] == []
    # Progress, table by table, then what was written.
    assert "lessons: 42 rows" in result.output
    assert f"Wrote {path}" in result.output
    assert path.stat().st_mode & 0o777 == 0o600  # e-mail addresses and password hashes


def test_sqlite_to_sqlite_restores_every_row_and_every_file(demo_source, restored):
    assert restored.rows == table_rows(demo_source)
    assert restored.files == stored_files(demo_source)
    assert all(name == checksum for name, checksum in restored.files.items())


def test_an_archive_of_the_restored_hub_is_the_same_archive(restored, demo_archive):
    assert member_checksums(restored.archive) == member_checksums(demo_archive)
    assert manifest_of(restored.archive)["files"] == manifest_of(demo_archive)["files"]


def test_after_import_search_finds_a_demo_lesson(restored):
    finds_the_demo_lesson(restored.app)


def test_after_import_a_demo_person_signs_in_with_their_password(restored):
    signed_in(restored.app, "champion.buf@example.org")


def test_new_records_after_import_take_fresh_ids(restored):
    make_new_person(restored.app)


def finds_the_demo_lesson(app: Flask) -> None:
    response = app.test_client().get("/search", query_string={"q": "billing data chasing"})
    assert response.status_code == 200
    assert str(escape(DEMO_LESSON)) in response.get_data(as_text=True)


def signed_in(app: Flask, email: str) -> None:
    client = app.test_client()
    response = factories.post(client, "/login", {"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Sign out" in client.get("/").get_data(as_text=True)


def make_new_person(app: Flask) -> None:
    with app.app_context():
        highest = db.session.scalar(sa.select(sa.func.max(User.id)))
        person = factories.make_user(db.session, name="Newly Joined")
        assert person.id > highest
        db.session.delete(person)
        db.session.commit()


@pytest.mark.skipif(
    not POSTGRES_URL, reason="KMRG_TEST_DATABASE_URL is not set: no PostgreSQL legs to run"
)
def test_sqlite_to_postgresql_to_sqlite_keeps_every_row_and_file(
    demo_source, demo_archive, tmp_path
):
    postgres = make_hub(migrate_test_database(), tmp_path / "postgres", migrate=False)
    back = make_hub(sqlite_url(tmp_path / "back"), tmp_path / "back", migrate=False)
    try:
        imported = run(postgres, "import", str(demo_archive))
        assert imported.exit_code == 0, imported.output
        assert table_rows(postgres) == table_rows(demo_source)
        assert stored_files(postgres) == stored_files(demo_source)
        from_postgres = tmp_path / "from-postgres.zip"
        assert run(postgres, "export", str(from_postgres)).exit_code == 0
        assert member_checksums(from_postgres) == member_checksums(demo_archive)
        # Signing in records the moment: after the export, which must equal the first.
        finds_the_demo_lesson(postgres)
        signed_in(postgres, "admin@example.org")
        make_new_person(postgres)  # the id sequences were moved past the restored ids

        returned = run(back, "import", str(from_postgres))
        assert returned.exit_code == 0, returned.output
        assert table_rows(back) == table_rows(demo_source)
        assert stored_files(back) == stored_files(demo_source)
    finally:
        with postgres.app_context():
            db.session.remove()
            empty_database(db.engine)  # the suite's database: left empty, as every test does
        close_hub(postgres)
        close_hub(back)
