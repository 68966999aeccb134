"""The `kmrg` command: Flask's CLI group (run, db, shell …) plus the Hub's own commands."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from kmrg.backup.commands import export_command, import_command
from kmrg.events.commands import events_group
from kmrg.extensions import db
from kmrg.notifications.commands import notify_group


def _create_app() -> Flask:
    from kmrg.app import create_app
    from kmrg.config import ConfigurationError

    try:
        # A command is not a web worker: no indexer or extractor thread or mail sweep of its own
        # (`kmrg search worker` and `kmrg attachments worker` run theirs in the foreground; `kmrg
        # mail send-queued` sweeps once).
        return create_app(
            {
                "SEARCH_INDEXER_AUTOSTART": False,
                "ATTACHMENT_EXTRACTOR_AUTOSTART": False,
                "MAIL_SWEEP_AUTOSTART": False,
            }
        )
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app)
@click.pass_context
def main(context: click.Context) -> None:
    """KMRG Knowledge Hub management commands."""
    from kmrg.database import write_transactions

    # Commands write: take SQLite's write lock at the start of each transaction, never midway.
    context.with_resource(write_transactions())


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


@click.group("users", cls=AppGroup)
def users_group() -> None:
    """Manage accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice(["member", "champion", "admin"]),
    default="member",
    show_default=True,
)
@click.option("--organisation", "organisation_code", help="Organisation code, e.g. BUF.")
@click.option("--job-title", default="")
def create_user_command(
    email: str, name: str, role: str, organisation_code: str | None, job_title: str
) -> None:
    """Create an active account; the password is asked for, or read from standard input."""
    from kmrg.auth.models import Role
    from kmrg.auth.services import create_active_user
    from kmrg.exceptions import ValidationError
    from kmrg.organisations.queries import get_organisation_by_code

    organisation = None
    if organisation_code:
        organisation = get_organisation_by_code(db.session, organisation_code)
        if organisation is None:
            _fail(f"No organisation has the code {organisation_code!r}.")
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = create_active_user(
            db.session,
            None,
            name=name,
            email=email,
            role=Role(role),
            organisation=organisation,
            password=password,
            job_title=job_title,
        )
    except ValidationError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(f"Created {user.role.label.lower()} {user.name} <{user.email}>.")


@click.group("search", cls=AppGroup)
def search_group() -> None:
    """Maintain the search index."""


@search_group.command("rebuild")
def rebuild_command() -> None:
    """Rebuild the whole search index from the database."""
    from kmrg.search.pipeline import get_pipeline

    pipeline = get_pipeline()
    total = sum(len(list(t.indexable_ids(db.session))) for t in pipeline.registry)
    db.session.rollback()
    with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
        count = pipeline.rebuild(progress=bar.update)
    click.echo(f"Indexed {count} documents.")


@search_group.command("worker")
@click.option(
    "--poll", default=0.2, show_default=True, help="Seconds between looks at an empty outbox."
)
def worker_command(poll: float) -> None:
    """Index what the Hub's processes commit, until stopped (run it beside the web workers)."""
    import signal
    import threading

    from kmrg.search.pipeline import get_pipeline

    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    click.echo(f"Indexing the search outbox (every {poll} s when idle); Ctrl+C stops.")
    db.session.remove()
    get_pipeline().run_worker(poll, stop)
    click.echo("Stopped.")


@search_group.command("check")
def check_command() -> None:
    """Report documents missing from or extra in the index; exit 1 on any drift."""
    from kmrg.search.pipeline import get_pipeline

    pipeline = get_pipeline()
    with click.progressbar(length=2, label="Comparing") as bar:
        expected = set(pipeline.expected_keys())
        bar.update(1)
        indexed = set(pipeline.backend.keys())
        bar.update(1)
    missing, extra = sorted(expected - indexed), sorted(indexed - expected)
    for key in missing:
        click.echo(f"missing: {key}")
    for key in extra:
        click.echo(f"extra:   {key}")
    if missing or extra:
        click.echo(
            f"Drift: {len(missing)} missing, {len(extra)} extra. "
            "Run `kmrg search rebuild` to repair.",
            err=True,
        )
        sys.exit(1)
    click.echo(f"The index matches the database ({len(expected)} documents).")


@click.group("markdown", cls=AppGroup)
def markdown_group() -> None:
    """Stored Markdown."""


@markdown_group.command("rerender")
def rerender_command() -> None:
    """Re-render every stored Markdown field (after the sanitiser's allowlist changes)."""
    from kmrg.markdown import rerender_all

    changed = rerender_all(db.session)
    db.session.commit()
    click.echo(f"Re-rendered {changed} records.")


@click.group("organisations", cls=AppGroup)
def organisations_group() -> None:
    """Reference data of organisations."""


