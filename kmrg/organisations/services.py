"""Change organisations, and load the reference list of municipalities and partners."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import StaleEditError
from kmrg.organisations import permissions
from kmrg.organisations.models import Organisation, OrganisationKind, Province

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9-]{1,19}$")
MUNICIPAL_KIND_BY_CATEGORY = {
    "A": OrganisationKind.METROPOLITAN,
    "B": OrganisationKind.LOCAL,
    "C": OrganisationKind.DISTRICT,
}


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Enter the organisation's name.", "name")
    if len(name) > 200:
        raise ValidationError("Keep the name under 200 characters.", "name")
    return name


def create_organisation(
    session: Session,
    actor: Any,
    *,
    code: str,
    name: str,
    kind: OrganisationKind,
    province: Province | None,
    district: Organisation | None = None,
) -> Organisation:
    """Add an organisation to the network."""
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied("Only administrators add organisations.")
    code = code.strip().upper()
    if not CODE_PATTERN.match(code):
        raise ValidationError(
            "Use 2–20 capital letters, digits or hyphens for the code, starting with a letter.",
            "code",
        )
    if session.scalar(select(Organisation.id).where(Organisation.code == code)):
        raise ValidationError(f"The code {code} is already taken.", "code")
    if district is not None and (
        kind is not OrganisationKind.LOCAL or district.kind is not OrganisationKind.DISTRICT
    ):
        raise ValidationError("Only a local municipality belongs to a district.", "district")
    organisation = Organisation(
        code=code, name=_clean_name(name), kind=kind, province=province, district=district
    )
    session.add(organisation)
    session.flush()
    record_event(session, actor, "organisation.created", organisation, kind.label)
    return organisation


def rename_organisation(
    session: Session, actor: Any, organisation: Organisation, name: str, expected_version: int
) -> None:
    """Give an organisation a new name (its code stays: links and records keep working)."""
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied("Only administrators rename organisations.")
    if organisation.version != expected_version:
        raise StaleEditError("Someone changed this organisation since you opened the page.")
    name = _clean_name(name)
    if name == organisation.name:
        return
    before = organisation.name
    organisation.name = name
    record_event(session, actor, "organisation.renamed", organisation, f"{before} → {name}")


def set_organisation_retired(
    session: Session, actor: Any, organisation: Organisation, retired: bool
) -> None:
    """Retire an organisation (it stays on its records but is no longer offered) or restore it."""
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied("Only administrators retire organisations.")
    if organisation.is_retired == retired:
        return
    organisation.is_retired = retired
    action = "organisation.retired" if retired else "organisation.restored"
    record_event(session, actor, action, organisation)


@dataclass
class ImportReport:
    """What loading the reference data changed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


def _read_rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("kmrg.organisations").joinpath("data", filename).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def import_reference_organisations(session: Session) -> ImportReport:
    """Load every South African municipality and the partner bodies; safe to run again.

    Existing organisations are matched by code; their kind and province are brought up to date,
    but an administrator's rename or retirement is left alone: the Hub's own record wins.
    """
    report = ImportReport()
    existing = {o.code: o for o in session.scalars(select(Organisation))}

    def upsert(code: str, name: str, kind: OrganisationKind, province: Province | None) -> None:
        organisation = existing.get(code)
        if organisation is None:
            organisation = Organisation(code=code, name=name, kind=kind, province=province)
            session.add(organisation)
            existing[code] = organisation
            report.added += 1
        elif (organisation.kind, organisation.province) != (kind, province):
            organisation.kind, organisation.province = kind, province
            report.updated += 1
        else:
            report.unchanged += 1

    municipalities = _read_rows("municipalities.csv")
    for row in municipalities:
        upsert(
            row["code"],
            row["name"],
            MUNICIPAL_KIND_BY_CATEGORY[row["category"]],
            Province(row["province"]),
        )
    for row in _read_rows("partners.csv"):
        upsert(
            row["code"],
            row["name"],
            OrganisationKind(row["kind"]),
            Province(row["province"]) if row["province"] else None,
        )
    session.flush()
    for row in municipalities:
        if row["district_code"]:
            local = existing[row["code"]]
            district = existing[row["district_code"]]
            if local.district_id != district.id:
                local.district = district
    session.flush()
    return report
