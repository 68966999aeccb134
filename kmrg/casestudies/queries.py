"""Read case studies: lists with filters, single records, revisions, the feed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from kmrg.casestudies.models import (
    Adaptation,
    CaseStudy,
    CaseStudyOwner,
    CaseStudyRevision,
    CaseStudyStatus,
    case_study_themes,
)
from kmrg.casestudies.permissions import can_view_unpublished
from kmrg.organisations.models import Organisation, Province
from kmrg.organisations.queries import CATEGORIES
from kmrg.themes.models import Theme

SORTS = {"newest": "Newest first", "title": "Title"}
FEED_SIZE = 20


@dataclass(frozen=True)
class CaseStudyFilters:
    """What a reader narrowed the list to; unknown values are dropped before they get here."""

    theme: str | None = None
    province: Province | None = None
    category: str | None = None
    organisation: str | None = None
    year: int | None = None
    status: CaseStudyStatus | None = None
    sort: str = "newest"

    @property
    def is_active(self) -> bool:
        return any(
            (self.theme, self.province, self.category, self.organisation, self.year, self.status)
        )


def get_case_study_by_slug(session: Session, slug: str) -> CaseStudy | None:
    """Return the case study with this slug (whatever its status), if any."""
    return session.scalar(
        select(CaseStudy)
        .options(
            joinedload(CaseStudy.organisation),
            selectinload(CaseStudy.themes),
            selectinload(CaseStudy.owners).joinedload(CaseStudyOwner.user),
        )
        .where(CaseStudy.slug == slug)
    )


def _visible_to(viewer: Any) -> Any:
    """Return the SQL condition for the case studies `viewer` may see (see permissions)."""
    published = CaseStudy.status == CaseStudyStatus.PUBLISHED
    if not can_view_unpublished(viewer):
        return published
    if getattr(viewer, "is_admin", False):
        return CaseStudy.id.is_not(None)
    conditions = [published, CaseStudy.author_id == viewer.id]
    if getattr(viewer, "is_champion", False) and viewer.organisation_id is not None:
        conditions.append(CaseStudy.organisation_id == viewer.organisation_id)
    return or_(*conditions)


def case_studies_query(viewer: Any, filters: CaseStudyFilters) -> Select[tuple[CaseStudy]]:
    """Return the case studies `viewer` may see that match `filters`, sorted as asked."""
    query = (
        select(CaseStudy)
        .join(CaseStudy.organisation)
        .options(
            joinedload(CaseStudy.organisation),
            selectinload(CaseStudy.themes),
        )
        .where(_visible_to(viewer))
    )
    if filters.status is not None:
        query = query.where(CaseStudy.status == filters.status)
    elif not can_view_unpublished(viewer):
        query = query.where(CaseStudy.status == CaseStudyStatus.PUBLISHED)
    else:
        # Archived ones are history: listed only when asked for by status.
        query = query.where(CaseStudy.status != CaseStudyStatus.ARCHIVED)
    if filters.theme:
        query = query.where(
            CaseStudy.id.in_(
                select(case_study_themes.c.case_study_id)
                .join(Theme, Theme.id == case_study_themes.c.theme_id)
                .where(Theme.slug == filters.theme)
            )
        )
    if filters.province is not None:
        query = query.where(Organisation.province == filters.province)
    if filters.category:
        kind = CATEGORIES.get(filters.category)
        query = query.where(Organisation.kind == kind) if kind else query.where(false())
    if filters.organisation:
        query = query.where(Organisation.code == filters.organisation.upper())
    if filters.year is not None:
        # The period covers the year: it started by then and had not ended before it.
        query = query.where(
            CaseStudy.start_year <= filters.year,
            func.coalesce(CaseStudy.end_year, CaseStudy.start_year) >= filters.year,
        )
    if filters.sort == "title":
        return query.order_by(func.lower(CaseStudy.title), CaseStudy.id)
    newest = func.coalesce(CaseStudy.published_at, CaseStudy.updated_at, CaseStudy.created_at)
    return query.order_by(newest.desc(), CaseStudy.id.desc())


def feed_case_studies(session: Session, limit: int = FEED_SIZE) -> list[CaseStudy]:
    """Return the most recently published case studies, newest first."""
    return list(
        session.scalars(
            select(CaseStudy)
            .options(joinedload(CaseStudy.organisation), selectinload(CaseStudy.themes))
            .where(CaseStudy.status == CaseStudyStatus.PUBLISHED)
            .order_by(CaseStudy.published_at.desc(), CaseStudy.id.desc())
            .limit(limit)
        )
    )


def list_revisions(session: Session, case_study: CaseStudy) -> list[CaseStudyRevision]:
    """Return a case study's revisions, newest first, with their editors."""
    return list(
        session.scalars(
            select(CaseStudyRevision)
            .options(joinedload(CaseStudyRevision.editor))
            .where(CaseStudyRevision.case_study_id == case_study.id)
            .order_by(CaseStudyRevision.number.desc())
        )
    )


