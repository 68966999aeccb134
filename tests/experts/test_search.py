"""Expert profiles in search: only as visible as the expert chose; never a contact detail."""

from __future__ import annotations

from kmrg.auth.models import ProfileVisibility
from kmrg.experts.models import ExpertiseLevel
from kmrg.experts.search import build_expert_document
from kmrg.experts.services import ExpertiseEntry
from kmrg.search.registry import Audience, registry
from tests import factories
from tests.experts.conftest import make_profile
from tests.factories import sign_in


def results(client, words: str) -> str:
    return client.get("/search", query_string={"q": words}).get_data(as_text=True)


def test_experts_are_registered(app):
    document_type = registry.get("expert")
    assert document_type is not None and document_type.label == "Expert"


def test_the_document_holds_the_profile_but_no_contact_detail(session, expert, theme):
    profile = make_profile(
        session,
        expert,
        expertise=[ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, theme=theme)],
    )
    document = build_expert_document(profile)
    assert document.audience is Audience.PUBLIC
    for words in [
        "Zanele Mokoena",
        "Revenue enhancement",
        "billing clean-up",
        "Revenue collection",
        "Buffalo City",
        "isiXhosa",
    ]:
        assert words in document.matched_text(), words
    assert "zanele@example.org" not in document.matched_text()
    assert "705" not in document.matched_text()
    assert document.facets["theme"] == [theme.slug]
    assert document.record == f"person:{expert.id}"


def test_members_only_and_hidden_profiles(session, expert):
    profile = make_profile(session, expert, visibility=ProfileVisibility.MEMBERS)
    assert build_expert_document(profile).audience is Audience.MEMBERS
    profile.visibility = ProfileVisibility.HIDDEN
    assert build_expert_document(profile) is None


def test_a_public_profile_is_found_without_contact_details_in_any_snippet(
    client, session, expert, member
):
    make_profile(session, expert, biography="Led the quagglemeter rollout in two metros.")
    for viewer in (None, member):
        if viewer:
            sign_in(client, viewer)
        page = results(client, "quagglemeter")
        assert "Zanele Mokoena" in page
        assert "/experts/zanele-mokoena" in page
        assert "zanele@example.org" not in page
        assert "705 1234" not in page


def test_a_members_profile_is_not_found_by_anonymous(client, session, expert, member):
    make_profile(
        session,
        expert,
        visibility=ProfileVisibility.MEMBERS,
        biography="Knows the zorblat tariff model.",
    )
    assert "/experts/zanele-mokoena" not in results(client, "zorblat")
    sign_in(client, member)
    assert "/experts/zanele-mokoena" in results(client, "zorblat")


def test_a_hidden_profile_never_appears(client, session, expert, member, admin):
    profile = make_profile(session, expert, biography="Wrote the flumquist by-law.")
    assert "/experts/zanele-mokoena" in results(client, "flumquist")
    profile.visibility = ProfileVisibility.HIDDEN
    session.commit()  # the profile is queued and removed from the index inline
    assert "/experts/zanele-mokoena" not in results(client, "flumquist")
    sign_in(client, member)
    assert "/experts/zanele-mokoena" not in results(client, "flumquist")


def test_changing_an_expertise_row_reindexes_the_profile(client, session, expert, theme):
    other = factories.make_theme(session, "Snorkwater management")
    profile = make_profile(session, expert)
    assert "/experts/zanele-mokoena" not in results(client, "snorkwater")
    profile.expertise[0].theme = other
    profile.expertise[0].skill = None
    session.commit()
    assert "/experts/zanele-mokoena" in results(client, "snorkwater")


def _publish_case_study_owned_by(session, person, champion, theme):
    from kmrg.casestudies import services as case_studies
    from kmrg.casestudies.owners import OwnerEntry
    from tests.casestudies.conftest import write_case_study

    case_study = write_case_study(
        session,
        person,
        title="Indigent register rebuilt ward by ward",
        theme_ids=[theme.id],
        owners=[OwnerEntry(user=person, role="Project manager")],
    )
    case_studies.submit_case_study(session, person, case_study)
    session.commit()
    case_studies.publish_case_study(session, champion, case_study)
    session.commit()
    return case_study


def test_publishing_a_case_study_makes_its_owner_findable_by_it(
    client, session, expert, champion, theme
):
    make_profile(session, expert, visibility=ProfileVisibility.PUBLIC)
    assert "Zanele Mokoena" not in results(client, "indigent register ward")
    _publish_case_study_owned_by(session, expert, champion, theme)
    page = results(client, "indigent register ward")
    # Found as the expert, not only as the case study.
    assert 'href="/experts/zanele-mokoena"' in page


def test_evidence_in_an_area_the_expert_hid_leaves_their_document(
    client, session, expert, champion, theme
):
    from kmrg.experts.models import AreaDecision

    profile = make_profile(session, expert, visibility=ProfileVisibility.PUBLIC)
    _publish_case_study_owned_by(session, expert, champion, theme)
    assert 'href="/experts/zanele-mokoena"' in results(client, "indigent register ward")
    session.add(AreaDecision(profile_id=profile.id, theme_id=theme.id, is_hidden=True))
    session.commit()
    assert 'href="/experts/zanele-mokoena"' not in results(client, "indigent register ward")
