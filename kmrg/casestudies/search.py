"""Published case studies as search documents; drafts never reach the index."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import url_for
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, joinedload, object_session, selectinload

from kmrg.attachments.models import Attachment
from kmrg.casestudies.attachments import attachment_dependents, attachments_of
from kmrg.casestudies.models import SECTIONS, CaseStudy, CaseStudyStatus, case_study_themes
from kmrg.casestudies.permissions import can_view_case_study
from kmrg.markdown import html_to_text
from kmrg.organisations.models import Organisation
from kmrg.organisations.search import organisation_facets
from kmrg.search.registry import AttachedText, Audience, DocumentType, SearchDocument, registry
from kmrg.themes.models import Theme
from kmrg.themes.search import theme_values

DOC_TYPE = "case_study"
WEIGHT = 1.2


def build_case_study_document(
    case_study: CaseStudy, attachments: Sequence[Attachment] = ()
) -> SearchDocument | None:
    """Return the searchable text of a published case study, or None for any other status."""
    if case_study.status is not CaseStudyStatus.PUBLISHED:
        return None
    organisation = case_study.organisation
    sections = [html_to_text(getattr(case_study, f"{name}_html")) for name, _label in SECTIONS]
    keywords = [theme.name for theme in case_study.themes]
    if organisation is not None:
        keywords += [organisation.name, organisation.code, organisation.province_name]
    keywords += [attachment.display_name for attachment in attachments]
    facets = {
        "theme": theme_values(case_study.themes),
        "year": [str(y) for y in case_study.covered_years],
    }
    facets.update(organisation_facets(organisation))
    published = case_study.published_at
    return SearchDocument(
        doc_type=DOC_TYPE,
        doc_id=str(case_study.id),
        title=case_study.title,
        audience=Audience.PUBLIC,
        summary=case_study.summary,
        body="\n\n".join(section for section in sections if section),
        attachments=[
            AttachedText(name=a.name, kind=a.kind.value, text=a.extracted_text or a.title)
            for a in attachments
        ],
        keywords=" · ".join(keywords),
        facets=facets,
        date=published.date() if published else None,
    )


def build_case_study_documents(
    session: Session, case_studies: Sequence[CaseStudy]
) -> dict[str, SearchDocument | None]:
    """Return the documents of many loaded case studies, their attachments read in one query."""
    published = [c.id for c in case_studies if c.status is CaseStudyStatus.PUBLISHED]
    attachments = attachments_of(session, published)
    return {
        str(c.id): build_case_study_document(c, attachments.get(c.id, ())) for c in case_studies
    }


def _build_alone(case_study: CaseStudy) -> SearchDocument | None:
    session = object_session(case_study)
    if session is None:
        return build_case_study_document(case_study)
    return build_case_study_documents(session, [case_study])[str(case_study.id)]


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
            plural="Case studies",
            model=CaseStudy,
            build=_build_alone,
            build_many=build_case_study_documents,
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
