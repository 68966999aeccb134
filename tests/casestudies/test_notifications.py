"""Review notifications: a submission tells its reviewers, a decision tells its author, and a
lone KM champion's own case study goes to the administrators."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kmrg.auth.models import Role
from kmrg.casestudies import services
from kmrg.exceptions import PermissionDenied
from kmrg.notifications.models import Notification
from tests import factories
from tests.casestudies.conftest import write_case_study


def _told(session, kind: str) -> dict[int, str]:
    session.rollback()
    rows = session.scalars(select(Notification).where(Notification.kind == kind))
    return {row.recipient_id: row.text for row in rows}


def test_a_submission_tells_the_organisations_champions_not_the_author(
    session, draft, member, champion, admin, outsider_champion, outbox
):
    services.submit_case_study(session, member, draft)
    session.commit()
    told = _told(session, "case_study_submitted")
    assert told == {champion.id: "Case study to review: Revenue collection turnaround"}
    assert [m["To"] for m in outbox] == [champion.email]
    assert "/case-studies/revenue-collection-turnaround" in outbox[0].get_content()


def test_a_lone_champions_own_case_study_goes_to_the_administrators(
    session, client, champion, admin, outbox
):
    own = write_case_study(session, champion, title="Smart meters")
    factories.sign_in(client, champion)
    response = factories.post(
        client,
        f"/case-studies/{own.slug}/submit",
        {"version": str(own.version)},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "the Hub&#39;s administrators will" in text or "the Hub's administrators will" in text
    assert "A KM champion of your organisation will review it" not in text
    assert _told(session, "case_study_submitted") == {
        admin.id: "Case study to review: Smart meters"
    }
    assert [m["To"] for m in outbox] == [admin.email]
    assert "As an administrator (no other KM champion" in outbox[0].get_content()

    # Authors never review their own work: no Publish button, and the service refuses.
    page = client.get(f"/case-studies/{own.slug}").get_data(as_text=True)
    assert f"/case-studies/{own.slug}/publish" not in page
    session.rollback()
    with pytest.raises(PermissionDenied):
        services.publish_case_study(session, champion, own)
    session.rollback()
    services.publish_case_study(session, admin, own)
    session.commit()


def test_with_another_champion_the_champions_own_case_study_goes_to_them(
    session, champion, organisation, admin
):
    colleague = factories.make_user(
        session, name="Lwazi Colleague", role=Role.CHAMPION, organisation=organisation
    )
    own = write_case_study(session, champion, title="Indigent register")
    services.submit_case_study(session, champion, own)
    session.commit()
    assert set(_told(session, "case_study_submitted")) == {colleague.id}


def test_publication_and_return_tell_the_author(session, draft, member, champion, outbox):
    services.submit_case_study(session, member, draft)
    services.return_case_study(session, champion, draft, "Add the 2010 figures, please.")
    session.commit()
    returned = session.scalars(
        select(Notification).where(Notification.kind == "case_study_returned")
    ).one()
    assert returned.recipient_id == member.id
    assert returned.excerpt == "Add the 2010 figures, please."
    assert outbox[-1]["To"] == member.email
    assert outbox[-1]["Subject"] == "Your case study needs changes: Revenue collection turnaround"

    services.submit_case_study(session, member, draft)
    services.publish_case_study(session, champion, draft)
    session.commit()
    assert _told(session, "case_study_published") == {
        member.id: "Your case study is published: Revenue collection turnaround"
    }
    assert outbox[-1]["Subject"].startswith("Your case study is published")
