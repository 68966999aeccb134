"""Only published case studies are searchable; a draft never appears to anyone."""

from __future__ import annotations

import pytest

from kmrg.casestudies import services
from kmrg.casestudies.search import build_case_study_document
from tests.casestudies.conftest import SECTIONS, write_case_study
from tests.factories import post, sign_in

WORD = "zanzibarquokka"


def found(client, word: str = WORD) -> bool:
    page = client.get(f"/search?q={word}").get_data(as_text=True)
    return "Revenue collection turnaround" in page


@pytest.fixture
def secret_draft(session, member, theme):
    return write_case_study(
        session,
        member,
        theme_ids=[theme.id],
        sections={**SECTIONS, "lessons_learned": f"The {WORD} method works."},
    )


@pytest.mark.parametrize("role", ["anonymous", "member", "champion", "admin"])
def test_a_draft_is_not_found_by_anyone_even_by_its_own_words(request, client, secret_draft, role):
    if role != "anonymous":
        sign_in(client, request.getfixturevalue(role))
    assert not found(client)


def test_after_publishing_it_is_found_through_the_search_page(
    client, session, secret_draft, member, champion
):
    services.submit_case_study(session, member, secret_draft)
    session.commit()
    assert not found(client)  # submitted is not published
    services.publish_case_study(session, champion, secret_draft)
    session.commit()
    page = client.get(f"/search?q={WORD}").get_data(as_text=True)
    assert "Revenue collection turnaround" in page
    assert "Case study" in page
    assert f'href="/case-studies/{secret_draft.slug}"' in page
    # Theme and organisation names are part of what readers can search by.
    assert found(client, "Buffalo")


def test_archiving_removes_it_from_search(client, session, secret_draft, member, champion):
    services.submit_case_study(session, member, secret_draft)
    services.publish_case_study(session, champion, secret_draft)
    session.commit()
    assert found(client)
    sign_in(client, champion)
    post(client, f"/case-studies/{secret_draft.slug}/archive")
    post(client, "/logout")
    assert not found(client)


def test_an_edit_to_a_published_case_study_is_searchable_right_after_the_save(
    client, session, secret_draft, member, champion
):
    services.submit_case_study(session, member, secret_draft)
    services.publish_case_study(session, champion, secret_draft)
    session.commit()
    services.update_case_study(
        session,
        champion,
        secret_draft,
        services.CaseStudyData(
            title=secret_draft.title,
            summary=secret_draft.summary,
            sections={**secret_draft.section_texts(), "results": "Now with okapiwombat results."},
        ),
        expected_version=secret_draft.version,
    )
    session.commit()
    assert found(client, "okapiwombat")


def test_only_published_case_studies_become_documents(session, secret_draft):
    assert build_case_study_document(secret_draft) is None
