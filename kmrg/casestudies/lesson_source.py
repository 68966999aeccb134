"""Case studies as a source of lessons: the adapter case studies plug into kmrg.lessons.sources."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kmrg.casestudies.models import CaseStudy, CaseStudyStatus
from kmrg.casestudies.permissions import can_view_case_study, is_case_study_public
from kmrg.lessons.sources import SourceKind, register_source

SOURCE_TYPE = "case_study"


def _load(session: Session, case_study_id: int) -> CaseStudy | None:
    return session.get(CaseStudy, case_study_id)


def _url(case_study: CaseStudy) -> str:
    return url_for("casestudies.show_case_study", slug=case_study.slug)


def _public_ids() -> Select[Any]:
    return select(CaseStudy.id).where(CaseStudy.status == CaseStudyStatus.PUBLISHED)


def _can_add_lesson(user: Any, case_study: CaseStudy) -> bool:
    # Lessons on a published case study are public at once, so only its own organisation's people
    # (and administrators) attach them, as they answer for the case study itself.
    if getattr(user, "is_admin", False):
        return True
    return (
        bool(getattr(user, "is_active", False))
        and user.organisation_id == case_study.organisation_id
        and can_view_case_study(user, case_study)
    )


def register_case_study_source() -> SourceKind:
    """Register case studies as a kind of lesson source."""
    return register_source(
        SOURCE_TYPE,
        "Case study",
        load=_load,
        title=lambda case_study: case_study.title,
        url=_url,
        can_view=can_view_case_study,
        is_public=is_case_study_public,
        public_ids=_public_ids,
        can_add_lesson=_can_add_lesson,
        model=CaseStudy,
        years=lambda case_study: case_study.covered_years,
    )
