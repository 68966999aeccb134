"""Remind the owners of open actions by e-mail: once before the due date, once when it passed.

`kmrg events remind` runs this from a scheduler (daily). Each reminder is an ActionReminder row
per (action, kind, due date), inserted in the same transaction as its e-mails (the mail outbox),
so they commit or roll back together: a second run finds the row and sends nothing, two runs at
once collide on the row's unique constraint and the loser's savepoint takes its e-mails back, and
a new due date earns new reminders. Closed actions and unconfirmed imported meetings get none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.auth.queries import champions_of
from kmrg.events.action_queries import reminder_candidates
from kmrg.events.models import ActionItem, ActionReminder, ReminderKind
from kmrg.events.permissions import can_view_meeting
from kmrg.localtime import local_today
from kmrg.models import utcnow
from kmrg.notifications.emails import send_after_commit

DEFAULT_DAYS_BEFORE = 7
SUBJECT_LENGTH = 60


@dataclass
class ReminderReport:
    """What one run did: actions reminded, e-mails queued, actions with nobody to tell."""

    reminded: int = 0
    messages: int = 0
    unreachable: int = 0


def send_action_reminders(
    session: Session, *, today: date | None = None, days_before: int = DEFAULT_DAYS_BEFORE
) -> ReminderReport:
    """Queue the reminders due today (South African date) that were not sent before.

    An open action due within `days_before` days gets a "due soon" reminder, one whose due date
    has passed an "overdue" one. The e-mails go out when the caller commits.
    """
    today = today or local_today()
    report = ReminderReport()
    for action in reminder_candidates(session, today + timedelta(days=days_before)):
        if action.due_on is None:  # never: reminder_candidates has only dated actions
            continue
        kind = ReminderKind.OVERDUE if action.due_on < today else ReminderKind.BEFORE_DUE
        if was_reminded(session, action, kind):
            continue
        recipients = reminder_recipients(session, action)
        if not recipients:
            report.unreachable += 1
            continue
        if _remind(session, action, kind, recipients):
            report.reminded += 1
            report.messages += len(recipients)
    return report


def was_reminded(session: Session, action: ActionItem, kind: ReminderKind) -> bool:
    """Tell whether the reminder of this kind went out for the action's current due date."""
    return (
        session.scalars(
            select(ActionReminder.id).where(
                ActionReminder.action_id == action.id,
                ActionReminder.kind == kind,
                ActionReminder.due_on == action.due_on,
            )
        ).first()
        is not None
    )


def reminder_recipients(session: Session, action: ActionItem) -> list[User]:
    """Return who is told about `action`: its owner, or its organisation's active champions.

    Only people who may see the meeting: the e-mail names it.
    """
    if action.owner_user is not None:
        people = [action.owner_user]
    elif action.owner_organisation_id is not None:
        people = champions_of(session, action.owner_organisation_id)
    else:
        people = []
    return [person for person in people if can_view_meeting(person, action.meeting)]


def _remind(
    session: Session, action: ActionItem, kind: ReminderKind, recipients: list[User]
) -> bool:
    """Record the reminder and queue its e-mails in one savepoint; False if another run did."""
    meeting = action.meeting
    description = " ".join(action.description.split())
    if len(description) > SUBJECT_LENGTH:
        description = description[: SUBJECT_LENGTH - 1].rstrip() + "…"
    subject = (
        f"Overdue action: {description}"
        if kind is ReminderKind.OVERDUE
        else f"Action due {action.due_on:%d %b}: {description}"
    )
    try:
        with session.begin_nested():
            session.add(
                ActionReminder(
                    action_id=action.id, kind=kind, due_on=action.due_on, sent_at=utcnow()
                )
            )
            # The unique constraint speaks here, before any e-mail is queued.
            session.flush()
            for person in recipients:
                send_after_commit(
                    session,
                    person.email,
                    subject,
                    "event_action_reminder",
                    recipient=person,
                    action=action,
                    meeting=meeting,
                    is_overdue=kind is ReminderKind.OVERDUE,
                    for_organisation=action.owner_user is None,
                )
    except IntegrityError:
        # Another run sent this reminder meanwhile: its savepoint is gone, mail and all.
        return False
    return True
