"""Case studies as evidence of expertise: those a person owns, is a contact for, or wrote.

Only published case studies count: a draft is not yet a record the Hub stands behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, selectinload

from kmrg.casestudies.models import CaseStudy, CaseStudyOwner, CaseStudyStatus
from kmrg.casestudies.permissions import can_view_case_study
from kmrg.experts.evidence import (
    EvidenceItem,
    EvidenceProvider,
    evidence_url,
    register_evidence_provider,
)

KIND = "case_study"
AUTHOR_ROLE = "Wrote the case study"
OWNER_ROLE = "Project owner"
CONTACT_ROLE = "Contact"


def _roles(case_study: CaseStudy, user_id: int) -> list[str]:
    roles = []
    for owner in case_study.owners:
        if owner.user_id == user_id:
            role = CONTACT_ROLE if owner.is_contact else OWNER_ROLE
            if role not in roles:
                roles.append(role)
    if case_study.author_id == user_id:
        roles.append(AUTHOR_ROLE)
    return roles


def _role_text(roles: list[str]) -> str:
    # "Project owner, wrote the case study": one item per case study, whatever the person did.
    return ", ".join([roles[0], *(role[0].lower() + role[1:] for role in roles[1:])])


def _item(case_study: CaseStudy, roles: list[str]) -> EvidenceItem:
    return EvidenceItem(
        kind=KIND,
        kind_label="Case study",
        role=_role_text(roles),
        title=case_study.title,
        url=evidence_url("casestudies.show_case_study", slug=case_study.slug),
        theme_ids=tuple(sorted(theme.id for theme in case_study.themes)),
        happened_on=case_study.published_at.date() if case_study.published_at else None,
        is_public=case_study.status is CaseStudyStatus.PUBLISHED,
        viewable_by=lambda viewer: can_view_case_study(viewer, case_study),
    )


def collect_case_study_evidence(
    session: Session, user_ids: Sequence[int]
) -> dict[int, list[EvidenceItem]]:
    """Return each person's published case studies as evidence, by user id (three queries)."""
    wanted = set(user_ids)
    found: dict[int, list[EvidenceItem]] = {user_id: [] for user_id in wanted}
    if not wanted:
        return found
    people = sorted(wanted)
    owned = select(CaseStudyOwner.case_study_id).where(CaseStudyOwner.user_id.in_(people))
    case_studies = session.scalars(
        select(CaseStudy)
        .options(selectinload(CaseStudy.themes), selectinload(CaseStudy.owners))
        .where(
            CaseStudy.status == CaseStudyStatus.PUBLISHED,
            CaseStudy.author_id.in_(people) | CaseStudy.id.in_(owned),
        )
    )
    for case_study in case_studies:
        involved = {o.user_id for o in case_study.owners if o.user_id in wanted}
        if case_study.author_id in wanted:
            involved.add(case_study.author_id)
        for user_id in involved:
            found[user_id].append(_item(case_study, _roles(case_study, user_id)))
    return found


def _people_of_case_study(case_study: CaseStudy, connection: Connection) -> Iterable[int]:
    if case_study.id is None:
        return []
    owners = connection.execute(
        select(CaseStudyOwner.user_id).where(
            CaseStudyOwner.case_study_id == case_study.id, CaseStudyOwner.user_id.is_not(None)
        )
    ).scalars()
    people: set[Any] = set(owners)
    # It runs after the flush: the author it replaced, if any, is only in the attribute history.
    people.update(inspect(case_study).attrs.author_id.history.deleted or ())
    people.add(case_study.author_id)
    return {person for person in people if person is not None}


def _person_of_owner(owner: CaseStudyOwner, _connection: Connection) -> Iterable[int]:
    return [owner.user_id] if owner.user_id is not None else []


def register_expert_evidence() -> None:
    """Register case studies as evidence of their owners', contacts' and authors' expertise."""
    register_evidence_provider(
        EvidenceProvider(
            name=KIND,
            label="Case studies",
            collect=collect_case_study_evidence,
            dependents={CaseStudy: _people_of_case_study, CaseStudyOwner: _person_of_owner},
        )
    )
