"""Read organisations."""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.organisations.models import Organisation, OrganisationKind, Province

# The categories of municipality lists are narrowed by, as they appear in URLs.
CATEGORIES = {
    "metropolitan": OrganisationKind.METROPOLITAN,
    "district": OrganisationKind.DISTRICT,
    "local": OrganisationKind.LOCAL,
}
_CODE_IN_LABEL = re.compile(r"\(([A-Z0-9-]{2,20})\)\s*$")


def organisation_label(organisation: Organisation) -> str:
    """Return how an organisation appears in pick lists: its name and code."""
    return f"{organisation.name} ({organisation.code})"


def get_organisation_by_code(session: Session, code: str) -> Organisation | None:
    """Return the organisation with this code (case-insensitive), if any."""
    return session.scalar(select(Organisation).where(Organisation.code == code.strip().upper()))


def find_organisation_by_label(session: Session, text: str | None) -> Organisation | None:
    """Resolve what a person typed or picked — "Name (CODE)", a code, or an exact name — to a
    current organisation."""
    text = " ".join((text or "").split())
    if not text:
        return None
    match = _CODE_IN_LABEL.search(text.upper())
    candidates = [match.group(1)] if match else []
    candidates.append(text.upper())
    for code in candidates:
        organisation = get_organisation_by_code(session, code)
        if organisation is not None and not organisation.is_retired:
            return organisation
    named = session.scalars(
        select(Organisation).where(
            func.lower(Organisation.name) == text.lower(), Organisation.is_retired.is_(False)
        )
    ).all()
    # Two municipalities share a name (Emalahleni); a bare name must be unambiguous.
    return named[0] if len(named) == 1 else None


def organisation_choices(session: Session) -> list[tuple[str, str]]:
    """Return (code, label) of every current organisation, by name, for pick lists."""
    organisations = session.scalars(
        select(Organisation)
        .where(Organisation.is_retired.is_(False))
        .order_by(func.lower(Organisation.name))
    )
    return [(o.code, organisation_label(o)) for o in organisations]


def organisations_by_province(
    session: Session, include_retired: bool = False
) -> dict[str, dict[OrganisationKind, list[Organisation]]]:
    """Group organisations by province name (national bodies under "National") and kind."""
    query = select(Organisation).order_by(func.lower(Organisation.name))
    if not include_retired:
        query = query.where(Organisation.is_retired.is_(False))
    grouped: dict[str, dict[OrganisationKind, list[Organisation]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for organisation in session.scalars(query):
        grouped[organisation.province_name][organisation.kind].append(organisation)
    order = [p.label for p in Province] + ["National"]
    kind_order = list(OrganisationKind)
    return {
        province: {kind: grouped[province][kind] for kind in kind_order if grouped[province][kind]}
        for province in order
        if province in grouped
    }


def count_by_kind(session: Session) -> dict[OrganisationKind, int]:
    """Return how many current organisations there are of each kind."""
    rows = session.execute(
        select(Organisation.kind, func.count())
        .where(Organisation.is_retired.is_(False))
        .group_by(Organisation.kind)
    )
    return {kind: count for kind, count in rows}  # noqa: C416 (rows are Row objects)
