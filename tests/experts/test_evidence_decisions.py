"""Confirming and hiding inferred areas: who may, the services, the page and its partial."""

from __future__ import annotations

import pytest
from flask import render_template
from flask_login import AnonymousUserMixin, login_user
from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.auth.models import ProfileVisibility
from kmrg.casestudies import services as case_study_services
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.experts.evidence import AreaState, inferred_areas
from kmrg.experts.evidence_services import (
    clear_area_decision,
    confirm_inferred_area,
    hide_inferred_area,
)
from kmrg.experts.models import AreaDecision, ExpertiseLevel
from kmrg.experts.permissions import can_decide_inferred_area
from kmrg.experts.services import ExpertiseEntry
from kmrg.experts.views.evidence import evidence_context
from tests import factories
from tests.casestudies.conftest import write_case_study
from tests.experts.conftest import make_external_profile, make_profile
from tests.factories import post, sign_in

ROLES = ["anonymous", "person", "member", "champion", "outsider_champion", "admin"]


@pytest.fixture
def published(session, expert, champion, theme):
    """A case study the expert wrote, published by their organisation's champion."""
    case_study = write_case_study(
        session, expert, title="Billing clean-up in Buffalo City", theme_ids=[theme.id]
    )
    case_study_services.submit_case_study(session, expert, case_study)
    case_study_services.publish_case_study(session, champion, case_study)
    session.commit()
    return case_study


@pytest.fixture
def profile(session, expert, published):
    return make_profile(session, expert)


def decisions(session, profile) -> list[tuple[str, bool]]:
    rows = session.scalars(select(AreaDecision).where(AreaDecision.profile_id == profile.id))
    return [(row.theme.name, row.is_hidden) for row in rows]


def actions(session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.summary)
        .where(AuditEvent.action.like("expert_profile.area%"))
        .order_by(AuditEvent.id)
    )
    return [tuple(row) for row in rows]


# Who decides: the person for a member's profile; the keeper (or an admin) for an external one.
DECIDE_TABLE = {
    "member_profile": {"person"},
    "external_profile": {"champion", "admin"},
}


@pytest.mark.parametrize("kind", list(DECIDE_TABLE))
@pytest.mark.parametrize("role", ROLES)
def test_who_decides_on_inferred_areas(
    session, expert, member, champion, outsider_champion, admin, kind, role
):
    subject = (
        make_profile(session, expert)
        if kind == "member_profile"
        else make_external_profile(session, champion)
    )
    viewer = {
        "anonymous": AnonymousUserMixin(),
        "person": expert,
        "member": member,
        "champion": champion,
        "outsider_champion": outsider_champion,
        "admin": admin,
    }[role]
    assert can_decide_inferred_area(viewer, subject) is (role in DECIDE_TABLE[kind])


def test_the_person_confirms_hides_and_takes_back_an_area(session, expert, theme, profile):
    confirm_inferred_area(session, expert, profile, theme)
    assert decisions(session, profile) == [("Revenue collection", False)]
    assert inferred_areas(session, profile, expert)[0].decision is AreaState.CONFIRMED

    hide_inferred_area(session, expert, profile, theme)
    assert decisions(session, profile) == [("Revenue collection", True)]
    assert inferred_areas(session, profile, AnonymousUserMixin()) == []

    assert clear_area_decision(session, expert, profile, theme) is True
    assert decisions(session, profile) == []
    assert clear_area_decision(session, expert, profile, theme) is False
    assert actions(session) == [
        ("expert_profile.area_confirmed", "Revenue collection"),
        ("expert_profile.area_hidden", "Revenue collection"),
        ("expert_profile.area_decision_cleared", "Revenue collection"),
    ]


def test_confirming_twice_changes_and_records_nothing_more(session, expert, theme, profile):
    first = confirm_inferred_area(session, expert, profile, theme)
    assert confirm_inferred_area(session, expert, profile, theme) is first
    assert len(actions(session)) == 1


def test_services_flush_and_leave_the_commit_to_the_view(session, expert, theme, profile):
    confirm_inferred_area(session, expert, profile, theme)
    session.rollback()
    assert decisions(session, profile) == []
    assert actions(session) == []


@pytest.mark.parametrize("role", ["member", "champion", "admin"])
@pytest.mark.parametrize(
    "service", [confirm_inferred_area, hide_inferred_area, clear_area_decision]
)
def test_nobody_else_decides_for_a_member(request, session, theme, profile, role, service):
    with pytest.raises(PermissionDenied):
        service(session, request.getfixturevalue(role), profile, theme)
    assert decisions(session, profile) == []


def test_an_area_without_evidence_cannot_be_decided(session, expert, profile):
    water = factories.make_theme(session, "Water services")
    with pytest.raises(ValidationError):
        confirm_inferred_area(session, expert, profile, water)
    with pytest.raises(ValidationError):
        hide_inferred_area(session, expert, profile, water)


def test_an_external_profile_has_no_records_to_decide_on(session, champion, theme):
    external = make_external_profile(session, champion)
    with pytest.raises(ValidationError):
        confirm_inferred_area(session, champion, external, theme)