def get_revision(session: Session, case_study: CaseStudy, number: int) -> CaseStudyRevision | None:
    """Return revision `number` of a case study, if it exists."""
    return session.scalar(
        select(CaseStudyRevision).where(
            CaseStudyRevision.case_study_id == case_study.id, CaseStudyRevision.number == number
        )
    )


def years_with_case_studies(session: Session) -> list[int]:
    """Return the years some published case study covers, newest first (for the year filter)."""
    years: set[int] = set()
    rows = session.execute(
        select(CaseStudy.start_year, CaseStudy.end_year).where(
            CaseStudy.status == CaseStudyStatus.PUBLISHED, CaseStudy.start_year.is_not(None)
        )
    )
    for start, end in rows:
        years.update(range(start, (end or start) + 1))
    return sorted(years, reverse=True)


def owner_lines(owners: Sequence[CaseStudyOwner]) -> str:
    """Write owners back as the lines the edit form reads (see owners.parse_owner_lines)."""
    lines = []
    for owner in owners:
        who = owner.user.email if owner.user is not None else owner.external_name
        if owner.is_contact:
            lines.append(f"{who} | {owner.role} | contact")
        else:
            lines.append(f"{who} | {owner.role}" if owner.role else who)
    return "\n".join(lines)


def organisations_with_case_studies(session: Session, viewer: Any) -> list[Organisation]:
    """Return the organisations with at least one case study `viewer` may see, by name."""
    ids = select(CaseStudy.organisation_id).where(_visible_to(viewer))
    return list(
        session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
        )
    )


def organisation_id_choices(session: Session) -> list[tuple[int, str]]:
    """Return (id, "Name (CODE)") of every current organisation, by name."""
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.code)
        .where(Organisation.is_retired.is_(False))
        .order_by(Organisation.name)
    )
    return [(o_id, f"{name} ({code})") for o_id, name, code in rows]


def count_published_case_studies(session: Session) -> int:
    """Return how many case studies are published."""
    return (
        session.scalar(
            select(func.count())
            .select_from(CaseStudy)
            .where(CaseStudy.status == CaseStudyStatus.PUBLISHED)
        )
        or 0
    )


@dataclass(frozen=True)
class AdaptationSummary:
    """How often and where a case study was reused."""

    count: int
    organisations: list[Organisation] = field(default_factory=list)
    adaptations: list[Adaptation] = field(default_factory=list)


def list_adaptations(session: Session, case_study_id: int) -> list[Adaptation]:
    """Return the adaptations of a case study, oldest first."""
    return list(
        session.scalars(
            select(Adaptation)
            .options(joinedload(Adaptation.organisation), joinedload(Adaptation.recorded_by))
            .where(Adaptation.case_study_id == case_study_id)
            .order_by(Adaptation.created_at, Adaptation.id)
        )
    )


def adaptation_summary(session: Session, case_study_id: int) -> AdaptationSummary:
    """Return how many times a case study was reused, and by which organisations."""
    adaptations = list_adaptations(session, case_study_id)
    organisations: dict[int, Organisation] = {}
    for adaptation in adaptations:
        organisations.setdefault(adaptation.organisation_id, adaptation.organisation)
    return AdaptationSummary(
        count=len(adaptations),
        organisations=list(organisations.values()),
        adaptations=adaptations,
    )


def adaptations_context(session: Session, case_study: CaseStudy) -> dict[str, Any]:
    """Return the variables templates/casestudies/_adaptations.html needs."""
    return {
        "adaptation_summary": adaptation_summary(session, case_study.id),
        "adapted_case_study": case_study,
    }
