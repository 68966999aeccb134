"""`kmrg events …`: the meetings area's commands (run from a scheduler)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from kmrg.extensions import db


@click.group("events", cls=AppGroup)
def events_group() -> None:
    """Meeting records."""


@events_group.command("remind")
@click.option(
    "--days-before",
    type=click.IntRange(min=0, max=90),
    default=7,
    show_default=True,
    help="Remind owners this many days before an action is due.",
)
def remind_command(days_before: int) -> None:
    """E-mail the owners of open actions due soon or overdue, once each (run it daily)."""
    from kmrg.events.reminders import send_action_reminders

    report = send_action_reminders(db.session, days_before=days_before)
    db.session.commit()
    click.echo(f"Reminded the owners of {report.reminded} action(s) ({report.messages} e-mail(s)).")
    if report.unreachable:
        click.echo(
            f"{report.unreachable} action(s) have nobody to remind (no active owner or champion)."
        )
