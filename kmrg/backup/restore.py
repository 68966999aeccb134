"""Restore an archive into an empty database of either kind: all of it, or nothing.

The archive's schema revision must be the code's: its rows are then loaded into the very tables
they were read from, and a restore is never also a migration (restore an older archive with the
release that wrote it, then upgrade that Hub the ordinary way). The files are written and checked
first, then every row goes in one transaction; any failure rolls the rows back and removes the
files this import added, so the database is left empty, never half-restored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kmrg.attachments.storage import blob_path
from kmrg.backup.archive import (
    MANIFEST,
    BackupError,
    Manifest,
    TableEntry,
    backed_up_tables,
    decode_row,
    decoder_for,
    file_member,
    table_member,
)
from kmrg.backup.schema import database_revision
from kmrg.database import write_transactions

ROWS_PER_INSERT = 1000
PROGRESS_ROWS = 100_000
CHUNK_BYTES = 1024 * 1024
Progress = Callable[[str], None]


def import_archive(
    engine: sa.Engine,
    upload_dir: str | os.PathLike[str],
    source: Path,
    *,
    head: str,
    progress: Progress | None = None,
) -> Manifest:
    """Restore `source` into the empty database at schema revision `head`; return its manifest.

    Raises BackupError, leaving the database empty, when the archive is unreadable, damaged or
    altered, made at another schema revision, or the database is not empty.
    """
    report = progress or (lambda _message: None)
    with _open_archive(source) as archive:
        manifest = read_manifest(archive)
        tables = check_compatible(manifest, head)
        with engine.connect() as connection:
            check_empty_database(connection, head)  # before writing a single file
        created: list[Path] = []
        try:
            _restore_files(archive, manifest, Path(upload_dir), created, report)
            # One transaction (taking SQLite's write lock at once) for every row of every table.
            with write_transactions(), engine.begin() as connection:
                check_empty_database(connection, head)
                order = {table.name: position for position, (table, _entry) in enumerate(tables)}
                for table, entry in tables:
                    _restore_table(archive, connection, table, entry, order, report)
                    report(f"{table.name}: {entry.rows} rows")
                if engine.dialect.name == "postgresql":
                    _reset_sequences(connection, [table for table, _entry in tables])
        except BaseException:
            for path in created:
                path.unlink(missing_ok=True)
            raise
    return manifest


def check_archive(source: Path, head: str) -> Manifest:
    """Return the archive's manifest; raise BackupError if this Hub cannot restore it."""
    with _open_archive(source) as archive:
        manifest = read_manifest(archive)
        check_compatible(manifest, head)
    return manifest


@contextmanager
def _open_archive(source: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{source} is not a readable backup archive ({error}).") from error
    with archive:
        try:
            yield archive
        except (zipfile.BadZipFile, KeyError, EOFError) as error:
            # A member missing, or failing its CRC: the archive was cut short or damaged.
            raise BackupError(f"The archive is damaged ({error}); nothing was restored.") from error


def read_manifest(archive: zipfile.ZipFile) -> Manifest:
    """Return the archive's manifest."""
    try:
        text = archive.read(MANIFEST)
    except KeyError as error:
        raise BackupError("This file has no manifest: it is not a KMRG Hub backup.") from error
    return Manifest.from_json(text)


def check_compatible(manifest: Manifest, head: str) -> list[tuple[sa.Table, TableEntry]]:
    """Pair each table with its archive entry; raise BackupError if the schemas differ."""
    if manifest.schema_revision != head:
        raise BackupError(
            f"This backup was made at schema revision {manifest.schema_revision}; this Hub's "
            f"schema is at {head}. Restore it with the Hub release that made it "
            f"({manifest.hub_version}), then upgrade that installation to this release."
        )
    entries = {entry.name: entry for entry in manifest.tables}
    tables = backed_up_tables()
    names = {table.name for table in tables}
    if set(entries) != names:
        raise BackupError(
            "The backup's tables differ from this Hub's: "
            f"missing {sorted(names - set(entries)) or 'none'}, "
            f"unknown {sorted(set(entries) - names) or 'none'}."
        )
    for table in tables:
        if set(entries[table.name].columns) != {column.name for column in table.columns}:
            raise BackupError(f"The backup's columns of {table.name} differ from this Hub's.")
    return [(table, entries[table.name]) for table in tables]


def check_empty_database(connection: sa.Connection, head: str) -> None:
    """Raise BackupError unless the database is at `head` and its backed-up tables are empty."""
    revision = database_revision(connection)
    if revision != head:
        raise BackupError(
            f"The database's schema is at revision {revision or 'none'}, this Hub's at {head}: "
            "run `kmrg db upgrade` on the empty database first."
        )
    filled = []
    for table in backed_up_tables():
        rows = connection.scalar(sa.select(sa.func.count()).select_from(table))
        if rows:
            filled.append(f"{table.name}: {rows}")
    if filled:
        more = f" and {len(filled) - 3} more tables" if len(filled) > 3 else ""
        shown = ", ".join(filled[:3]) + more
        raise BackupError(
            f"The database is not empty ({shown} rows). `kmrg import` restores into an empty "
            "database only, so two knowledge bases are never mixed: create a new database, "
            "point KMRG_DATABASE_URL at it and import again."
        )


def _restore_files(
    archive: zipfile.ZipFile,
    manifest: Manifest,
    upload_dir: Path,
    created: list[Path],
    report: Progress,
) -> None:
    for entry in manifest.files:
        try:
            path = blob_path(upload_dir, entry.sha256)
        except ValueError as error:  # a name that is no hash could point anywhere: refused
            message = f"The manifest names a file {entry.sha256!r}, which is not a SHA-256."
            raise BackupError(message) from error
        existed = path.is_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".restore-")
        try:
            digest = hashlib.sha256()
            size = 0
            with archive.open(file_member(entry.sha256)) as member, os.fdopen(handle, "wb") as out:
                while chunk := member.read(CHUNK_BYTES):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != entry.sha256 or size != entry.size:
                raise BackupError(
                    f"The attachment file {entry.sha256} in the archive does not match its "
                    "checksum: the archive is damaged or was altered. Nothing was restored."
                )
            os.chmod(temporary, 0o640)
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
        if not existed:
            created.append(path)
    total = sum(entry.size for entry in manifest.files)
    report(f"files: {len(manifest.files)} ({total / 1_048_576:.1f} MB), checksums verified")
    if manifest.missing_files:
        report(
            f"warning: {len(manifest.missing_files)} attachment file(s) were already missing "
            "when the backup was made; their attachments are restored without them"
        )


