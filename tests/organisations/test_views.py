"""The organisations pages through the real app."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.auth.models import ProfileVisibility, Role
from kmrg.organisations.models import Organisation, OrganisationKind, Province
from kmrg.organisations.services import import_reference_organisations
from tests import factories
from tests.factories import post, sign_in


def reload(session, organisation: Organisation) -> Organisation:
    # End the test's own read transaction (on SQLite it would keep showing its old snapshot),
    # then forget what it loaded: rollback without a transaction expires nothing.
    session.rollback()
    session.expire_all()
    return session.get(Organisation, organisation.id)


@pytest.fixture
def reference_data(session):
    import_reference_organisations(session)
    session.commit()


@pytest.fixture
def signed_in_admin(client, admin):
    sign_in(client, admin)
    return admin


# The public list and page.


def test_the_list_counts_and_groups_every_municipality(client, reference_data):
    page = client.get("/organisations/").get_data(as_text=True)
    assert "8 metropolitan, 44 district" in page
    assert "205 local municipalities" in page
    assert "<h2" in page and "KwaZulu-Natal" in page and "Western Cape" in page
    # A local shows its district.
    assert "Msunduzi Local Municipality" in page
    assert "uMgungundlovu District Municipality" in page
    assert "<img" not in page


def test_the_list_filters_by_province_and_kind_without_javascript(client, reference_data):
    page = client.get("/organisations/?province=WC&kind=district").get_data(as_text=True)
    assert "Cape Winelands District Municipality" in page
    assert "City of Cape Town" not in page
    assert "Drakenstein" not in page
    assert "Umgungundlovu" not in page
    assert '<option selected value="WC">' in page


def test_the_list_shows_national_bodies_under_national(client, reference_data):
    page = client.get("/organisations/?province=national").get_data(as_text=True)
    assert "South African Local Government Association" in page
    assert "Buffalo City" not in page


def test_the_list_ignores_a_filter_it_does_not_know(client, organisation):
    response = client.get("/organisations/?province=XX&kind=castle")
    assert response.status_code == 200
    assert "Buffalo City Metropolitan Municipality" in response.get_data(as_text=True)


def test_the_list_leaves_out_retired_organisations(client, session, organisation):
    organisation.is_retired = True
    session.commit()
    assert "Buffalo City" not in client.get("/organisations/").get_data(as_text=True)


def test_a_district_page_links_its_local_municipalities(client, reference_data):
    page = client.get("/organisations/DC22").get_data(as_text=True)
    assert "uMgungundlovu District Municipality" in page
    assert 'href="/organisations/KZN225"' in page
    assert "Category" in page and ">C<" in page


def test_a_local_municipality_page_links_its_district(client, reference_data):
    page = client.get("/organisations/kzn225").get_data(as_text=True)
    assert "Msunduzi Local Municipality" in page
    assert 'href="/organisations/DC22"' in page


def test_an_unknown_code_is_not_found(client):
    assert client.get("/organisations/NOPE").status_code == 404


def test_a_retired_organisation_still_shows_with_a_notice(client, session, organisation):
    organisation.is_retired = True
    session.commit()
    response = client.get("/organisations/BUF")
    assert response.status_code == 200
    assert "This organisation is retired" in response.get_data(as_text=True)


@pytest.fixture
def people(session, organisation):
    make = factories.make_user
    return {
        visibility: make(
            session,
            name=f"{visibility.value.title()} Person",
            organisation=organisation,
            profile_visibility=visibility,
        )
        for visibility in ProfileVisibility
    }


def test_anonymous_visitors_see_only_people_who_chose_to_be_public(client, people):
    page = client.get("/organisations/BUF").get_data(as_text=True)
    assert "Public Person" in page
    assert f'href="/people/{people[ProfileVisibility.PUBLIC].id}"' in page
    assert "Members Person" not in page
    assert "Hidden Person" not in page


@pytest.mark.parametrize("role", ["member", "outsider_champion"])
def test_signed_in_members_also_see_people_visible_to_members(request, client, people, role):
    sign_in(client, request.getfixturevalue(role))
    page = client.get("/organisations/BUF").get_data(as_text=True)
    assert "Public Person" in page
    assert "Members Person" in page
    assert "Hidden Person" not in page


def test_champions_are_listed_first_and_marked(client, session, organisation, people):
    factories.make_user(
        session,
        name="Zanele Champion",
        role=Role.CHAMPION,
        organisation=organisation,
        profile_visibility=ProfileVisibility.PUBLIC,
    )
    page = client.get("/organisations/BUF").get_data(as_text=True)
    assert page.index("Zanele Champion") < page.index("Public Person")
    assert "KM champion" in page


def test_administrators_see_everyone(client, people, admin):
    sign_in(client, admin)
    page = client.get("/organisations/BUF").get_data(as_text=True)
    assert "Hidden Person" in page
    assert "Members Person" in page


def test_people_of_other_organisations_are_not_listed(
    client, session, organisation, other_organisation
):
    factories.make_user(
        session,
        name="Elsewhere Person",
        organisation=other_organisation,
        profile_visibility=ProfileVisibility.PUBLIC,
    )
    assert "Elsewhere Person" not in client.get("/organisations/BUF").get_data(as_text=True)


def test_only_administrators_see_the_manage_buttons(client, organisation, member, admin):
    assert "/admin/organisations/BUF/edit" not in client.get("/organisations/BUF").get_data(
        as_text=True
    )
    sign_in(client, admin)
    assert "/admin/organisations/BUF/edit" in client.get("/organisations/BUF").get_data(
        as_text=True
    )


# Access to the administrators' pages.

ADMIN_PAGES = ["/admin/organisations/", "/admin/organisations/new", "/admin/organisations/BUF/edit"]
ACTIONS = ["/admin/organisations/BUF/retire", "/admin/organisations/BUF/restore"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, organisation, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ADMIN_PAGES + ACTIONS)
@pytest.mark.parametrize("role", ["member", "champion"])
def test_other_roles_are_refused(request, client, organisation, path, role):
    sign_in(client, request.getfixturevalue(role))
    response = post(client, path) if path in ACTIONS else client.get(path)
    assert response.status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_administrators_open_the_pages(client, organisation, signed_in_admin, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ACTIONS)
def test_actions_refuse_get(client, organisation, signed_in_admin, path):
    assert client.get(path).status_code == 405


@pytest.mark.parametrize(
    "path", [*ACTIONS, "/admin/organisations/new", "/admin/organisations/BUF/edit"]
)
def test_state_changes_refuse_a_post_without_csrf_token(
    client, session, organisation, signed_in_admin, path
):
    response = client.post(
        path,
        data={
            "code": "NEW",
            "name": "New",
            "kind": "network",
            "province": "",
            "district": "",
            "version": "1",
        },
    )
    assert response.status_code == 400
    assert reload(session, organisation).is_retired is False
    assert session.scalar(select(AuditEvent)) is None


def test_an_unknown_code_is_not_found_for_administrators(client, signed_in_admin):
    assert client.get("/admin/organisations/NOPE/edit").status_code == 404
    assert post(client, "/admin/organisations/NOPE/retire").status_code == 404


# The administrators' list.


def test_the_admin_list_searches_by_name_or_code_and_includes_retired(
    client, session, organisation, other_organisation, signed_in_admin
):
    organisation.is_retired = True
    session.commit()
    page = client.get("/admin/organisations/").get_data(as_text=True)
    assert "Buffalo City" in page and "Msunduzi" in page and "Retired" in page

    page = client.get("/admin/organisations/?q=buf").get_data(as_text=True)
    assert "Buffalo City" in page and "Msunduzi" not in page

    page = client.get("/admin/organisations/?q=msunduzi").get_data(as_text=True)
    assert "Buffalo City" not in page and "Msunduzi" in page

    page = client.get("/admin/organisations/?q=atlantis").get_data(as_text=True)
    assert "No organisation matches “atlantis”" in page


def test_the_admin_list_is_paginated(client, reference_data, signed_in_admin):
    first = client.get("/admin/organisations/").get_data(as_text=True)
    assert "Page 1 of" in first and 'rel="next"' in first
    second = client.get("/admin/organisations/?page=2")
    assert second.status_code == 200
    assert "Page 2 of" in second.get_data(as_text=True)


# Creating, renaming, retiring.


def test_an_administrator_adds_a_local_municipality_to_a_district(client, session, signed_in_admin):
    factories.make_organisation(
        session,
        code="DC99",
        name="Test District",
        kind=OrganisationKind.DISTRICT,
        province=Province.NW,
    )
    page = client.get("/admin/organisations/new").get_data(as_text=True)
    assert "Test District (DC99)" in page

    response = post(
        client,
        "/admin/organisations/new",
        {
            "code": "nw999",
            "name": "Test Local Municipality",
            "kind": "local",
            "province": "NW",
            "district": "DC99",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/NW999"
    created = session.scalar(select(Organisation).where(Organisation.code == "NW999"))
    assert created.district.code == "DC99"
    assert created.province is Province.NW
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Test Local Municipality (NW999) is added." in page


def test_a_national_body_needs_no_province(client, session, signed_in_admin):
    response = post(
        client,
        "/admin/organisations/new",
        {
            "code": "DPME",
            "name": "Department of Planning, Monitoring and Evaluation",
            "kind": "national",
            "province": "",
            "district": "",
        },
    )
    assert response.status_code == 302
    created = session.scalar(select(Organisation).where(Organisation.code == "DPME"))
    assert created.province is None


def test_a_taken_code_is_shown_beside_the_field_and_nothing_is_added(
    client, session, organisation, signed_in_admin
):
    response = post(
        client,
        "/admin/organisations/new",
        {
            "code": "buf",
            "name": "Another Buffalo",
            "kind": "metropolitan",
            "province": "EC",
            "district": "",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="code-error"' in page
    assert "The code BUF is already taken." in page
    assert 'value="Another Buffalo"' in page
    assert session.scalar(select(AuditEvent)) is None


def test_a_district_for_a_metro_is_refused(client, session, signed_in_admin):
    factories.make_organisation(session, code="DC99", kind=OrganisationKind.DISTRICT)
    response = post(
        client,
        "/admin/organisations/new",
        {
            "code": "NEW",
            "name": "New Metro",
            "kind": "metropolitan",
            "province": "GP",
            "district": "DC99",
        },
    )
    assert "Only a local municipality belongs to a district." in response.get_data(as_text=True)


def test_an_unknown_kind_is_refused_by_the_form(client, session, signed_in_admin):
    response = post(
        client,
        "/admin/organisations/new",
        {
            "code": "NEW",
            "name": "New",
            "kind": "castle",
            "province": "",
            "district": "",
        },
    )
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert session.scalar(select(Organisation).where(Organisation.code == "NEW")) is None


def test_an_administrator_renames_an_organisation(client, session, organisation, signed_in_admin):
    page = client.get("/admin/organisations/BUF/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page

    response = post(
        client, "/admin/organisations/BUF/edit", {"name": "Buffalo City Metro", "version": "1"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/BUF"
    assert reload(session, organisation).name == "Buffalo City Metro"
    assert "Buffalo City Metro is saved." in client.get("/organisations/BUF").get_data(as_text=True)


def test_a_stale_rename_keeps_the_typed_name_and_saves_nothing(
    client, session, organisation, signed_in_admin
):
    # Someone else renamed it after this form was opened at version 1.
    organisation.name = "Renamed Meanwhile"
    session.commit()

    response = post(
        client, "/admin/organisations/BUF/edit", {"name": "My New Name", "version": "1"}
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Someone changed this organisation since you opened the page" in page
    assert "It is now called “Renamed Meanwhile”" in page
    assert 'value="My New Name"' in page
    assert 'name="version" type="hidden" value="2"' in page
    assert reload(session, organisation).name == "Renamed Meanwhile"
    assert session.scalar(select(AuditEvent)) is None


def test_a_tampered_version_is_treated_as_stale(client, session, organisation, signed_in_admin):
    response = post(client, "/admin/organisations/BUF/edit", {"name": "X City", "version": "x"})
    assert "Someone changed this organisation" in response.get_data(as_text=True)
    assert reload(session, organisation).name == "Buffalo City Metropolitan Municipality"


def test_a_blank_name_is_refused(client, session, organisation, signed_in_admin):
    response = post(client, "/admin/organisations/BUF/edit", {"name": "", "version": "1"})
    assert response.status_code == 200
    assert 'id="name-error"' in response.get_data(as_text=True)


def test_an_administrator_retires_and_restores(client, session, organisation, signed_in_admin):
    response = post(client, "/admin/organisations/BUF/retire")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/BUF"
    assert reload(session, organisation).is_retired is True
    page = client.get("/organisations/BUF").get_data(as_text=True)
    assert "is retired: it is no longer offered" in page

    response = post(client, "/admin/organisations/BUF/restore")
    assert response.headers["Location"] == "/organisations/BUF"
    assert reload(session, organisation).is_retired is False
    assert [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == [
        "organisation.retired",
        "organisation.restored",
    ]
