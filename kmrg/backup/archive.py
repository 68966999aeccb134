"""The backup archive: a zip of one JSON-lines member per table, the attached files, a manifest.

A zip rather than a tar.gz: its directory at the end lets `kmrg import` read the manifest (schema
revision, checksums) before touching anything, though the manifest is written last, when the row
counts are known; each member is compressed on its own (the attachments, mostly already compressed
PDFs and Office files, are stored as they are); and every operating system opens one.

    manifest.json              format, versions, schema revision, tables, files, checksums
    tables/<table>.jsonl       one JSON object per row, columns by name, in primary-key order
    files/<sha256>             the attachment store's files, named by their SHA-256

Values are written by the column's type, so they read back the same on SQLite and PostgreSQL:
datetimes and dates in ISO 8601 (UTC, with offset), enums as their stored values, bytes in base64,
decimals and UUIDs as strings, intervals in seconds, JSON columns as JSON.

Every table of the Hub's models is written, except one whose `info` says
`{"backup": "<why it is left out>"}` (the search outbox: the index is rebuilt on import). A model
added later is therefore backed up unless its owner says otherwise, with a reason.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from importlib import metadata as package_metadata
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from kmrg.models import Base

FORMAT = "kmrg-hub-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
EXCLUDE_KEY = "backup"


class BackupError(Exception):
    """An archive cannot be written or restored; the message says why and what to do."""


def table_member(name: str) -> str:
    """Return the archive member holding a table's rows."""
    return f"tables/{name}.jsonl"


def file_member(sha256: str) -> str:
    """Return the archive member holding one attachment file."""
    return f"files/{sha256}"


def backed_up_tables() -> list[sa.Table]:
    """Return the tables an archive holds, parents before children."""
    return [t for t in Base.metadata.sorted_tables if EXCLUDE_KEY not in t.info]


def excluded_tables() -> dict[str, str]:
    """Return the tables an archive leaves out, each with the reason."""
    return {
        t.name: t.info[EXCLUDE_KEY] for t in Base.metadata.sorted_tables if EXCLUDE_KEY in t.info
    }


def hub_version() -> str:
    """Return the installed Hub's version."""
    try:
        return package_metadata.version("kmrg-hub")
    except package_metadata.PackageNotFoundError:
        return "unknown"


@dataclass
class TableEntry:
    """One table in the archive: its columns, how many rows and the SHA-256 of its member."""

    name: str
    columns: list[str]
    rows: int
    sha256: str


@dataclass
class FileEntry:
    """One attachment file in the archive."""

    sha256: str
    size: int


@dataclass
class Manifest:
    """What an archive holds, written last and read first."""

    schema_revision: str
    created_at: str
    source_database: str
    tables: list[TableEntry]
    files: list[FileEntry]
    # Files the attachments named but the store lacked (or held damaged) when the archive was made.
    missing_files: list[str] = field(default_factory=list)
    excluded_tables: dict[str, str] = field(default_factory=dict)
    hub_version: str = field(default_factory=hub_version)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        """Parse a manifest; raise BackupError when it is not one this code can read."""
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise BackupError("This file is not a KMRG Knowledge Hub backup.")
            if data.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"This backup has format version {data.get('format_version')}; this Hub "
                    f"reads version {FORMAT_VERSION}. Restore it with the release that wrote it."
                )
            data["tables"] = [TableEntry(**entry) for entry in data["tables"]]
            data["files"] = [FileEntry(**entry) for entry in data["files"]]
            return cls(**data)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise BackupError(f"The backup's manifest is unreadable ({error}).") from error

    @property
    def row_count(self) -> int:
        return sum(table.rows for table in self.tables)


def encode_value(value: Any) -> Any:
    """Return a column value as JSON can hold it."""
    if isinstance(value, Enum):  # before str: a StrEnum is one, but its stored value is wanted
        return value.value
    if value is None or isinstance(value, bool | int | float | str | dict | list):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    raise BackupError(f"cannot write a value of type {type(value).__name__} to a backup")


def _plain_type(column: sa.Column[Any]) -> sa.types.TypeEngine[Any]:
    column_type = column.type
    while isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    return column_type


def decoder_for(column: sa.Column[Any]) -> Callable[[Any], Any]:
    """Return the function that turns a written value back into what the column takes."""
    if isinstance(column.type, sa.Interval):  # a decorator over DateTime where not native
        return lambda seconds: timedelta(seconds=seconds)
    column_type = _plain_type(column)
    if isinstance(column_type, sa.DateTime):
        return datetime.fromisoformat
    if isinstance(column_type, sa.Date):
        return date.fromisoformat
    if isinstance(column_type, sa.Time):
        return time.fromisoformat
    if isinstance(column_type, sa.LargeBinary):
        return base64.b64decode
    if isinstance(column_type, sa.Numeric) and not isinstance(column_type, sa.Float):
        return Decimal
    if isinstance(column_type, sa.Uuid):
        return UUID if column_type.as_uuid else str
    # Enums take their stored value; numbers, strings, booleans and JSON are as written.
    return lambda value: value


def decode_row(decoders: dict[str, Callable[[Any], Any]], row: dict[str, Any]) -> dict[str, Any]:
    """Return a written row as the table's insert takes it."""
    return {name: None if value is None else decoders[name](value) for name, value in row.items()}
