"""The case study workflow, revisions and stale edits, through the services (no HTTP)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.casestudies import owners, services
from kmrg.casestudies.diff import diff_revisions
from kmrg.casestudies.models import CaseStudyStatus
from kmrg.casestudies.queries import owner_lines
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import StaleEditError
from tests import factories
from tests.casestudies.conftest import SECTIONS, case_study_data, write_case_study


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_member_drafts_a_case_study_for_their_organisation(session, member, theme):
    case_study = write_case_study(session, member, theme_ids=[theme.id])
    assert case_study.status is CaseStudyStatus.DRAFT
    assert case_study.slug == "revenue-collection-turnaround"
    assert case_study.organisation_id == member.organisation_id
    assert case_study.author_id == member.id
    assert [t.name for t in case_study.themes] == ["Revenue collection"]
    assert case_study.period == "2008–2010"
    assert case_study.approach_html == f"<p>{SECTIONS['approach']}</p>"
    assert [r.number for r in case_study.revisions] == [1]
    assert actions(session) == ["case_study.created"]


def test_slugs_are_made_unique(session, member):
    first = write_case_study(session, member)
    second = write_case_study(session, member)
    third = write_case_study(session, member)
    assert [first.slug, second.slug, third.slug] == [
        "revenue-collection-turnaround",
        "revenue-collection-turnaround-2",
        "revenue-collection-turnaround-3",
    ]


def test_a_member_cannot_write_for_another_organisation(session, member, other_organisation):
    with pytest.raises(ValidationError) as error:
        services.create_case_study(
            session, member, case_study_data(organisation_id=other_organisation.id)
        )
    assert error.value.field == "organisation"


def test_an_administrator_writes_for_any_organisation(session, admin, other_organisation):
    case_study = write_case_study(session, admin, organisation_id=other_organisation.id)
    assert case_study.organisation_id == other_organisation.id


def test_an_applicant_cannot_write_case_studies(session, applicant):
    with pytest.raises(PermissionDenied):
        services.create_case_study(session, applicant, case_study_data())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"summary": ""}, "summary"),
        ({"start_year": 1900}, "start_year"),
        ({"start_year": 2010, "end_year": 2008}, "end_year"),
        ({"start_year": None, "end_year": 2008}, "start_year"),
        ({"theme_ids": [99999]}, "themes"),
    ],
)
def test_bad_input_is_refused_beside_its_field(session, member, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.create_case_study(session, member, case_study_data(**overrides))
    assert error.value.field == field


def test_the_summary_is_kept_to_one_paragraph(session, member):
    case_study = write_case_study(session, member, summary="One line.\n\nAnother   line.")
    assert case_study.summary == "One line. Another line."


def test_owners_are_hub_people_by_email_or_named_outsiders(session, member, champion):
    entries = owners.parse_owner_lines(
        session,
        f"{champion.email} | KM champion | contact\n\nPat Outsider | Consultant, Example Ltd\n",
        actor=member,
    )
    case_study = write_case_study(session, member, owners=entries)
    assert [(o.user, o.external_name, o.role, o.is_contact) for o in case_study.owners] == [
        (champion, "", "KM champion", True),
        (None, "Pat Outsider", "Consultant, Example Ltd", False),
    ]
    assert owner_lines(case_study.owners) == (
        f"{champion.email} | KM champion | contact\nPat Outsider | Consultant, Example Ltd"
    )


@pytest.mark.parametrize(
    "text", ["nobody@example.org | Manager", "A | B | maybe", "A | B | contact | more", " | role"]
)
def test_owner_lines_that_cannot_be_read_are_refused(session, member, text):
    with pytest.raises(ValidationError) as error:
        owners.parse_owner_lines(session, text, actor=member)
    assert error.value.field == "owners"


def test_every_edit_keeps_a_revision(session, draft, member):
    changed = services.update_case_study(
        session,
        member,
        draft,
        case_study_data(sections={**SECTIONS, "results": "Collection rose to 80 percent."}),
        expected_version=draft.version,
    )
    session.commit()
    assert changed
    assert [r.number for r in draft.revisions] == [1, 2]
    assert draft.revisions[1].editor_id == member.id
    assert draft.revisions[1].sections["results"] == "Collection rose to 80 percent."
    assert draft.results_html == "<p>Collection rose to 80 percent.</p>"
    results = next(d for d in diff_revisions(*draft.revisions) if d.name == "results")
    assert [(r.kind, r.text) for r in results.runs if r.kind != "equal"] == [
        ("delete", "from 61 "),
        ("delete", "78 percent in two years."),
        ("insert", "80 percent."),
    ]
    assert actions(session)[-1] == "case_study.updated"


def test_saving_unchanged_text_changes_nothing(session, draft, member, theme):
    version = draft.version
    changed = services.update_case_study(
        session, member, draft, case_study_data(theme_ids=[theme.id]), expected_version=version
    )
    session.commit()
    assert not changed
    assert draft.version == version
    assert len(draft.revisions) == 1


def test_a_stale_edit_is_refused_and_changes_nothing(session, draft, member, champion):
    opened_at = draft.version
    services.update_case_study(
        session,
        champion,
        draft,
        case_study_data(title="Champion's title"),
        expected_version=opened_at,
    )
    session.commit()
    with pytest.raises(StaleEditError):
        services.update_case_study(
            session,
            member,
            draft,
            case_study_data(title="Member's title"),
            expected_version=opened_at,
        )
    session.rollback()
    assert draft.title == "Champion's title"
    assert len(draft.revisions) == 2


def test_the_workflow_from_draft_to_archive(session, draft, member, champion):
    services.submit_case_study(session, member, draft)
    assert draft.status is CaseStudyStatus.SUBMITTED
    services.return_case_study(session, champion, draft, "Add the 2010 figures.")
    assert draft.status is CaseStudyStatus.DRAFT
    assert draft.is_returned
    assert draft.review_comments == "Add the 2010 figures."
    services.submit_case_study(session, member, draft)
    services.publish_case_study(session, champion, draft)
    assert draft.status is CaseStudyStatus.PUBLISHED
    assert draft.reviewer_id == champion.id
    assert draft.reviewed_at is not None and draft.published_at is not None
    assert draft.review_comments == "" and not draft.is_returned
    services.archive_case_study(session, champion, draft)
    assert draft.status is CaseStudyStatus.ARCHIVED
    session.commit()
    assert actions(session) == [
        "case_study.created",
        "case_study.submitted",
        "case_study.returned",
        "case_study.submitted",
        "case_study.published",
        "case_study.archived",
    ]


def test_returning_needs_comments(session, submitted, champion):
    with pytest.raises(ValidationError) as error:
        services.return_case_study(session, champion, submitted, "   ")
    assert error.value.field == "comments"


def test_an_incomplete_draft_cannot_be_submitted(session, member):
    case_study = write_case_study(session, member, sections={"context": "Only context."})
    with pytest.raises(ValidationError, match="the challenge"):
        services.submit_case_study(session, member, case_study)


def test_a_champion_of_another_organisation_cannot_publish(session, submitted, outsider_champion):
    with pytest.raises(PermissionDenied):
        services.publish_case_study(session, outsider_champion, submitted)


def test_the_author_cannot_publish_their_own_submission(session, submitted, member):
    with pytest.raises(PermissionDenied):
        services.publish_case_study(session, member, submitted)


def test_the_author_cannot_edit_once_submitted(session, submitted, member):
    with pytest.raises(PermissionDenied):
        services.update_case_study(
            session, member, submitted, case_study_data(), expected_version=submitted.version
        )


def test_a_champion_edits_a_published_case_study_and_it_stays_published(
    session, published, champion
):
    services.update_case_study(
        session,
        champion,
        published,
        case_study_data(title="Better title"),
        expected_version=published.version,
    )
    session.commit()
    assert published.status is CaseStudyStatus.PUBLISHED
    assert published.slug == "revenue-collection-turnaround"  # links keep working


def test_a_retired_theme_stays_but_is_not_offered_anew(session, member, theme):
    retired = factories.make_theme(session, "Urban renewal")
    retired.is_retired = True
    session.commit()
    with pytest.raises(ValidationError):
        services.create_case_study(session, member, case_study_data(theme_ids=[retired.id]))


def test_champions_hear_of_a_submission_and_the_author_of_the_outcome(
    session, draft, champion, member, outbox
):
    services.submit_case_study(session, member, draft)
    session.commit()
    assert [m["To"] for m in outbox] == [champion.email]
    assert draft.title in outbox[0]["Subject"]

    services.return_case_study(session, champion, draft, "Name the ward committees, please.")
    session.commit()
    assert outbox[-1]["To"] == member.email
    assert "Name the ward committees" in outbox[-1].get_content()

    services.submit_case_study(session, member, draft)
    services.publish_case_study(session, champion, draft)
    session.commit()
    assert outbox[-1]["To"] == member.email
    assert outbox[-1]["Subject"].startswith("Your case study is published")


def test_a_rolled_back_submission_tells_nobody(session, draft, champion, member, outbox):
    services.submit_case_study(session, member, draft)
    session.rollback()
    assert outbox == []


def test_an_edit_that_keeps_its_themes_still_keeps_a_revision(session, draft, member, theme):
    # The edit form always sends the ticked themes; looking them up must not flush the edit
    # early and hide it from the change check.
    changed = services.update_case_study(
        session,
        member,
        draft,
        case_study_data(theme_ids=[theme.id], summary="A sharper one-paragraph summary."),
        expected_version=draft.version,
    )
    session.commit()
    assert changed
    assert [r.number for r in draft.revisions] == [1, 2]
