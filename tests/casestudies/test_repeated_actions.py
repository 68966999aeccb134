"""A workflow button clicked twice, or after someone else acted, says so and changes nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from kmrg.audit.models import AuditEvent
from kmrg.casestudies import services
from kmrg.casestudies.models import CaseStudy, CaseStudyStatus
from tests.factories import post, sign_in

SLUG = "revenue-collection-turnaround"


def version_on(page: str, action: str) -> str:
    """Return the version the page's button for `action` carries."""
    form = re.search(rf'action="/case-studies/{SLUG}/{action}".*?</form>', page, re.S)
    assert form, f"no {action} button on the page"
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form.group(0))
    assert version, f"the {action} button carries no version"
    return version.group(1)


def state_of(session, case_study_id: int) -> tuple:
    """Return what a repeated click must leave alone: the record, its audit trail, its mail."""
    session.rollback()
    session.expire_all()
    case_study = session.get(CaseStudy, case_study_id)
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    return (
        case_study.status,
        case_study.version,
        case_study.reviewed_at,
        case_study.archived_at,
        events,
    )


@pytest.mark.parametrize(
    ("fixture", "action", "message"),
    [
        ("submitted", "publish", "This case study was already published."),
        ("published", "archive", "This case study was already archived."),
        ("submitted", "return", "This case study was already returned to its author."),
    ],
)
def test_a_double_click_gets_a_message_and_the_page(
    request, client, session, champion, outbox, fixture, action, message
):
    case_study = request.getfixturevalue(fixture)
    sign_in(client, champion)
    version = version_on(client.get(f"/case-studies/{SLUG}").get_data(as_text=True), action)
    form = {"version": version, "comments": "Name your sources."}

    first = post(client, f"/case-studies/{SLUG}/{action}", form)
    assert first.status_code == 302
    after_first = state_of(session, case_study.id)
    mails = len(outbox)

    second = post(client, f"/case-studies/{SLUG}/{action}", form, follow_redirects=True)
    assert second.status_code == 200
    assert second.request.path == f"/case-studies/{SLUG}"
    assert message in second.get_data(as_text=True)
    assert state_of(session, case_study.id) == after_first
    assert len(outbox) == mails


def test_a_click_overtaken_by_another_reviewer_says_so_and_changes_nothing(
    client, session, submitted, champion, admin
):
    sign_in(client, champion)
    version = version_on(client.get(f"/case-studies/{SLUG}").get_data(as_text=True), "publish")
    # Meanwhile an administrator returns it for changes.
    services.return_case_study(session, admin, submitted, "Add the 2010 figures.")
    session.commit()
    before = state_of(session, submitted.id)

    response = post(
        client, f"/case-studies/{SLUG}/publish", {"version": version}, follow_redirects=True
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This case study was already returned to its author." not in page
    assert "changed by someone else meanwhile, so nothing was done" in page
    assert state_of(session, submitted.id) == before
    assert before[0] is CaseStudyStatus.DRAFT
