"""Write the knowledge base to one archive from a consistent snapshot, while the Hub runs.

Every table is read inside one read-only transaction, so rows that refer to each other are all
in the archive however many writers commit meanwhile: on PostgreSQL a REPEATABLE READ, READ ONLY
transaction (one snapshot for all statements); on SQLite one deferred read transaction, whose
snapshot is taken at its first read. In WAL mode a reader never blocks writers, so the Hub keeps
saving; the trade-off is that the write-ahead log cannot be checkpointed past the snapshot and
grows until the export's transaction ends. Rows are streamed (a server-side cursor on
PostgreSQL), so memory stays bounded however large the tables are.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from kmrg.attachments.models import Attachment
from kmrg.attachments.storage import blob_path
from kmrg.backup.archive import (
    MANIFEST,
    BackupError,
    FileEntry,
    Manifest,
    TableEntry,
    backed_up_tables,
    encode_value,
    excluded_tables,
    file_member,
    table_member,
)
from kmrg.backup.schema import database_revision
from kmrg.database import read_only_transactions
from kmrg.models import utcnow

ROWS_PER_FETCH = 1000
PROGRESS_ROWS = 100_000  # a line this often within a long table, so a big export shows life
CHUNK_BYTES = 1024 * 1024
Progress = Callable[[str], None]


def export_archive(
    engine: sa.Engine,
    upload_dir: str | os.PathLike[str],
    destination: Path,
    progress: Progress | None = None,
) -> Manifest:
    """Write every backed-up table and the attachments' files to `destination`; return the manifest.

    The archive appears under its name only when complete (an older one there stays whole until
    then), readable by its owner only: it holds e-mail addresses and password hashes.
    """
    report = progress or (lambda _message: None)
    destination = Path(destination)
    partial = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    try:
        # Exclusive, so the mode is ours and not that of a file left by a killed export.
        partial.unlink(missing_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise BackupError(f"Cannot write {destination}: {error.strerror}.") from error
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                with consistent_snapshot(engine) as connection:
                    revision = database_revision(connection)
                    if revision is None:
                        raise BackupError("The database has no schema yet: nothing to export.")
                    tables = [
                        _write_table(archive, connection, t, report) for t in backed_up_tables()
                    ]
                    hashes = list(
                        connection.scalars(
                            sa.select(Attachment.sha256).distinct().order_by(Attachment.sha256)
                        )
                    )
                    source = engine.dialect.name
                # Stored files never change (each is named by its content), so they need no
                # snapshot: copied after the transaction, which keeps it short.
                files, missing = _write_files(archive, Path(upload_dir), hashes, report)
                manifest = Manifest(
                    schema_revision=revision,
                    created_at=utcnow().isoformat(),
                    source_database=source,
                    tables=tables,
                    files=files,
                    missing_files=missing,
                    excluded_tables=excluded_tables(),
                )
                archive.writestr(MANIFEST, manifest.to_json())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


@contextmanager
def consistent_snapshot(engine: sa.Engine) -> Iterator[sa.Connection]:
    """Yield a connection inside one read-only transaction that sees a single moment."""
    # Deferred on SQLite even under the `kmrg` command, which otherwise takes the write lock.
    with read_only_transactions(), engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with connection.begin():
            yield connection


def _write_table(
    archive: zipfile.ZipFile, connection: sa.Connection, table: sa.Table, report: Progress
) -> TableEntry:
    columns = [column.name for column in table.columns]
    query = sa.select(table).order_by(*table.primary_key.columns)
    digest = hashlib.sha256()
    rows = 0
    with archive.open(table_member(table.name), "w", force_zip64=True) as member:
        result = connection.execute(query.execution_options(yield_per=ROWS_PER_FETCH))
        for batch in result.partitions():
            lines = [
                _json_line(dict(zip(columns, map(encode_value, row), strict=True))) for row in batch
            ]
            data = "".join(lines).encode("utf-8")
            digest.update(data)
            member.write(data)
            rows += len(batch)
            if rows % PROGRESS_ROWS < len(batch):
                report(f"{table.name}: {rows} rows so far")
    report(f"{table.name}: {rows} rows")
    return TableEntry(name=table.name, columns=columns, rows=rows, sha256=digest.hexdigest())


def _json_line(row: dict[str, object]) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"


def _write_files(
    archive: zipfile.ZipFile, upload_dir: Path, hashes: list[str], report: Progress
) -> tuple[list[FileEntry], list[str]]:
    files: list[FileEntry] = []
    missing: list[str] = []
    for sha256 in hashes:
        path = blob_path(upload_dir, sha256)
        # Checked before copying: a member cannot be taken back out of a zip being written.
        if not path.is_file() or _file_hash(path) != sha256:
            report(f"warning: the attachment file {sha256} is missing or damaged in the store")
            missing.append(sha256)
            continue
        info = zipfile.ZipInfo(file_member(sha256), date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED  # PDFs, Office files and images: compressed
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as source, archive.open(info, "w", force_zip64=True) as member:
            while chunk := source.read(CHUNK_BYTES):
                digest.update(chunk)
                member.write(chunk)
                size += len(chunk)
        if digest.hexdigest() != sha256:
            raise BackupError(f"The stored file {sha256} changed while it was copied")
        files.append(FileEntry(sha256=sha256, size=size))
    total = sum(entry.size for entry in files)
    report(f"files: {len(files)} ({total / 1_048_576:.1f} MB), {len(missing)} missing")
    return files, missing


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()
