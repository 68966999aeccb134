"""Administrators adding the same theme at the same moment: one adds it, the others are told."""

from __future__ import annotations

from sqlalchemy import select

from kmrg.auth.models import Role
from kmrg.themes import services
from kmrg.themes.models import Theme
from tests import factories
from tests.concurrency import all_at_once, wait_for_each_other_after
from tests.factories import post, sign_in

ADMINS = 3


def test_the_same_theme_added_at_once_is_added_once_and_the_others_are_told(
    app, session, monkeypatch
):
    clients = []
    for number in range(ADMINS):
        admin = factories.make_user(session, name=f"Admin {number}", role=Role.ADMIN)
        clients.append(app.test_client())
        sign_in(clients[-1], admin)
    if session.get_bind().dialect.name == "postgresql":
        # Everyone's check finds no such theme before anyone adds it.
        wait_for_each_other_after(monkeypatch, services, "_check", ADMINS)

    def add(number: int) -> tuple[int, str]:
        response = post(clients[number], "/admin/themes/new", {"name": "Water and sanitation"})
        return response.status_code, response.get_data(as_text=True)

    outcomes = all_at_once(ADMINS, add)

    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    statuses = sorted(status for status, _page in outcomes)
    assert statuses == [200] * (ADMINS - 1) + [302]
    for status, page in outcomes:
        if status == 200:
            assert "There is already a theme called Water and sanitation." in page
    session.rollback()
    assert list(session.scalars(select(Theme.slug))) == ["water-and-sanitation"]
