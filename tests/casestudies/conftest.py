"""Case studies in each workflow state, written through the real services and committed."""

from __future__ import annotations

import pytest

from kmrg.casestudies import services
from kmrg.casestudies.models import CaseStudy
from tests import factories

SECTIONS = {
    "context": "Buffalo City lost revenue to estimated water bills.",
    "challenge": "Only six in ten households paid for services.",
    "approach": "Meter readers got handheld devices and routes were redrawn.",
    "results": "Collection rose from 61 to 78 percent in two years.",
    "lessons_learned": "Start with accurate bills before chasing debt.",
}


def case_study_data(**overrides) -> services.CaseStudyData:
    values = {
        "title": "Revenue collection turnaround",
        "summary": "How Buffalo City raised its collection rate by fixing bills first.",
        "start_year": 2008,
        "end_year": 2010,
        "sections": dict(SECTIONS),
    }
    values.update(overrides)
    return services.CaseStudyData(**values)


def write_case_study(session, author, **overrides) -> CaseStudy:
    case_study = services.create_case_study(session, author, case_study_data(**overrides))
    session.commit()
    return case_study


@pytest.fixture
def theme(session):
    return factories.make_theme(session, "Revenue collection")


@pytest.fixture
def draft(session, member, theme):
    return write_case_study(session, member, theme_ids=[theme.id])


@pytest.fixture
def returned(session, draft, champion):
    services.submit_case_study(session, draft.author, draft)
    services.return_case_study(session, champion, draft, "Add the 2010 figures, please.")
    session.commit()
    return draft


@pytest.fixture
def submitted(session, draft):
    services.submit_case_study(session, draft.author, draft)
    session.commit()
    return draft


@pytest.fixture
def published(session, submitted, champion):
    services.publish_case_study(session, champion, submitted)
    session.commit()
    return submitted


@pytest.fixture
def archived(session, published, champion):
    services.archive_case_study(session, champion, published)
    session.commit()
    return published
