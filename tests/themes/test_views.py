"""The theme pages through the real app."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.themes.models import Theme
from tests import factories
from tests.factories import post, sign_in


def reload(session, theme: Theme) -> Theme:
    # End the test's own read transaction (on SQLite it would keep showing its old snapshot),
    # then forget what it loaded: rollback without a transaction expires nothing.
    session.rollback()
    session.expire_all()
    return session.get(Theme, theme.id)


@pytest.fixture
def theme(session):
    theme = factories.make_theme(session, "Revenue collection")
    theme.description = "Billing, credit control and indigent support."
    session.commit()
    return theme


@pytest.fixture
def retired_theme(session):
    theme = factories.make_theme(session, "Urban renewal")
    theme.is_retired = True
    session.commit()
    return theme


@pytest.fixture
def signed_in_admin(client, admin):
    sign_in(client, admin)
    return admin


def test_everyone_sees_the_current_themes_with_descriptions(client, theme, retired_theme):
    response = client.get("/themes/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Revenue collection" in page
    assert "Billing, credit control and indigent support." in page
    assert "Urban renewal" not in page
    assert "/admin/themes/" not in page


def test_administrators_see_a_link_to_manage_themes(client, theme, signed_in_admin):
    assert "/admin/themes/" in client.get("/themes/").get_data(as_text=True)


ADMIN_PAGES = ["/admin/themes/", "/admin/themes/new", "/admin/themes/revenue-collection/edit"]
ACTIONS = ["/admin/themes/revenue-collection/retire", "/admin/themes/revenue-collection/restore"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, theme, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ADMIN_PAGES + ACTIONS)
@pytest.mark.parametrize("role", ["member", "champion"])
def test_other_roles_are_refused(request, client, theme, path, role):
    sign_in(client, request.getfixturevalue(role))
    response = post(client, path) if path in ACTIONS else client.get(path)
    assert response.status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_administrators_open_the_pages(client, theme, signed_in_admin, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ACTIONS)
def test_actions_refuse_get(client, theme, signed_in_admin, path):
    assert client.get(path).status_code == 405


@pytest.mark.parametrize(
    "path", [*ACTIONS, "/admin/themes/new", "/admin/themes/revenue-collection/edit"]
)
def test_state_changes_refuse_a_post_without_csrf_token(
    client, session, theme, signed_in_admin, path
):
    response = client.post(path, data={"name": "Changed", "description": "", "version": "1"})
    assert response.status_code == 400
    assert session.scalar(select(AuditEvent)) is None


def test_an_unknown_slug_is_not_found(client, signed_in_admin):
    assert client.get("/admin/themes/nope/edit").status_code == 404
    assert post(client, "/admin/themes/nope/retire").status_code == 404


def test_the_admin_list_includes_retired_themes(client, theme, retired_theme, signed_in_admin):
    page = client.get("/admin/themes/").get_data(as_text=True)
    assert "Revenue collection" in page
    assert "Urban renewal" in page
    assert "Retired" in page


def test_an_administrator_adds_a_theme(client, session, signed_in_admin):
    response = post(
        client,
        "/admin/themes/new",
        {"name": "Water and sanitation", "description": "Bulk services."},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/themes/"
    created = session.scalar(select(Theme).where(Theme.slug == "water-and-sanitation"))
    assert created.description == "Bulk services."
    page = client.get("/admin/themes/").get_data(as_text=True)
    assert "The theme Water and sanitation is added." in page


def test_a_duplicate_name_is_shown_beside_the_field(client, session, theme, signed_in_admin):
    response = post(client, "/admin/themes/new", {"name": "revenue collection"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page
    assert "There is already a theme called Revenue collection." in page
    assert session.scalar(select(AuditEvent)) is None


def test_an_administrator_edits_a_theme(client, session, theme, signed_in_admin):
    page = client.get("/admin/themes/revenue-collection/edit").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{theme.version}"' in page
    assert "Billing, credit control and indigent support." in page

    response = post(
        client,
        "/admin/themes/revenue-collection/edit",
        {
            "name": "Revenue enhancement",
            "description": "More.",
            "version": str(theme.version),
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/themes/"
    theme = reload(session, theme)
    assert (theme.name, theme.description, theme.slug) == (
        "Revenue enhancement",
        "More.",
        "revenue-collection",
    )


def test_a_stale_edit_keeps_the_typed_text_and_saves_nothing(
    client, session, theme, signed_in_admin
):
    opened_at = theme.version
    theme.name = "Renamed Meanwhile"
    session.commit()

    response = post(
        client,
        "/admin/themes/revenue-collection/edit",
        {"name": "My Name", "description": "My words.", "version": str(opened_at)},
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Someone changed this theme since you opened the page" in page
    assert 'value="My Name"' in page
    assert "My words." in page
    assert f'name="version" type="hidden" value="{opened_at + 1}"' in page
    assert reload(session, theme).name == "Renamed Meanwhile"
    assert session.scalar(select(AuditEvent)) is None


def test_an_administrator_retires_and_restores_a_theme(client, session, theme, signed_in_admin):
    response = post(client, "/admin/themes/revenue-collection/retire")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/themes/"
    assert reload(session, theme).is_retired is True
    assert "<h2>Revenue collection</h2>" not in client.get("/themes/").get_data(as_text=True)

    response = post(client, "/admin/themes/revenue-collection/restore")
    assert response.headers["Location"] == "/admin/themes/"
    assert reload(session, theme).is_retired is False
    assert "<h2>Revenue collection</h2>" in client.get("/themes/").get_data(as_text=True)
