"""`kmrg events remind`: owners are e-mailed once before the due date and once after, through a
real SMTP server, however often (or however many at once) the command runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kmrg.auth.models import AccountStatus, Role
from kmrg.cli import main
from kmrg.database import write_transactions
from kmrg.events import actions, reminders
from kmrg.events.models import (
    ActionReminder,
    ActionStatus,
    MeetingStatus,
    MeetingVisibility,
    ReminderKind,
)
from kmrg.events.reminders import send_action_reminders
from kmrg.extensions import db
from kmrg.localtime import local_today
from tests import factories
from tests.concurrency import all_at_once, wait_for_each_other_after
from tests.events.actions_support import add_action
from tests.events.conftest import invite
from tests.test_mail import smtp_server  # noqa: F401  (the real aiosmtpd server fixture)

TODAY = local_today()


@pytest.fixture
def smtp(app, smtp_server):  # noqa: F811
    """Send the app's mail to the real SMTP server the test started."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    return smtp_server


REMINDER_SUBJECTS = ("Action due ", "Overdue action: ")


def received(server) -> list[tuple[str, str, str]]:
    """Return (to, subject, body) of every reminder the server received, by recipient.

    Recording an action for a person also tells them at once (a notification e-mail, with an
    HTML part); those are not reminders.
    """
    messages = [r.message for r in server.handler.received]
    return sorted(
        (m["To"], m["Subject"], m.get_body(preferencelist=("plain",)).get_content())
        for m in messages
        if m["Subject"].startswith(REMINDER_SUBJECTS)
    )


def remind(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(main, args=["events", "remind", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def held(make_meeting):
    return make_meeting(
        title="KMRG meeting in Cape Town",
        status=MeetingStatus.HELD,
        day=TODAY - timedelta(days=20),
    )


def test_owners_are_reminded_once_before_and_once_after_the_due_date(
    session, app, smtp, held, guest, member, other_organisation, outsider_champion, champion
):
    deputy = factories.make_user(
        session, name="Dumisa Deputy", role=Role.CHAMPION, organisation=other_organisation
    )
    factories.make_user(
        session,
        name="Retired Champion",
        role=Role.CHAMPION,
        organisation=other_organisation,
        status=AccountStatus.DISABLED,
    )
    soon = add_action(
        session, held, "Send the audit template", owner=guest, due=TODAY + timedelta(days=3)
    )
    late = add_action(
        session,
        held,
        "Draft the terms of reference",
        organisation=other_organisation,
        due=TODAY - timedelta(days=2),
    )
    add_action(
        session, held, "Book the venue for 2032", owner=guest, due=TODAY + timedelta(days=30)
    )
    add_action(
        session,
        held,
        "Print the certificates",
        owner=guest,
        due=TODAY - timedelta(days=5),
        status=ActionStatus.DONE,
    )
    add_action(
        session,
        held,
        "Dropped idea",
        owner=guest,
        due=TODAY + timedelta(days=1),
        status=ActionStatus.DROPPED,
    )
    add_action(session, held, "Think about it", owner=member)

    output = remind(app)
    assert "Reminded the owners of 2 action(s) (3 e-mail(s))." in output
    first = received(smtp)
    assert [(to, subject) for to, subject, _body in first] == sorted(
        [
            (guest.email, f"Action due {soon.due_on:%d %b}: Send the audit template"),
            (outsider_champion.email, "Overdue action: Draft the terms of reference"),
            (deputy.email, "Overdue action: Draft the terms of reference"),
        ]
    )
    body = next(body for to, _subject, body in first if to == guest.email)
    assert "Send the audit template" in body
    assert '"KMRG meeting in Cape Town"' in body
    assert f"is due on {soon.due_on.day} {soon.due_on:%B %Y}" in body
    assert f"http://hub.test/meetings/actions/{soon.id}" in body
    late_body = next(body for to, _subject, body in first if to == deputy.email)
    assert "for Msunduzi Local Municipality" in late_body and "is still open" in late_body

    # The scheduler runs again (and again): nobody hears twice.
    assert "Reminded the owners of 0 action(s)" in remind(app)
    remind(app)
    assert received(smtp) == first

    # A new due date earns new reminders; the closed action still gets none.
    actions.edit_action(
        session,
        champion,
        soon,
        actions.ActionData(
            description=soon.description, owner_user_id=guest.id, due_on=TODAY + timedelta(days=6)
        ),
        expected_version=soon.version,
    )
    session.commit()
    remind(app)
    assert [to for to, _s, _b in received(smtp)].count(guest.email) == 2
    assert len(received(smtp)) == 4
    assert {(r.action_id, r.kind, r.due_on) for r in _reminders(session)} == {
        (soon.id, ReminderKind.BEFORE_DUE, TODAY + timedelta(days=3)),
        (soon.id, ReminderKind.BEFORE_DUE, TODAY + timedelta(days=6)),
        (late.id, ReminderKind.OVERDUE, TODAY - timedelta(days=2)),
    }


def test_the_days_before_are_an_option(session, app, smtp, held, guest):
    add_action(
        session, held, "Send the audit template", owner=guest, due=TODAY + timedelta(days=12)
    )
    assert "of 0 action(s)" in remind(app)
    assert "of 1 action(s)" in remind(app, "--days-before", "14")
    assert len(received(smtp)) == 1
    result = app.test_cli_runner().invoke(main, args=["events", "remind", "--days-before", "-1"])
    assert result.exit_code != 0


def test_nobody_who_may_not_see_the_meeting_is_mailed_about_it(
    session, app, smtp, make_meeting, guest, other_organisation, outsider_champion
):
    private = make_meeting(
        title="Closed session",
        status=MeetingStatus.HELD,
        day=TODAY - timedelta(days=9),
        visibility=MeetingVisibility.INVITED,
    )
    invite(session, private, guest)
    add_action(session, private, "Sign the MoU", owner=guest, due=TODAY - timedelta(days=1))
    add_action(
        session,
        private,
        "Host the signing",
        organisation=other_organisation,
        due=TODAY - timedelta(days=1),
    )
    output = remind(app)
    assert [to for to, _s, _b in received(smtp)] == [guest.email]
    assert "1 action(s) have nobody to remind" in output


def test_two_runs_at_once_send_each_reminder_once(session, app, smtp, held, guest, monkeypatch):
    add_action(session, held, "Send the audit template", owner=guest, due=TODAY + timedelta(days=2))
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        # Both runs find the reminder unsent before either records it.
        wait_for_each_other_after(monkeypatch, reminders, "was_reminded", 2)

    def run(_number: int) -> int:
        with app.app_context(), write_transactions():
            try:
                report = send_action_reminders(db.session)
                db.session.commit()
                return report.reminded
            finally:
                db.session.remove()

    outcomes = all_at_once(2, run)
    assert sorted(outcomes) == [0, 1], outcomes
    assert len(received(smtp)) == 1


def _reminders(session) -> list[ActionReminder]:
    session.rollback()
    return list(session.scalars(select(ActionReminder)))
