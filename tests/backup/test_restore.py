"""`kmrg import` restores all or nothing, and refuses what it cannot restore safely."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from kmrg.attachments.models import Attachment, AttachmentKind
from kmrg.attachments.storage import blob_path, store_blob
from kmrg.backup.schema import is_blank
from kmrg.extensions import db
from tests import factories
from tests.backup.conftest import (
    close_hub,
    make_hub,
    rewrite_archive,
    row_counts,
    run,
    sqlite_url,
    stored_files,
)
from tests.conftest import empty_database

MINUTES = b"%PDF-1.4 minutes of the knowledge-sharing session"


@pytest.fixture
def archive(app, session, member, tmp_path) -> Path:
    """An archive of a small Hub: a member of an organisation and one attached file."""
    sha256 = store_blob(app.config["UPLOAD_DIR"], MINUTES)
    session.add(
        Attachment(
            owner_type="case_study",
            owner_id=1,
            sha256=sha256,
            size=len(MINUTES),
            content_type="application/pdf",
            kind=AttachmentKind.PDF,
            display_name="minutes.pdf",
            uploaded_by=member,
        )
    )
    session.commit()
    path = tmp_path / "hub.zip"
    result = run(app, "export", str(path))
    assert result.exit_code == 0, result.output
    return path


def start_afresh(app) -> None:
    """Empty the database and the upload store, as on a new machine."""
    db.session.remove()
    empty_database(db.engine)
    shutil.rmtree(app.config["UPLOAD_DIR"])


def assert_empty(app) -> None:
    assert set(row_counts(app).values()) == {0}
    assert stored_files(app) == {}


def test_an_archive_restores_into_the_emptied_database(app, archive):
    start_afresh(app)
    result = run(app, "import", str(archive))
    assert result.exit_code == 0, result.output
    assert row_counts(app)["users"] == 1 and row_counts(app)["attachments"] == 1
    assert stored_files(app) == {_sha(MINUTES): _sha(MINUTES)}


def test_a_tampered_attachment_file_fails_the_import_and_leaves_nothing(app, archive, tmp_path):
    tampered = tmp_path / "tampered.zip"
    rewrite_archive(archive, tampered, f"files/{_sha(MINUTES)}", lambda data: data + b"!")
    start_afresh(app)
    result = run(app, "import", str(tampered))
    assert result.exit_code != 0
    assert "does not match its checksum" in result.output
    assert_empty(app)


def test_tampered_rows_roll_back_the_tables_already_restored(app, archive, tmp_path):
    tampered = tmp_path / "tampered.zip"
    rewrite_archive(
        archive, tampered, "tables/users.jsonl", lambda data: data.replace(b"Sipho", b"Eve")
    )
    start_afresh(app)
    result = run(app, "import", str(tampered))
    assert result.exit_code != 0
    assert "The rows of users in the archive do not match their checksum" in result.output
    assert_empty(app)  # organisations went in before users: rolled back with them


def test_rows_the_database_refuses_roll_back_every_table(app, archive, organisation, tmp_path):
    """A consistent but impossible archive (a user twice, checksums made to match) restores
    nothing: the database's own refusal rolls back what went in before it."""
    doubled = tmp_path / "doubled.zip"
    rewrite_archive(archive, doubled, "tables/users.jsonl", lambda data: data + data)
    with zipfile.ZipFile(doubled) as zipped:
        users = zipped.read("tables/users.jsonl")
        manifest = json.loads(zipped.read("manifest.json"))
    for table in manifest["tables"]:
        if table["name"] == "users":
            table.update(rows=table["rows"] * 2, sha256=hashlib.sha256(users).hexdigest())
    consistent = tmp_path / "consistent.zip"
    rewrite_archive(
        doubled, consistent, "manifest.json", lambda _data: json.dumps(manifest).encode()
    )
    start_afresh(app)
    result = run(app, "import", str(consistent))
    assert result.exit_code != 0
    assert "Restoring users failed" in result.output and "Nothing was restored" in result.output
    assert_empty(app)


