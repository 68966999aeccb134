"""The place facets of search: province, organisation category and organisation.

Every area whose records belong to an organisation fills them with `organisation_facets`.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.organisations.models import (
    PROVINCE_NAMES,
    Organisation,
    OrganisationKind,
    Province,
)
from kmrg.search.registry import Facet, registry

PROVINCE = "province"
CATEGORY = "category"
ORGANISATION = "org"
# The demarcation categories people know municipalities by.
_CATEGORY_LETTERS = {
    "a": OrganisationKind.METROPOLITAN,
    "b": OrganisationKind.LOCAL,
    "c": OrganisationKind.DISTRICT,
    "metro": OrganisationKind.METROPOLITAN,
    "metros": OrganisationKind.METROPOLITAN,
}


def organisation_facets(
    organisation: Organisation | None, province: Province | None = None
) -> dict[str, list[str]]:
    """Return the place facets of a record of `organisation` (or only of a province)."""
    facets: dict[str, list[str]] = {}
    if organisation is not None:
        facets[ORGANISATION] = [organisation.code]
        facets[CATEGORY] = [organisation.kind.value]
        province = province or organisation.province
    if province is not None:
        facets[PROVINCE] = [province.value]
    return facets


def _normalise_province(typed: str) -> str | None:
    wanted = " ".join(typed.replace("-", " ").split()).casefold()
    for province in Province:
        name = PROVINCE_NAMES[province].replace("-", " ").casefold()
        if wanted in {province.value.casefold(), name}:
            return province.value
    return None


def _province_labels(_session: Session, values: Collection[str]) -> dict[str, str]:
    return {value: PROVINCE_NAMES[Province(value)] for value in values if value in set(Province)}


def _normalise_category(typed: str) -> str | None:
    wanted = typed.strip().casefold()
    if wanted in _CATEGORY_LETTERS:
        return _CATEGORY_LETTERS[wanted].value
    for kind in OrganisationKind:
        if wanted.rstrip("s") in {kind.value, kind.label.casefold()}:
            return kind.value
    return None


def _category_labels(_session: Session, values: Collection[str]) -> dict[str, str]:
    kinds = set(OrganisationKind)
    return {value: OrganisationKind(value).label for value in values if value in kinds}


def _normalise_code(typed: str) -> str | None:
    code = typed.strip().upper()
    return code if code and len(code) <= 20 and code.replace("-", "").isalnum() else None


def _organisation_labels(session: Session, values: Collection[str]) -> dict[str, str]:
    rows = session.execute(
        select(Organisation.code, Organisation.name).where(Organisation.code.in_(sorted(values)))
    )
    return dict(rows.all())


def register_search_facets() -> None:
    """Let searches be narrowed by province, organisation category and organisation."""
    registry.register_facet(
        Facet(
            name=PROVINCE,
            label="Province",
            normalise=_normalise_province,
            labels=_province_labels,
            order="label",
            example='province:"Eastern Cape"',
        )
    )
    registry.register_facet(
        Facet(
            name=CATEGORY,
            label="Organisation category",
            normalise=_normalise_category,
            labels=_category_labels,
            aliases=("kind",),
            example="category:metropolitan",
        )
    )
    registry.register_facet(
        Facet(
            name=ORGANISATION,
            label="Organisation",
            normalise=_normalise_code,
            labels=_organisation_labels,
            aliases=("organisation", "organization", "municipality"),
            example="org:BUF",
        )
    )