def _restore_table(
    archive: zipfile.ZipFile,
    connection: sa.Connection,
    table: sa.Table,
    entry: TableEntry,
    order: dict[str, int],
    report: Progress,
) -> None:
    decoders = {column.name: decoder_for(column) for column in table.columns}
    # A row may refer to a row of its own table (or of a later one) that is not in yet: such
    # references go in empty and are filled in once every row is there.
    later = [
        fk.parent.name
        for fk in table.foreign_keys
        if order.get(fk.column.table.name, -1) >= order[table.name]
    ]
    keys = [column.name for column in table.primary_key.columns]
    references: list[dict[str, Any]] = []
    digest = hashlib.sha256()
    rows = 0
    batch: list[dict[str, Any]] = []
    try:
        with archive.open(table_member(table.name)) as member:
            for line in member:
                digest.update(line)
                row = decode_row(decoders, json.loads(line))
                for name in later:
                    if row.get(name) is not None:
                        references.append(
                            {
                                "column": name,
                                "backup_value": row[name],
                                **{f"k_{k}": row[k] for k in keys},
                            }
                        )
                        row[name] = None
                batch.append(row)
                rows += 1
                if len(batch) >= ROWS_PER_INSERT:
                    connection.execute(table.insert(), batch)
                    batch = []
                if rows % PROGRESS_ROWS == 0:
                    report(f"{table.name}: {rows} rows so far")
            if batch:
                connection.execute(table.insert(), batch)
        if digest.hexdigest() != entry.sha256 or rows != entry.rows:
            raise BackupError(
                f"The rows of {table.name} in the archive do not match their checksum: the "
                "archive is damaged or was altered. Nothing was restored."
            )
        _fill_references(connection, table, keys, references)
    except (sa.exc.SQLAlchemyError, ValueError) as error:
        raise BackupError(
            f"Restoring {table.name} failed: {error}. Nothing was restored."
        ) from error


def _fill_references(
    connection: sa.Connection, table: sa.Table, keys: list[str], references: list[dict[str, Any]]
) -> None:
    where = [table.c[key] == sa.bindparam(f"k_{key}") for key in keys]
    for name in {reference["column"] for reference in references}:
        values = [reference for reference in references if reference["column"] == name]
        statement = sa.update(table).where(*where).values({name: sa.bindparam("backup_value")})
        connection.execute(
            statement, [{k: v for k, v in r.items() if k != "column"} for r in values]
        )


def _reset_sequences(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """Move each PostgreSQL id sequence past the restored ids, so new rows never collide."""
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        for column in table.primary_key.columns:
            sequence = connection.scalar(
                sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": quote(table.name), "column": column.name},
            )
            if sequence is None:
                continue
            highest = connection.scalar(sa.select(sa.func.max(column)))
            connection.execute(
                sa.text("SELECT setval(CAST(:sequence AS regclass), :next, false)"),
                {"sequence": sequence, "next": (highest or 0) + 1},
            )