def test_tables_longer_than_a_batch_restore_whole_with_progress(app, archive, monkeypatch):
    from kmrg.backup import export, restore

    monkeypatch.setattr(restore, "ROWS_PER_INSERT", 2)
    monkeypatch.setattr(restore, "PROGRESS_ROWS", 2)
    monkeypatch.setattr(export, "PROGRESS_ROWS", 2)
    monkeypatch.setattr(export, "ROWS_PER_FETCH", 2)
    for number in range(5):
        factories.make_organisation(db.session, code=f"BATCH{number}")
    expected = row_counts(app)
    exported = run(app, "export", str(archive))
    assert "organisations: 6 rows" in exported.output
    assert "organisations: 4 rows so far" in exported.output
    start_afresh(app)
    imported = run(app, "import", str(archive))
    assert imported.exit_code == 0, imported.output
    assert "organisations: 4 rows so far" in imported.output
    assert row_counts(app) == expected


def test_import_refuses_a_database_that_is_not_empty(app, archive, organisation):
    before = row_counts(app)
    result = run(app, "import", str(archive))
    assert result.exit_code != 0
    assert "The database is not empty (organisations: 1" in result.output
    assert row_counts(app) == before


def at_revision_0001(data: bytes) -> bytes:
    return json.dumps({**json.loads(data), "schema_revision": "0001"}).encode()


def test_import_refuses_an_archive_of_another_schema_revision(app, archive, tmp_path):
    older = tmp_path / "older.zip"
    rewrite_archive(archive, older, "manifest.json", at_revision_0001)
    start_afresh(app)
    result = run(app, "import", str(older))
    assert result.exit_code != 0
    assert "This backup was made at schema revision 0001" in result.output
    assert_empty(app)


def test_an_archive_refused_leaves_a_blank_database_without_a_schema(app, archive, tmp_path):
    older = tmp_path / "older.zip"
    rewrite_archive(archive, older, "manifest.json", at_revision_0001)
    blank = make_hub(sqlite_url(tmp_path / "blank"), tmp_path / "blank", migrate=False)
    try:
        result = run(blank, "import", str(older))
        assert result.exit_code != 0
        assert "This backup was made at schema revision 0001" in result.output
        with blank.app_context(), db.engine.connect() as connection:
            assert is_blank(connection)
    finally:
        close_hub(blank)


def test_import_refuses_a_manifest_naming_a_file_outside_the_store(app, archive, tmp_path):
    crafted = tmp_path / "crafted.zip"

    def escaping(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["files"][0]["sha256"] = "../../../escaped"
        return json.dumps(manifest).encode()

    rewrite_archive(archive, crafted, "manifest.json", escaping)
    start_afresh(app)
    result = run(app, "import", str(crafted))
    assert result.exit_code != 0
    assert "which is not a SHA-256" in result.output
    assert_empty(app)
    assert not (tmp_path / "escaped").exists()


def test_export_to_a_folder_that_does_not_exist_says_so(app, tmp_path):
    result = run(app, "export", str(tmp_path / "nowhere" / "hub.zip"))
    assert result.exit_code != 0
    assert "Cannot write" in result.output and "No such file or directory" in result.output


def test_import_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    notes = tmp_path / "notes.zip"
    notes.write_text("not an archive")
    result = run(app, "import", str(notes))
    assert result.exit_code != 0
    assert "is not a readable backup archive" in result.output


def test_export_names_attachment_files_missing_from_the_store(app, archive, tmp_path):
    blob_path(app.config["UPLOAD_DIR"], _sha(MINUTES)).unlink()
    partial = tmp_path / "partial.zip"
    result = run(app, "export", str(partial))
    assert result.exit_code == 1
    warning = "missing or damaged in the upload store and are not in the archive"
    assert f"{warning}: {_sha(MINUTES)}" in result.output
    start_afresh(app)
    restored = run(app, "import", str(partial))
    assert restored.exit_code == 0, restored.output
    assert "were already missing when the backup was made" in restored.output
    assert row_counts(app)["attachments"] == 1


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
