"""'Adapted here': another organisation records that it reused a published case study."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kmrg.audit.models import AuditEvent
from kmrg.auth.models import ProfileVisibility
from kmrg.casestudies import adaptation_services, queries
from kmrg.casestudies.models import Adaptation
from kmrg.exceptions import PermissionDenied, ValidationError
from tests import factories
from tests.factories import post, sign_in


@pytest.fixture
def outsider_member(session, other_organisation):
    return factories.make_user(
        session,
        name="Zanele Outsider",
        organisation=other_organisation,
        profile_visibility=ProfileVisibility.MEMBERS,
    )


def adaptations(session) -> int:
    session.rollback()  # end the test's own read transaction, to see what requests committed
    return session.scalar(select(func.count()).select_from(Adaptation))


def url_of(case_study) -> str:
    return f"/case-studies/{case_study.slug}/adaptations"


def text(response) -> str:
    return response.get_data(as_text=True)


# The service, called directly.


def test_another_organisation_records_and_the_summary_counts(
    session, published, outsider_member, outsider_champion
):
    adaptation_services.record_adaptation(
        session,
        outsider_member,
        published,
        what_changed="Used ward committees instead of *consultants*.",
        what_happened="Collections rose.",
    )
    adaptation_services.record_adaptation(
        session, outsider_champion, published, what_changed="A", what_happened="B"
    )
    session.commit()
    summary = queries.adaptation_summary(session, published.id)
    assert summary.count == 2
    assert [o.name for o in summary.organisations] == ["Msunduzi Local Municipality"]
    assert summary.adaptations[0].what_changed_html == (
        "<p>Used ward committees instead of <em>consultants</em>.</p>"
    )
    assert session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "case_study.adapted").limit(1)
    )


def test_the_case_studys_own_organisation_does_not_record_reuse(session, member, published):
    with pytest.raises(ValidationError):
        adaptation_services.record_adaptation(
            session, member, published, what_changed="A", what_happened="B"
        )


def test_unpublished_case_studies_are_not_adapted(session, outsider_member, draft):
    with pytest.raises(PermissionDenied):
        adaptation_services.record_adaptation(
            session, outsider_member, draft, what_changed="A", what_happened="B"
        )


def test_an_adaptation_says_what_changed_and_what_happened(session, outsider_member, published):
    with pytest.raises(ValidationError) as error:
        adaptation_services.record_adaptation(
            session, outsider_member, published, what_changed=" ", what_happened="B"
        )
    assert error.value.field == "what_changed"


# The form and the case study page, through the app.


def test_an_adaptation_is_recorded_and_shown_on_the_case_study(
    session, client, outsider_member, published
):
    sign_in(client, outsider_member)
    page = text(client.get(f"/case-studies/{published.slug}"))
    assert "Record that your organisation adapted this" in page
    assert "No other organisation has recorded reusing this case study yet." in page
    assert "What you changed" in text(client.get(url_of(published)))
    response = post(
        client,
        url_of(published),
        {"what_changed": "Ward committees, not consultants.", "what_happened": "It worked."},
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/case-studies/{published.slug}")
    page = text(client.get(response.location))
    assert "reuse is recorded." in page
    assert "Reused 1 time:" in page
    assert "Msunduzi Local Municipality</a>." in page
    assert "Ward committees, not consultants." in page


def test_the_public_sees_reuse_but_is_not_offered_the_form(
    session, client, outsider_member, published
):
    adaptation_services.record_adaptation(
        session, outsider_member, published, what_changed="Smaller zones.", what_happened="Fine."
    )
    session.commit()
    page = text(client.get(f"/case-studies/{published.slug}"))
    assert "Smaller zones." in page
    assert "Record that your organisation adapted this" not in page


def test_the_same_organisation_is_told_why_and_nothing_is_saved(session, client, member, published):
    sign_in(client, member)
    page = text(client.get(f"/case-studies/{published.slug}"))
    assert "Record that your organisation adapted this" not in page
    assert client.get(url_of(published)).status_code == 403
    response = post(client, url_of(published), {"what_changed": "A", "what_happened": "B"})
    assert response.status_code == 302
    assert response.location.endswith(f"/case-studies/{published.slug}")
    assert "your own organisation wrote this case study" in text(client.get(response.location))
    assert adaptations(session) == 0


def test_an_unpublished_case_study_cannot_be_adapted(
    session, client, outsider_member, admin, draft, other_organisation
):
    sign_in(client, outsider_member)
    response = post(client, url_of(draft), {"what_changed": "A", "what_happened": "B"})
    assert response.status_code == 404
    # Even someone who may see the draft cannot record reuse of it.
    admin.organisation_id = other_organisation.id
    session.commit()
    post(client, "/logout")
    sign_in(client, admin)
    assert client.get(url_of(draft)).status_code == 403
    response = post(client, url_of(draft), {"what_changed": "A", "what_happened": "B"})
    assert response.status_code == 403
    assert adaptations(session) == 0


def test_adaptation_needs_sign_in_post_and_csrf(session, client, outsider_member, published):
    assert "/login" in post(client, url_of(published)).location
    sign_in(client, outsider_member)
    response = client.post(url_of(published), data={"what_changed": "A", "what_happened": "B"})
    assert response.status_code == 400
    assert adaptations(session) == 0


def test_an_unknown_case_study_is_not_found(client, outsider_member):
    sign_in(client, outsider_member)
    assert client.get("/case-studies/nothing-here/adaptations").status_code == 404
