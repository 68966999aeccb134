"""Hubs of their own for backup tests: each on its own database and folders, built per module."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from flask_migrate import upgrade

from kmrg.backup.archive import backed_up_tables, encode_value
from kmrg.cli import main
from kmrg.extensions import db
from tests.conftest import _created_apps, make_app


def make_hub(database_url: str, folder: Path, *, migrate: bool = True) -> Flask:
    """Return an app on `database_url` with its own uploads and index, kept until closed."""
    overrides: dict[str, Any] = {}
    if database_url.startswith("sqlite"):
        overrides["SEARCH_BACKEND"] = "whoosh"  # the PostgreSQL backend refuses SQLite
    app = make_app(database_url, folder, **overrides)
    _created_apps.remove(app)  # lives as long as the module's fixture, not one test
    if migrate:
        with app.app_context():
            upgrade()
    return app


def close_hub(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        app.extensions["kmrg.search"].backend.close()
        db.engine.dispose()


def sqlite_url(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'hub.sqlite3'}"


def run(app: Flask, *args: str) -> Result:
    """Run a `kmrg` command against `app`, as an operator would."""
    with app.app_context():
        return app.test_cli_runner().invoke(main, args=list(args))


def table_rows(app: Flask) -> dict[str, list[dict[str, Any]]]:
    """Return every row of every backed-up table, in primary-key order, values made portable."""
    with app.app_context(), db.engine.connect() as connection:
        return {
            table.name: [
                {key: encode_value(value) for key, value in row._mapping.items()}
                for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in backed_up_tables()
        }


def stored_files(app: Flask) -> dict[str, str]:
    """Return each file of the upload store by name, with the SHA-256 of its content."""
    root = Path(app.config["UPLOAD_DIR"])
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.glob("??/??/*")
        if path.is_file()
    }


def rewrite_archive(
    source: Path, destination: Path, member: str, change: Callable[[bytes], bytes]
) -> None:
    """Copy an archive, changing one member's bytes (and nothing else, the manifest included)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(destination, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, change(data) if info.filename == member else data)


def archive_rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Return the rows an archive holds, by table."""
    with zipfile.ZipFile(path) as archive:
        return {
            table.name: [
                json.loads(line) for line in archive.read(f"tables/{table.name}.jsonl").splitlines()
            ]
            for table in backed_up_tables()
        }


def dangling_references(path: Path) -> list[str]:
    """Return every foreign key in the archive whose row is not in the archive."""
    rows = archive_rows(path)
    dangling = []
    for table in backed_up_tables():
        for foreign_key in table.foreign_keys:
            target = foreign_key.column
            present = {row[target.name] for row in rows[target.table.name]}
            for row in rows[table.name]:
                value = row[foreign_key.parent.name]
                if value is not None and value not in present:
                    dangling.append(f"{table.name}.{foreign_key.parent.name}={value}")
    return dangling


def row_counts(app: Flask) -> dict[str, int]:
    with app.app_context(), db.engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in backed_up_tables()
        }
