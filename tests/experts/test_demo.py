"""`kmrg demo` adds varied expert profiles through the real services, once, respecting choices."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from kmrg.auth.models import AnonymousUser, ProfileVisibility, User
from kmrg.casestudies.models import CaseStudy, CaseStudyStatus
from kmrg.demo import load_demo
from kmrg.experts.demo import ExpertDemoSummary, load_expert_demo
from kmrg.experts.demo_content import (
    AREA_DECISIONS,
    ENDORSEMENTS,
    EXTERNALS,
    PROFILES,
)
from kmrg.experts.evidence import AreaState, collect_evidence, inferred_areas
from kmrg.experts.models import (
    AreaDecision,
    ContactVisibility,
    Endorsement,
    Expertise,
    ExpertLanguage,
    ExpertProfile,
    Language,
)
from kmrg.inbox.models import Conversation, Message
from kmrg.organisations.models import Province
from tests import factories

PASSWORD = "demo-password-for-tests"
ALL = PROFILES + EXTERNALS
# Profile links on the directory page, not the "Offer your expertise" or filter links.
_PROFILE_LINK = re.compile(r'<h2><a href="/experts/([a-z0-9-]+)">')


@pytest.fixture
def demo(session, monkeypatch) -> None:
    monkeypatch.setenv("KMRG_DEMO_PASSWORD", PASSWORD)
    load_demo(session)
    session.commit()


def demo_profiles(session) -> list[ExpertProfile]:
    return list(session.scalars(select(ExpertProfile).order_by(ExpertProfile.id)))


def totals(session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (
            User,
            ExpertProfile,
            Expertise,
            ExpertLanguage,
            Endorsement,
            AreaDecision,
            Conversation,
            Message,
        )
    }


def test_loading_twice_changes_nothing(session, demo, outbox):
    assert outbox == []  # nothing is sent to invented people
    before = totals(session)
    versions = {p.slug: (p.version, p.confirmed_at) for p in demo_profiles(session)}
    everything = len(ALL) + len(ENDORSEMENTS) + len(AREA_DECISIONS)
    assert load_expert_demo(session, "unused") == ExpertDemoSummary(skipped=everything)
    load_demo(session)
    session.commit()
    assert totals(session) == before
    assert {p.slug: (p.version, p.confirmed_at) for p in demo_profiles(session)} == versions
    assert before["ExpertProfile"] == len(ALL)
    assert before["Endorsement"] == len(ENDORSEMENTS) >= 20
    assert before["AreaDecision"] == len(AREA_DECISIONS)


def test_the_demo_covers_the_country_its_languages_and_every_choice(session, demo):
    profiles = demo_profiles(session)
    assert len(profiles) >= 25
    assert len({p.province for p in profiles if p.province}) >= 6
    spoken = {language for p in profiles for language in p.languages}
    assert len(spoken) >= 5 and Language.SIGN_LANGUAGE in spoken

    visibility = [p.visibility for p in profiles]
    public = visibility.count(ProfileVisibility.PUBLIC)
    assert public > len(profiles) / 2
    assert visibility.count(ProfileVisibility.MEMBERS) >= 3
    assert 1 <= visibility.count(ProfileVisibility.HIDDEN) <= 2
    for field in ("email_visibility", "phone_visibility"):
        assert {getattr(p, field) for p in profiles} == set(ContactVisibility), field
    assert len({p.preferred_channel for p in profiles}) == 3
    assert len({p.days_per_quarter for p in profiles}) >= 4
    assert len({tuple(p.availability) for p in profiles}) >= 8
    levels = {(row.theme is None, row.level) for p in profiles for row in p.expertise}
    assert len(levels) == 6  # themes and free skills, each at all three levels
    assert sum(p.is_stale for p in profiles) >= 1


def test_revenue_collection_experts_are_spread_over_provinces_and_languages(session, demo):
    revenue = [
        p
        for p in demo_profiles(session)
        if p.visibility is ProfileVisibility.PUBLIC
        and any(row.name == "Revenue collection" for row in p.expertise)
    ]
    assert len({p.province for p in revenue}) >= 5
    by_language = {language for p in revenue for language in p.languages} - {Language.ENGLISH}
    assert len(by_language) >= 5


def test_external_people_are_kept_by_a_champion_with_consent(session, demo):
    external = [p for p in demo_profiles(session) if p.user_id is None]
    assert len(external) >= 2
    for profile in external:
        assert profile.consent_note and profile.consent_recorded_at is not None
        assert profile.managed_by.is_champion and profile.managed_by.email.endswith("@example.org")
    titles = " ".join(p.job_title.lower() for p in external)
    assert "lecturer" in titles and "retired municipal manager" in titles


def test_only_example_org_addresses_and_fictional_phone_numbers(session, demo):
    assert all(u.email.endswith("@example.org") for u in session.scalars(select(User)))
    for profile in demo_profiles(session):
        assert profile.email.endswith("@example.org"), profile.slug
        assert profile.phone == "" or re.fullmatch(r"\+27 00 000 0\d{3}", profile.phone)


def test_case_study_authors_have_profiles_that_show_their_records(session, demo):
    authors = set(
        session.scalars(
            select(CaseStudy.author_id).where(CaseStudy.status == CaseStudyStatus.PUBLISHED)
        )
    )
    profiles = session.scalars(select(ExpertProfile).where(ExpertProfile.user_id.in_(authors)))
    profiles = {profile.user_id: profile for profile in profiles}
    assert set(profiles) == authors
    for profile in profiles.values():
        if profile.visibility is ProfileVisibility.PUBLIC:
            assert collect_evidence(session, profile, AnonymousUser()), profile.slug


def test_owners_decide_on_the_areas_their_records_suggest(session, demo):
    for decision in AREA_DECISIONS:
        owner = session.scalar(select(User).where(User.email == decision.expert))
        profile = session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == owner.id))
        states = {
            area.theme.name: area.decision for area in inferred_areas(session, profile, owner)
        }
        expected = AreaState.HIDDEN if decision.decision == "hide" else AreaState.CONFIRMED
        assert states[decision.theme] is expected, decision
        # Nobody else sees a hidden area.
        others = {area.theme.name for area in inferred_areas(session, profile, AnonymousUser())}
        assert (decision.theme in others) is (expected is AreaState.CONFIRMED), decision


def test_new_demo_people_sign_in_with_the_demo_password(client, session, demo):
    new = [p for p in PROFILES if p.account is not None]
    assert new
    for demo_profile in new[:2]:
        user = session.scalar(select(User).where(User.email == demo_profile.email))
        assert user.name == demo_profile.account.name and user.is_active
        factories.sign_in(client, user, PASSWORD)
        client.get("/logout")


def directory_slugs(client, query: str = "") -> set[str]:
    """Return the profiles the directory lists on all of its pages."""
    slugs: set[str] = set()
    for page in range(1, 20):
        html = client.get(f"/experts/?page={page}{query}").get_data(as_text=True)
        found = set(_PROFILE_LINK.findall(html))
        if not found - slugs:
            break
        slugs |= found
    return slugs


def test_every_demo_profile_renders_for_an_administrator(client, session, demo):
    admin = session.scalar(select(User).where(User.email == "admin@example.org"))
    factories.sign_in(client, admin, PASSWORD)
    for profile in demo_profiles(session):
        page = client.get(f"/experts/{profile.slug}")
        assert page.status_code == 200, profile.slug
        text = page.get_data(as_text=True)
        assert profile.name in text and profile.expertise[0].name in text, profile.slug


def test_the_public_sees_public_profiles_and_members_also_members_only_ones(client, session, demo):
    profiles = demo_profiles(session)
    shown = {v: {p.slug for p in profiles if p.visibility is v} for v in ProfileVisibility}
    # External people too: the directory lists them as their recorded consent allows.
    assert {p.slug for p in profiles if p.user_id is None} & shown[ProfileVisibility.PUBLIC]
    assert directory_slugs(client) == shown[ProfileVisibility.PUBLIC]
    for slug in shown[ProfileVisibility.HIDDEN] | shown[ProfileVisibility.MEMBERS]:
        assert client.get(f"/experts/{slug}").status_code == 404, slug

    member = session.scalar(select(User).where(User.email == "member.mangaung@example.org"))
    factories.sign_in(client, member, PASSWORD)
    assert directory_slugs(client) == (
        shown[ProfileVisibility.PUBLIC] | shown[ProfileVisibility.MEMBERS]
    )
    for slug in shown[ProfileVisibility.HIDDEN]:
        assert client.get(f"/experts/{slug}").status_code == 404, slug


def test_hidden_profiles_stay_out_of_every_search(client, session, demo):
    hidden = [p for p in demo_profiles(session) if p.visibility is ProfileVisibility.HIDDEN]
    new_person = [p for p in hidden if p.email in {d.email for d in PROFILES if d.account}]
    assert new_person  # and so the person search has a document to leak, if it did
    member = session.scalar(select(User).where(User.email == "member.mangaung@example.org"))
    for viewer in (None, member):
        if viewer is not None:
            factories.sign_in(client, viewer, PASSWORD)
        for profile in hidden:
            words = profile.name.replace(" ", "+")
            for path in (f"/search?q={words}", f"/experts/?q={words}"):
                html = client.get(path).get_data(as_text=True)
                assert f'href="/experts/{profile.slug}"' not in html, (viewer, path)
        # Someone who hid everything is found nowhere (the page only repeats the query).
        for profile in new_person:
            html = client.get(f"/search?q={profile.name.replace(' ', '+')}").get_data(as_text=True)
            assert "0 results for" in html, viewer


def test_the_directory_finds_revenue_experts_by_province_and_language(client, session, demo):
    for province, language, expected in (
        (Province.FS, Language.SESOTHO, {"mpho-mokoena", "thato-mokhele"}),
        (Province.MP, Language.SWATI, {"nomvula-shabangu"}),
        (Province.KZN, Language.ZULU, {"sifiso-mkhize"}),
        (Province.LP, Language.SEPEDI, {"tebogo-mashaba"}),
        (Province.FS, Language.TSHIVENDA, set()),
    ):
        query = f"&theme=revenue-collection&province={province.value}&language={language.value}"
        assert directory_slugs(client, query) == expected, (province, language)


def test_a_member_finds_revenue_collection_experts_by_words_and_can_write_to_them(
    client, session, demo
):
    """The browser journey's steps, on the demo data: search, narrow, open, contact."""
    member = session.scalar(select(User).where(User.email == "member.polokwane@example.org"))
    factories.sign_in(client, member, PASSWORD)
    assert {"mpho-mokoena", "nomvula-shabangu", "sifiso-mkhize", "mandla-gqeba"} <= (
        directory_slugs(client, "&q=revenue+collection")
    )
    found = directory_slugs(client, "&q=revenue+collection&province=MP&language=ss")
    assert found == {"nomvula-shabangu"}
    # She chose to show members her phone number but not her e-mail address.
    profile_page = client.get("/experts/nomvula-shabangu").get_data(as_text=True)
    assert "+27 00 000 0120" in profile_page
    assert "credit.mbombela@example.org" not in profile_page
    contact = client.get("/experts/nomvula-shabangu/contact")
    assert contact.status_code == 200
    assert "credit.mbombela@example.org" not in contact.get_data(as_text=True)


def test_endorsements_are_written_by_their_endorsers_about_one_area(session, demo):
    for demo_endorsement in ENDORSEMENTS:
        endorsement = session.scalar(
            select(Endorsement)
            .join(Endorsement.endorser)
            .where(
                User.email == demo_endorsement.endorser,
                Endorsement.statement == demo_endorsement.statement,
            )
        )
        assert endorsement is not None, demo_endorsement
        assert endorsement.area_name == demo_endorsement.area
        assert endorsement.profile.email == demo_endorsement.expert
        assert not endorsement.is_hidden


def test_the_demo_content_checks_itself_without_a_database(capsys):
    from kmrg.experts.demo_content import _self_check

    _self_check()
    assert capsys.readouterr().out.startswith("OK: ")
