"""Organisation services, called directly: no HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kmrg.audit.models import AuditEvent
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import StaleEditError
from kmrg.organisations import services
from kmrg.organisations.models import Organisation, OrganisationKind, Province
from kmrg.organisations.queries import count_by_kind
from tests import factories


def create(session, actor, **overrides):
    data = {
        "code": "kzn999",
        "name": "  Umgungundlovu   Test  Municipality ",
        "kind": OrganisationKind.LOCAL,
        "province": Province.KZN,
    }
    data.update(overrides)
    return services.create_organisation(session, actor, **data)


def events(session, action):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_administrator_adds_an_organisation_and_it_is_audited(session, admin):
    organisation = create(session, admin)
    session.commit()

    assert organisation.code == "KZN999"
    assert organisation.name == "Umgungundlovu Test Municipality"
    assert organisation.is_retired is False
    (event,) = events(session, "organisation.created")
    assert event.actor_id == admin.id
    assert event.target_type == "organisations"
    assert event.target_id == str(organisation.id)
    assert event.target_label == "Umgungundlovu Test Municipality"


def test_a_local_municipality_belongs_to_a_district(session, admin):
    district = factories.make_organisation(
        session, code="DC22", kind=OrganisationKind.DISTRICT, province=Province.KZN
    )
    local = create(session, admin, district=district)
    session.commit()
    assert local.district is district
    assert district.locals == [local]


@pytest.mark.parametrize(
    ("kind", "district_kind"),
    [
        (OrganisationKind.METROPOLITAN, OrganisationKind.DISTRICT),
        (OrganisationKind.LOCAL, OrganisationKind.LOCAL),
    ],
)
def test_only_a_local_belongs_to_a_district(session, admin, kind, district_kind):
    other = factories.make_organisation(session, code="OTHER1", kind=district_kind)
    with pytest.raises(ValidationError) as caught:
        create(session, admin, kind=kind, district=other)
    assert caught.value.field == "district"


@pytest.mark.parametrize("code", ["", "B", "1BUF", "BU F", "BUF!", "A" * 21, "-BUF"])
def test_a_bad_code_is_refused(session, admin, code):
    with pytest.raises(ValidationError) as caught:
        create(session, admin, code=code)
    assert caught.value.field == "code"


def test_a_code_already_taken_is_refused_whatever_its_case(session, admin, organisation):
    with pytest.raises(ValidationError, match="BUF is already taken") as caught:
        create(session, admin, code="buf")
    assert caught.value.field == "code"


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_a_bad_name_is_refused(session, admin, name):
    with pytest.raises(ValidationError) as caught:
        create(session, admin, name=name)
    assert caught.value.field == "name"


@pytest.mark.parametrize("role", ["member", "champion", "applicant"])
def test_only_administrators_add_organisations(request, session, role):
    with pytest.raises(PermissionDenied):
        create(session, request.getfixturevalue(role))
    session.rollback()
    assert session.scalar(select(Organisation).where(Organisation.code == "KZN999")) is None


def test_renaming_keeps_the_code_and_records_both_names(session, admin, organisation):
    services.rename_organisation(
        session, admin, organisation, "Buffalo City Metro", organisation.version
    )
    session.commit()

    assert organisation.name == "Buffalo City Metro"
    assert organisation.code == "BUF"
    assert organisation.version == 2
    (event,) = events(session, "organisation.renamed")
    assert event.summary == "Buffalo City Metropolitan Municipality → Buffalo City Metro"


def test_renaming_to_the_same_name_changes_nothing(session, admin, organisation):
    services.rename_organisation(
        session, admin, organisation, " Buffalo City  Metropolitan Municipality ", 1
    )
    session.commit()
    assert organisation.version == 1
    assert events(session, "organisation.renamed") == []


def test_a_stale_rename_is_refused(session, admin, organisation):
    services.rename_organisation(session, admin, organisation, "Buffalo City Metro", 1)
    session.commit()

    with pytest.raises(StaleEditError):
        services.rename_organisation(session, admin, organisation, "Another name", 1)
    session.rollback()
    assert organisation.name == "Buffalo City Metro"


def test_renaming_to_a_blank_name_is_refused(session, admin, organisation):
    with pytest.raises(ValidationError) as caught:
        services.rename_organisation(session, admin, organisation, "  ", organisation.version)
    assert caught.value.field == "name"


@pytest.mark.parametrize("role", ["member", "champion"])
def test_only_administrators_rename(request, session, organisation, role):
    with pytest.raises(PermissionDenied):
        services.rename_organisation(
            session, request.getfixturevalue(role), organisation, "Mine now", organisation.version
        )


def test_retiring_and_restoring_are_audited_once_each(session, admin, organisation):
    services.set_organisation_retired(session, admin, organisation, True)
    services.set_organisation_retired(session, admin, organisation, True)
    session.commit()
    assert organisation.is_retired is True

    services.set_organisation_retired(session, admin, organisation, False)
    session.commit()
    assert organisation.is_retired is False
    assert len(events(session, "organisation.retired")) == 1
    assert len(events(session, "organisation.restored")) == 1


@pytest.mark.parametrize("role", ["member", "champion"])
def test_only_administrators_retire(request, session, organisation, role):
    with pytest.raises(PermissionDenied):
        services.set_organisation_retired(
            session, request.getfixturevalue(role), organisation, True
        )


# The reference data: every South African municipality (2016 demarcation) and the partners.


def kinds(session) -> dict[OrganisationKind, int]:
    return count_by_kind(session)


def test_import_loads_every_municipality(session):
    report = services.import_reference_organisations(session)
    session.commit()

    counts = kinds(session)
    assert counts[OrganisationKind.METROPOLITAN] == 8
    assert counts[OrganisationKind.DISTRICT] == 44
    assert counts[OrganisationKind.LOCAL] == 205
    assert report.added == sum(counts.values())
    assert report.updated == 0


def test_every_local_municipality_has_a_district_in_its_own_province(session):
    services.import_reference_organisations(session)
    session.commit()

    locals_ = session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.LOCAL)
    ).all()
    assert len(locals_) == 205
    for local in locals_:
        assert local.district is not None, local.code
        assert local.district.kind is OrganisationKind.DISTRICT, local.code
        assert local.district.province is local.province, local.code
    for district in session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.DISTRICT)
    ):
        assert district.locals, district.code


def test_importing_twice_changes_nothing(session):
    first = services.import_reference_organisations(session)
    session.commit()
    before = {
        o.code: (o.name, o.kind, o.province, o.district_id, o.version)
        for o in session.scalars(select(Organisation))
    }

    second = services.import_reference_organisations(session)
    session.commit()
    after = {
        o.code: (o.name, o.kind, o.province, o.district_id, o.version)
        for o in session.scalars(select(Organisation))
    }

    assert (second.added, second.updated, second.unchanged) == (0, 0, first.added)
    assert after == before


def test_an_organisation_an_administrator_retired_stays_retired_after_a_reimport(session, admin):
    services.import_reference_organisations(session)
    session.commit()
    buffalo_city = session.scalar(select(Organisation).where(Organisation.code == "BUF"))
    services.set_organisation_retired(session, admin, buffalo_city, True)
    session.commit()

    services.import_reference_organisations(session)
    session.commit()
    session.expire_all()

    assert session.scalar(select(Organisation.is_retired).where(Organisation.code == "BUF")) is True
    assert (
        session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.is_retired.is_(True))
        )
        == 1
    )


def test_an_administrators_rename_survives_a_reimport(session, admin):
    services.import_reference_organisations(session)
    session.commit()
    buffalo_city = session.scalar(select(Organisation).where(Organisation.code == "BUF"))
    services.rename_organisation(
        session, admin, buffalo_city, "Buffalo City (renamed by the Hub)", buffalo_city.version
    )
    session.commit()

    services.import_reference_organisations(session)
    session.commit()
    session.expire_all()

    name = session.scalar(select(Organisation.name).where(Organisation.code == "BUF"))
    assert name == "Buffalo City (renamed by the Hub)"
