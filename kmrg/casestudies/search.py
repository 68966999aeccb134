"""Published case studies as search documents; drafts never reach the index."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import url_for
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, joinedload, object_session, selectinload

from kmrg.casestudies.attachments import attachment_dependents, attachment_text
from kmrg.casestudies.models import SECTIONS, CaseStudy, CaseStudyStatus, case_study_themes
from kmrg.casestudies.permissions import can_view_case_study
from kmrg.markdown import markdown_to_text
from kmrg.organisations.models import Organisation
from kmrg.search.registry import Audience, DocumentType, SearchDocument, registry
from kmrg.themes.models import Theme

DOC_TYPE = "case_study"
WEIGHT = 1.2


def _attachment_text(case_study: CaseStudy) -> str:
    session = object_session(case_study)
    if session is None:
        return ""
    return attachment_text(session, case_study.id)


def build_case_study_document(case_study: CaseStudy) -> SearchDocument | None:
    """Return the searchable text of a published case study, or None for any other status."""
    if case_study.status is not CaseStudyStatus.PUBLISHED:
        return None
    organisation = case_study.organisation
    parts = [case_study.summary]
    parts += [markdown_to_text(getattr(case_study, name)) for name, _label in SECTIONS]
    parts += [theme.name for theme in case_study.themes]
    if organisation is not None:
        parts += [organisation.name, organisation.code, organisation.province_name]
    parts.append(_attachment_text(case_study))
    return SearchDocument(
        doc_type=DOC_TYPE,
        doc_id=str(case_study.id),
        title=case_study.title,
        body="\n\n".join(part for part in parts if part),
        audience=Audience.PUBLIC,
        tags=[theme.slug for theme in case_study.themes],
    )


def _load(session: Session, ids: Sequence[str]) -> dict[str, CaseStudy]:
    numbers = [int(i) for i in ids if i.isdigit()]
    case_studies = session.scalars(
        select(CaseStudy)
        .options(joinedload(CaseStudy.organisation), selectinload(CaseStudy.themes))
        .where(CaseStudy.id.in_(numbers))
    )
    return {str(case_study.id): case_study for case_study in case_studies}


def _indexable_ids(session: Session) -> Iterable[str]:
    ids = session.scalars(select(CaseStudy.id).where(CaseStudy.status == CaseStudyStatus.PUBLISHED))
    return (str(i) for i in ids)


def _of_organisation(organisation: Organisation, connection: Connection) -> Iterable[int]:
    return connection.execute(
        select(CaseStudy.id).where(CaseStudy.organisation_id == organisation.id)
    ).scalars()


def _tagged_with(theme: Theme, connection: Connection) -> Iterable[int]:
    return connection.execute(
        select(case_study_themes.c.case_study_id).where(case_study_themes.c.theme_id == theme.id)
    ).scalars()


def _url(case_study: CaseStudy) -> str:
    return url_for("casestudies.show_case_study", slug=case_study.slug)


def register_search_documents() -> None:
    """Register published case studies with the search engine."""
    registry.register(
        DocumentType(
            name=DOC_TYPE,
            label="Case study",
            model=CaseStudy,
            build=build_case_study_document,
            load=_load,
            indexable_ids=_indexable_ids,
            can_view=can_view_case_study,
            url=_url,
            dependents={
                Organisation: _of_organisation,
                Theme: _tagged_with,
                **attachment_dependents(),
            },
            weight=WEIGHT,
        )
    )