# The page.


def url(profile, theme_slug="revenue-collection") -> str:
    return f"/experts/{profile.slug}/areas/{theme_slug}"


def test_the_person_confirms_an_area_from_their_profile(client, session, expert, profile):
    sign_in(client, expert)
    response = post(client, url(profile), {"action": "confirm"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/experts/{profile.slug}#evidence")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Revenue collection is confirmed as an area of your expertise." in page
    assert decisions(session, profile) == [("Revenue collection", False)]


@pytest.mark.parametrize(
    ("action", "expected"),
    [("hide", [("Revenue collection", True)]), ("undo", [])],
)
def test_hide_and_undo_through_the_page(client, session, expert, profile, action, expected):
    sign_in(client, expert)
    post(client, url(profile), {"action": "confirm"})
    assert post(client, url(profile), {"action": action}).status_code == 302
    assert decisions(session, profile) == expected


def test_a_decision_needs_the_csrf_token(client, session, expert, profile):
    sign_in(client, expert)
    assert client.post(url(profile), data={"action": "confirm"}).status_code == 400
    assert decisions(session, profile) == []


def test_an_unknown_action_is_refused(client, session, expert, profile):
    sign_in(client, expert)
    assert post(client, url(profile), {"action": "delete"}).status_code == 400
    assert post(client, url(profile), {}).status_code == 400


def test_anonymous_visitors_are_sent_to_sign_in(client, session, profile):
    response = post(client, url(profile), {"action": "confirm"})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert decisions(session, profile) == []


@pytest.mark.parametrize("role", ["member", "champion", "admin"])
def test_others_are_refused(request, client, session, profile, role):
    sign_in(client, request.getfixturevalue(role))
    assert post(client, url(profile), {"action": "hide"}).status_code == 403
    assert decisions(session, profile) == []


def test_a_profile_the_viewer_may_not_see_is_not_found(client, session, expert, member, published):
    hidden = make_profile(session, expert, visibility=ProfileVisibility.HIDDEN)
    sign_in(client, member)
    assert post(client, url(hidden), {"action": "hide"}).status_code == 404


def test_unknown_profiles_and_themes_are_not_found(client, session, expert, profile):
    sign_in(client, expert)
    assert post(client, "/experts/nobody/areas/revenue-collection", {}).status_code == 404
    assert post(client, url(profile, "no-such-theme"), {"action": "hide"}).status_code == 404


def test_a_theme_without_evidence_is_explained_not_saved(client, session, expert, profile):
    factories.make_theme(session, "Water services")
    sign_in(client, expert)
    response = post(client, url(profile, "water-services"), {"action": "confirm"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "None of the Hub&#39;s records about Zanele Mokoena is on Water services." in page
    assert decisions(session, profile) == []


# The partial the profile page includes.


def render_for(app, viewer, profile) -> str:
    with app.test_request_context(f"/experts/{profile.slug}"):
        if viewer is not None:
            login_user(viewer)
        return render_template(
            "experts/_evidence.html", profile=profile, **evidence_context(profile)
        )


def test_the_partial_lists_evidence_with_buttons_only_for_the_person(
    app, session, expert, member, profile
):
    own = render_for(app, expert, profile)
    assert "Evidence from the Hub's records" in own
    assert "Billing clean-up in Buffalo City" in own
    assert "Wrote the case study" in own
    assert "Suggested by the Hub's records" in own
    assert 'name="csrf_token"' in own
    assert 'value="confirm"' in own and 'value="hide"' in own and 'value="undo"' not in own

    other = render_for(app, member, profile)
    assert "Billing clean-up in Buffalo City" in other
    assert "<form" not in other and "csrf_token" not in other


def test_the_partial_shows_decisions(app, session, expert, theme, profile):
    confirm_inferred_area(session, expert, profile, theme)
    session.commit()
    assert "Confirmed by Zanele Mokoena" in render_for(app, None, profile)

    hide_inferred_area(session, expert, profile, theme)
    session.commit()
    public = render_for(app, None, profile)
    assert "Billing clean-up" not in public and "Evidence from the Hub" not in public
    own = render_for(app, expert, profile)
    assert "Hidden (only you see this)" in own and "Billing clean-up" in own
    assert 'value="undo"' in own and 'value="confirm"' in own and 'value="hide"' not in own


def test_the_partial_says_nothing_without_evidence(app, session, member):
    profile = make_profile(session, member)
    assert render_for(app, None, profile).strip() == ""


def test_an_area_the_person_also_claims_says_so(app, session, expert, theme, profile):
    from kmrg.experts.services import ProfileDetails, update_expert_profile

    update_expert_profile(
        session,
        expert,
        profile,
        ProfileDetails(
            headline=profile.headline,
            visibility=profile.visibility,
            expertise=[ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, theme=theme)],
        ),
        expected_version=profile.version,
    )
    session.commit()
    page = render_for(app, None, profile)
    assert "On the profile and in the Hub's records" in page
    assert "Suggested by the Hub" not in page