@organisations_group.command("import")
def import_organisations_command() -> None:
    """Load every South African municipality and the partner bodies (safe to repeat)."""
    from kmrg.organisations.services import import_reference_organisations

    report = import_reference_organisations(db.session)
    db.session.commit()
    click.echo(
        f"Organisations: {report.added} added, {report.updated} updated, "
        f"{report.unchanged} unchanged."
    )


@click.group("attachments", cls=AppGroup)
def attachments_group() -> None:
    """Stored attachment files."""


@attachments_group.command("sweep")
@click.option(
    "--older-than",
    "older_than",
    default=3600,
    show_default=True,
    help="Only files untouched for this many seconds (uploads in flight are younger).",
)
def sweep_attachments_command(older_than: int) -> None:
    """Delete stored files that no attachment refers to any more."""
    from kmrg.attachments.services import sweep_unreferenced_files

    removed = sweep_unreferenced_files(db.session, older_than_seconds=older_than)
    db.session.rollback()
    click.echo(f"Removed {removed} unreferenced files.")


@attachments_group.command("extract")
def extract_attachments_command() -> None:
    """Read the text of attachments waiting for it (uploads commit before their text is read)."""
    from sqlalchemy import func, select

    from kmrg.attachments.background import get_extractor
    from kmrg.attachments.models import Attachment, ExtractionStatus

    pending = select(func.count()).where(Attachment.extraction_status == ExtractionStatus.PENDING)
    waiting = db.session.scalar(pending)
    db.session.rollback()
    click.echo(f"{waiting} attachment(s) wait for their text to be read.")
    done = get_extractor().extract_pending(wait_for_lock=True)
    counts = dict(
        db.session.execute(
            select(Attachment.extraction_status, func.count()).group_by(
                Attachment.extraction_status
            )
        ).all()
    )
    db.session.rollback()
    summary = ", ".join(f"{counts.get(s, 0)} {s.value}" for s in ExtractionStatus)
    click.echo(f"Read {done}. Attachments now: {summary}.")


@attachments_group.command("worker")
@click.option(
    "--poll", default=2.0, show_default=True, help="Seconds between looks for pending files."
)
def extraction_worker_command(poll: float) -> None:
    """Read uploaded files' text until stopped (with KMRG_ATTACHMENT_EXTRACTION=worker)."""
    import signal
    import threading

    from kmrg.attachments.background import get_extractor

    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    click.echo(f"Reading the text of uploaded files (every {poll} s); Ctrl+C stops.")
    db.session.remove()
    get_extractor().run_worker(poll, stop)
    click.echo("Stopped.")


@click.group("experts", cls=AppGroup)
def experts_group() -> None:
    """Look after expert profiles."""


@experts_group.command("remind-stale")
def remind_stale_command() -> None:
    """E-mail the owners of profiles not confirmed for a year (run it daily from a scheduler)."""
    from kmrg.experts.services import send_stale_reminders

    reminded = send_stale_reminders(db.session)
    db.session.commit()
    click.echo(f"Reminded the owners of {len(reminded)} stale expert profile(s).")


@click.group("mail", cls=AppGroup)
def mail_group() -> None:
    """The outbox of the Hub's e-mail."""


@mail_group.command("send-queued")
@click.option(
    "--keep-days",
    type=click.IntRange(min=1),
    default=None,
    help="Delete sent, stored and failed messages older than this (default KMRG_MAIL_KEEP_DAYS).",
)
def send_queued_command(keep_days: int | None) -> None:
    """Send the queued e-mail that is due, then prune old messages (run it every minute)."""
    from datetime import timedelta

    from flask import current_app

    from kmrg.mail.delivery import deliver_due
    from kmrg.mail.services import prune_messages
    from kmrg.models import utcnow

    outcomes = deliver_due(db.engine)
    days = keep_days or int(current_app.config["MAIL_KEEP_DAYS"])
    pruned = prune_messages(db.session, utcnow() - timedelta(days=days))
    db.session.commit()
    tried = sum(outcomes.values())
    summary = ", ".join(f"{count} {status.value}" for status, count in sorted(outcomes.items()))
    click.echo(f"Tried {tried} queued message(s){': ' + summary if tried else ''}.")
    click.echo(f"Pruned {pruned} message(s) older than {days} days.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo content (safe to repeat) and print how to sign in."""
    from kmrg.demo import load_demo
    from kmrg.search.pipeline import get_pipeline

    credentials = load_demo(db.session)
    db.session.commit()
    # A few hundred documents: rebuilt whole each time, so an index written by an older release
    # (other fields, other text) never lingers on a development machine.
    count = get_pipeline().rebuild()
    click.echo(f"Demo content is loaded ({count} search documents).")
    click.echo(f"Sign in as an administrator: {credentials.admin_email} / {credentials.password}")
    click.echo(f"or as a KM champion:        {credentials.champion_email} / {credentials.password}")


for _command in (
    users_group,
    search_group,
    markdown_group,
    organisations_group,
    attachments_group,
    experts_group,
    mail_group,
    events_group,
    notify_group,
    demo_command,
    export_command,
    import_command,
):
    main.add_command(_command)
