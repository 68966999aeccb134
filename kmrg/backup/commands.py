"""`kmrg export FILE` and `kmrg import FILE`: the knowledge base to one archive and back."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from kmrg.backup.archive import BackupError
from kmrg.backup.export import export_archive
from kmrg.backup.restore import check_archive, import_archive
from kmrg.backup.schema import head_revision, is_blank
from kmrg.extensions import db


def _progress(message: str) -> None:
    click.echo(message, err=True)


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_command(file: Path) -> None:
    """Write the whole knowledge base and its attachment files to FILE (a zip archive)."""
    db.session.remove()
    try:
        manifest = export_archive(
            db.engine, current_app.config["UPLOAD_DIR"], file, progress=_progress
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Wrote {file}: {manifest.row_count} rows in {len(manifest.tables)} tables and "
        f"{len(manifest.files)} files, at schema revision {manifest.schema_revision}."
    )
    if manifest.missing_files:
        # The archive is still worth keeping, but whoever runs the backup must hear of it.
        click.echo(
            f"Warning: {len(manifest.missing_files)} attachment file(s) were missing or damaged "
            "in the upload store and are not in the archive: " + ", ".join(manifest.missing_files),
            err=True,
        )
        sys.exit(1)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Restore FILE (from `kmrg export`) into an empty database, then rebuild the search index."""
    from flask_migrate import upgrade

    from kmrg.search.pipeline import get_pipeline

    db.session.remove()
    head = head_revision()
    try:
        # Before a blank database gets its schema: an archive refused leaves it untouched.
        check_archive(file, head)
        with db.engine.connect() as connection:
            blank = is_blank(connection)
        if blank:
            upgrade()
            click.echo(f"Created the schema of the blank database (revision {head}).", err=True)
        manifest = import_archive(
            db.engine, current_app.config["UPLOAD_DIR"], file, head=head, progress=_progress
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Restored {manifest.row_count} rows in {len(manifest.tables)} tables and "
        f"{len(manifest.files)} files from {file} (made {manifest.created_at})."
    )
    pipeline = get_pipeline()
    try:
        total = sum(len(list(t.indexable_ids(db.session))) for t in pipeline.registry)
        db.session.rollback()
        with click.progressbar(
            length=total, label="Indexing", show_pos=True, file=sys.stderr
        ) as bar:
            count = pipeline.rebuild(progress=bar.update)
    except Exception as error:
        raise click.ClickException(
            f"The data is restored, but rebuilding the search index failed ({error}): "
            "run `kmrg search rebuild`."
        ) from error
    click.echo(f"Indexed {count} documents.")
