"""Profiles a champion keeps for someone outside the Hub, with consent; removal; reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from kmrg.auth.models import ProfileVisibility
from kmrg.cli import main
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.experts import services
from kmrg.experts.models import ExpertProfile
from kmrg.experts.permissions import (
    can_confirm_expert_profile,
    can_create_external_profile,
    can_delete_expert_profile,
    can_edit_expert_profile,
    can_see_contact,
    can_view_expert_profile,
)
from kmrg.models import utcnow
from kmrg.search.queries import SearchRequest, search_site
from tests.experts.conftest import make_external_profile, make_profile
from tests.factories import post, sign_in


def text(response) -> str:
    return response.get_data(as_text=True)


def reload(session, profile):
    session.expire_all()
    return session.get(ExpertProfile, profile.id)


PERSON = services.ExternalPerson(
    name="Mr Themba Khumalo",
    email="themba.khumalo@example.org",
    job_title="Retired municipal manager",
    consent_note="Agreed by letter on 2 May 2026 to a members-only profile.",
)


def test_a_champion_lists_an_outside_expert_with_consent(session, champion):
    profile = make_external_profile(session, champion, person=PERSON)
    assert profile.is_external and profile.user is None
    assert profile.name == "Mr Themba Khumalo"
    assert profile.email == "themba.khumalo@example.org"
    assert profile.managed_by == champion
    assert profile.consent_recorded_at is not None
    assert profile.slug == "mr-themba-khumalo"
    assert not profile.is_stale


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "  "}, "name", "Give the person's name"),
        ({"consent_note": ""}, "consent_note", "Say how and when the person agreed"),
        ({"email": "not-an-address"}, "email", "Write the e-mail address"),
    ],
)
def test_bad_person_details_are_refused_and_nothing_is_saved(
    session, champion, change, field, message
):
    person = services.ExternalPerson(**{**PERSON.__dict__, **change})
    with pytest.raises(ValidationError) as error:
        services.create_external_profile(
            session, champion, person, services.ProfileDetails(headline="Budgeting")
        )
    session.rollback()
    assert error.value.field == field and message in str(error.value)
    assert session.scalar(select(ExpertProfile.id)) is None


def test_someone_with_an_account_publishes_their_own_profile_instead(session, champion, member):
    person = services.ExternalPerson(**{**PERSON.__dict__, "email": member.email.upper()})
    with pytest.raises(ValidationError, match="has a Hub account"):
        services.create_external_profile(
            session, champion, person, services.ProfileDetails(headline="Budgeting")
        )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("member", False), ("champion", True), ("admin", True)],
)
def test_who_lists_outside_experts(request, role, allowed):
    user = AnonymousUserMixin() if role == "anonymous" else request.getfixturevalue(role)
    assert can_create_external_profile(user) is allowed


def test_members_may_not_list_outside_experts(session, member):
    with pytest.raises(PermissionDenied):
        services.create_external_profile(
            session, member, PERSON, services.ProfileDetails(headline="Budgeting")
        )


KEEPER_ROLES = ["anonymous", "member", "keeper", "outsider_champion", "admin"]


@pytest.fixture
def external_viewers(champion, member, outsider_champion, admin):
    return {
        "anonymous": AnonymousUserMixin(),
        "member": member,
        "keeper": champion,
        "outsider_champion": outsider_champion,
        "admin": admin,
    }


EXTERNAL_VIEW_TABLE = {
    ProfileVisibility.PUBLIC: set(KEEPER_ROLES),
    ProfileVisibility.MEMBERS: {"member", "keeper", "outsider_champion", "admin"},
    ProfileVisibility.HIDDEN: {"keeper", "admin"},
}


@pytest.mark.parametrize("visibility", list(ProfileVisibility))
@pytest.mark.parametrize("role", KEEPER_ROLES)
def test_an_outside_experts_profile_follows_their_chosen_visibility(
    session, champion, external_viewers, visibility, role
):
    profile = make_external_profile(session, champion, visibility=visibility)
    viewer = external_viewers[role]
    assert can_view_expert_profile(viewer, profile) is (role in EXTERNAL_VIEW_TABLE[visibility])
    # Contact details: never anonymous; members only as the person chose (e-mail: members).
    expected_email = role in EXTERNAL_VIEW_TABLE[visibility] and role != "anonymous"
    assert can_see_contact(viewer, profile, "email") is expected_email
    expected_phone = role in {"keeper", "admin"}
    assert can_see_contact(viewer, profile, "phone") is expected_phone


@pytest.mark.parametrize("role", KEEPER_ROLES)
def test_the_keeper_and_administrators_edit_confirm_and_remove(
    session, champion, external_viewers, role
):
    profile = make_external_profile(session, champion)
    viewer = external_viewers[role]
    allowed = role in {"keeper", "admin"}
    assert can_edit_expert_profile(viewer, profile) is allowed
    assert can_confirm_expert_profile(viewer, profile) is allowed
    assert can_delete_expert_profile(viewer, profile) is allowed


def test_a_changed_consent_note_is_re_dated(session, champion):
    profile = make_external_profile(session, champion)
    first = profile.consent_recorded_at
    person = services.ExternalPerson(
        name="Prof. Nandi Dube", consent_note="Asked on 1 June 2026 to hide her e-mail address."
    )
    services.update_external_profile(
        session,
        champion,
        profile,
        person,
        services.ProfileDetails(headline="Municipal finance research"),
        expected_version=profile.version,
    )
    session.commit()
    profile = reload(session, profile)
    assert profile.consent_recorded_at > first
    assert profile.email == ""


def test_the_champion_lists_an_outside_expert_through_the_form(client, session, champion):
    sign_in(client, champion)
    form_page = text(client.get("/experts/new/external"))
    assert "How and when they agreed to be listed" in form_page
    form = {
        "name": "Dr Lindiwe Sithole",
        "email": "lindiwe.sithole@example.org",
        "job_title": "Senior lecturer, urban planning",
        "organisation": "",
        "headline": "Spatial planning and township regeneration",
        "expertise-0-skill": "Township regeneration",
        "expertise-0-level": "authority",
        "province": "GP",
        "languages": ["zu", "en"],
        "preferred_channel": "email",
        "visibility": "public",
        "email_visibility": "members",
        "phone_visibility": "nobody",
        "consent_note": "Agreed in a meeting on 4 April 2026; confirmed by e-mail.",
    }
    # Without the consent confirmation nothing is saved.
    refused = post(client, "/experts/new/external", form)
    assert refused.status_code == 200
    assert "Confirm the person agreed" in text(refused)
    assert session.scalar(select(ExpertProfile.id)) is None

    response = post(client, "/experts/new/external", {**form, "consent_confirmed": "y"})
    assert response.status_code == 302
    page = text(client.get("/experts/dr-lindiwe-sithole"))
    assert "Dr Lindiwe Sithole" in page and "Senior lecturer, urban planning" in page
    assert "Thandi Champion</a> keeps this profile with their consent" in page
    assert "Agreed in a meeting on 4 April 2026" in page  # the keeper sees the note


def test_the_public_sees_an_outside_expert_without_contacts_or_consent_note(
    client, session, champion
):
    profile = make_external_profile(session, champion)
    page = text(client.get(f"/experts/{profile.slug}"))
    assert "Prof. Nandi Dube" in page and "Property rates" in page
    assert "nandi.dube@example.org" not in page
    assert "Agreed by e-mail" not in page


def test_members_may_not_open_the_outside_expert_form(client, member):
    sign_in(client, member)
    assert client.get("/experts/new/external").status_code == 403


def test_the_keeper_edits_the_outside_experts_profile(client, session, champion):
    profile = make_external_profile(session, champion)
    sign_in(client, champion)
    form_page = text(client.get(f"/experts/{profile.slug}/edit"))
    assert 'value="Prof. Nandi Dube"' in form_page
    response = post(
        client,
        f"/experts/{profile.slug}/edit",
        {
            "name": "Prof. Nandi Dube",
            "email": "nandi.dube@example.org",
            "job_title": "Emeritus professor",
            "organisation": "",
            "headline": "Municipal finance research",
            "province": "WC",
            "preferred_channel": "email",
            "visibility": "members",
            "email_visibility": "members",
            "phone_visibility": "nobody",
            "consent_note": profile.consent_note,
            "consent_confirmed": "y",
            "version": str(profile.version),
        },
    )
    assert response.status_code == 302
    profile = reload(session, profile)
    assert profile.external_job_title == "Emeritus professor"
    assert profile.visibility is ProfileVisibility.MEMBERS


def test_an_outside_expert_is_found_by_search_as_far_as_they_chose(session, champion, member):
    profile = make_external_profile(session, champion)
    results = search_site(session, AnonymousUserMixin(), SearchRequest("property rates")).results
    assert [r.title for r in results if r.doc_type == "expert"] == ["Prof. Nandi Dube"]
    services.update_external_profile(
        session,
        champion,
        profile,
        services.ExternalPerson(name="Prof. Nandi Dube", consent_note=profile.consent_note),
        services.ProfileDetails(headline="Property rates", visibility=ProfileVisibility.HIDDEN),
        expected_version=profile.version,
    )
    session.commit()
    for viewer in (AnonymousUserMixin(), member):
        results = search_site(session, viewer, SearchRequest("property rates")).results
        assert [r for r in results if r.doc_type == "expert"] == []


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_a_profile_is_removed_after_a_confirmation_page(request, client, session, expert, who):
    profile = make_profile(session, expert)
    slug, profile_id = profile.slug, profile.id
    sign_in(client, expert if who == "owner" else request.getfixturevalue("admin"))
    page = text(client.get(f"/experts/{slug}/delete"))
    assert "deleted for good" in page
    response = post(client, f"/experts/{slug}/delete")
    assert response.status_code == 302
    session.expire_all()
    assert session.get(ExpertProfile, profile_id) is None
    assert client.get(f"/experts/{slug}").status_code == 404
    results = search_site(session, expert, SearchRequest("meter auditing")).results
    assert [r for r in results if r.doc_type == "expert"] == []


def test_others_may_not_remove_a_profile(client, session, expert, member):
    profile = make_profile(session, expert)
    sign_in(client, member)
    assert client.get(f"/experts/{profile.slug}/delete").status_code == 403
    assert post(client, f"/experts/{profile.slug}/delete").status_code == 403
    assert reload(session, profile) is not None


def test_removal_needs_the_csrf_token(client, session, expert):
    profile = make_profile(session, expert)
    sign_in(client, expert)
    assert client.post(f"/experts/{profile.slug}/delete").status_code == 400
    assert reload(session, profile) is not None


def _age(session, profile, days: int):
    profile.confirmed_at = utcnow() - timedelta(days=days)
    session.commit()


def test_stale_profiles_owners_are_reminded_once_a_month(session, outbox, expert, champion, member):
    stale_own = make_profile(session, expert)
    stale_external = make_external_profile(session, champion)
    fresh = make_profile(session, member, headline="Fresh")
    _age(session, stale_own, 400)
    _age(session, stale_external, 366)
    _age(session, fresh, 300)

    reminded = services.send_stale_reminders(session)
    session.commit()
    assert {p.id for p in reminded} == {stale_own.id, stale_external.id}
    by_recipient = {message["To"]: message for message in outbox}
    assert set(by_recipient) == {expert.email, champion.email}
    assert by_recipient[expert.email]["Subject"] == "Is your expert profile still current?"
    assert "Prof. Nandi Dube" in by_recipient[champion.email]["Subject"]
    body = by_recipient[expert.email].get_content()
    assert f"\nhttp://hub.test/experts/{stale_own.slug}\n" in body

    # Run again the next day: nobody is reminded twice within the month.
    outbox.clear()
    assert services.send_stale_reminders(session, now=utcnow() + timedelta(days=1)) == []
    session.commit()
    assert outbox == []
    # A month later the still-stale profiles are reminded again.
    again = services.send_stale_reminders(session, now=utcnow() + timedelta(days=31))
    assert {p.id for p in again} == {stale_own.id, stale_external.id}


def test_confirming_ends_the_reminders(session, outbox, expert):
    profile = make_profile(session, expert)
    _age(session, profile, 400)
    services.confirm_expert_profile(session, expert, profile)
    session.commit()
    assert services.send_stale_reminders(session) == []


def test_the_cli_command_sends_the_reminders(app, session, outbox, expert):
    profile = make_profile(session, expert)
    _age(session, profile, 400)
    result = app.test_cli_runner().invoke(main, args=["experts", "remind-stale"])
    assert result.exit_code == 0, result.output
    assert "Reminded the owners of 1 stale expert profile(s)." in result.output
    assert [message["To"] for message in outbox] == [expert.email]
    assert reload(session, profile).reminded_at is not None


@pytest.mark.parametrize(("role", "shown"), [("member", False), ("champion", True)])
def test_the_directory_offers_champions_to_list_an_outside_expert(request, client, role, shown):
    sign_in(client, request.getfixturevalue(role))
    page = text(client.get("/experts/"))
    assert ('href="/experts/new/external"' in page) is shown
