"""`kmrg notify digests --daily|--weekly`: for cron or any scheduler."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from kmrg.extensions import db
from kmrg.notifications.digests import send_digests
from kmrg.notifications.models import Delivery

notify_group = AppGroup("notify", help="Notifications: send the daily or weekly digests.")


@notify_group.command("digests")
@click.option("--daily", "frequency", flag_value="daily", help="Send the daily digests.")
@click.option("--weekly", "frequency", flag_value="weekly", help="Send the weekly digests.")
def digests_command(frequency: str | None) -> None:
    """E-mail each person their notifications waiting for this digest (safe to run twice)."""
    if frequency is None:
        raise click.UsageError("Say which digests to send: --daily or --weekly.")
    sent = send_digests(db.session, Delivery(frequency), db.session.commit)
    click.echo(f"Queued {sent} {frequency} digest{'' if sent == 1 else 's'}.")
