"""The administrators' dashboard through the real app."""

from __future__ import annotations

import pytest

from kmrg.audit.services import record_event
from tests import factories
from tests.factories import sign_in


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["member", "champion"])
def test_other_roles_are_refused(request, client, role):
    sign_in(client, request.getfixturevalue(role))
    assert client.get("/admin/").status_code == 403


def test_the_dashboard_counts_what_needs_looking_after(
    client, session, admin, member, applicant, organisation, other_organisation
):
    other_organisation.is_retired = True
    factories.make_theme(session, "Infrastructure")
    retired = factories.make_theme(session, "Urban renewal")
    retired.is_retired = True
    session.commit()
    sign_in(client, admin)

    response = client.get("/admin/")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = " ".join(page.split())
    assert "1 pending application</a>" in text
    assert "2 active users</a>" in text
    assert "1 organisation</a>" in text
    assert "1 theme</a>" in text
    for link in [
        "/admin/users/pending",
        "/admin/users/",
        "/admin/organisations/",
        "/admin/themes/",
        "/admin/audit/",
    ]:
        assert f'href="{link}' in page
    assert "Nothing has changed yet." in page


def test_the_dashboard_shows_the_ten_latest_audit_events(client, session, admin, organisation):
    for number in range(12):
        record_event(session, admin, "organisation.renamed", organisation, f"change {number:02}")
    session.commit()
    sign_in(client, admin)

    page = client.get("/admin/").get_data(as_text=True)

    assert page.count("organisation.renamed</td>") == 10
    assert "change 11" in page
    assert "change 01" not in page
    assert 'href="/admin/audit/"' in page
