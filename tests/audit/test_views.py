"""The audit log page through the real app."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kmrg.audit.services import record_event
from tests import factories
from tests.factories import sign_in


@pytest.fixture
def logged_changes(session, admin, organisation):
    theme = factories.make_theme(session, "Infrastructure")
    renamed = record_event(session, admin, "organisation.renamed", organisation, "Old → New")
    renamed.occurred_at = datetime(2008, 2, 7, 9, 30, tzinfo=UTC)
    record_event(session, admin, "theme.created", theme)
    session.commit()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/audit/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["member", "champion"])
def test_other_roles_are_refused(request, client, role):
    sign_in(client, request.getfixturevalue(role))
    assert client.get("/admin/audit/").status_code == 403


def test_administrators_read_the_log(client, admin, logged_changes):
    sign_in(client, admin)
    response = client.get("/admin/audit/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "7 February 2008, 11:30 SAST" in page
    assert "organisation.renamed" in page
    assert "Buffalo City Metropolitan Municipality" in page
    assert "Old → New" in page
    assert "theme.created" in page
    assert "Ayanda Admin &lt;" in page
    assert page.index("theme.created</td>") < page.index("organisation.renamed</td>")


def test_the_log_filters_by_action_and_target_type(client, admin, logged_changes):
    sign_in(client, admin)
    page = client.get("/admin/audit/?action=theme.created").get_data(as_text=True)
    assert "theme.created</td>" in page
    assert "organisation.renamed</td>" not in page

    page = client.get("/admin/audit/?target_type=organisations").get_data(as_text=True)
    assert "theme.created</td>" not in page
    assert "organisation.renamed</td>" in page

    page = client.get("/admin/audit/?action=theme.created&target_type=organisations")
    assert "No events match these filters" in page.get_data(as_text=True)


def test_an_unknown_filter_shows_the_whole_log(client, admin, logged_changes):
    sign_in(client, admin)
    page = client.get("/admin/audit/?action=<script>&target_type=x").get_data(as_text=True)
    assert "theme.created</td>" in page
    assert "organisation.renamed</td>" in page
    assert "<script>" not in page


def test_the_log_is_paginated_fifty_to_a_page(client, session, admin, organisation):
    for number in range(51):
        record_event(session, admin, "organisation.renamed", organisation, f"change {number}")
    session.commit()
    sign_in(client, admin)

    first = client.get("/admin/audit/").get_data(as_text=True)
    assert first.count("organisation.renamed</td>") == 50
    assert "Page 1 of 2" in first
    second = client.get("/admin/audit/?page=2").get_data(as_text=True)
    assert second.count("organisation.renamed</td>") == 1
    assert client.get("/admin/audit/?page=9").status_code == 200
