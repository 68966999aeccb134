"""Writing expert profiles: create, update (stale edits refused), confirm, all audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.auth.models import ProfileVisibility
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.experts.models import ExpertiseLevel, ExpertLanguage, Language
from kmrg.experts.services import (
    ExpertiseEntry,
    ProfileDetails,
    confirm_expert_profile,
    create_expert_profile,
    update_expert_profile,
)
from kmrg.models import StaleEditError, utcnow
from tests import factories
from tests.experts.conftest import make_profile


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_create_stores_rendered_biography_languages_expertise_and_confirms(session, expert, theme):
    profile = make_profile(
        session,
        expert,
        expertise=[
            ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, theme=theme),
            ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, skill="  Meter   auditing "),
            ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER),  # an empty row is ignored
        ],
        languages=[Language.SIGN_LANGUAGE, Language.ZULU],
    )
    assert profile.slug == "zanele-mokoena"
    assert "<em>billing clean-up</em>" in profile.biography_html
    assert [(e.name, e.level) for e in profile.expertise] == [
        ("Revenue collection", ExpertiseLevel.PRACTITIONER),
        ("Meter auditing", ExpertiseLevel.AUTHORITY),
    ]
    assert set(profile.languages) == {Language.SIGN_LANGUAGE, Language.ZULU}
    assert profile.availability == ["Mentoring"]
    assert profile.confirmed_at is not None and not profile.is_stale
    assert actions(session) == ["expert_profile.created"]


def test_the_default_visibility_is_hidden(session, expert):
    profile = create_expert_profile(session, expert, ProfileDetails(headline="Water loss"))
    assert profile.visibility is ProfileVisibility.HIDDEN


def test_slugs_are_unique_and_never_a_reserved_word(session, organisation):
    first = factories.make_user(session, name="New", organisation=organisation)
    second = factories.make_user(session, name="New", organisation=organisation)
    assert make_profile(session, first).slug == "new-2"
    assert make_profile(session, second).slug == "new-3"


def test_a_person_has_one_profile(session, expert):
    make_profile(session, expert)
    with pytest.raises(PermissionDenied):
        make_profile(session, expert)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"headline": "   "}, "headline"),
        ({"headline": "x" * 201}, "headline"),
        ({"biography": "x" * 5001}, "biography"),
        ({"phone": "call me"}, "phone"),
        ({"days_per_quarter": 91}, "days_per_quarter"),
        ({"availability": ["offers_free_lunch"]}, "availability"),
        (
            {
                "expertise": [
                    ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, skill="GIS"),
                    ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, skill="gis"),
                ]
            },
            "expertise",
        ),
    ],
)
def test_invalid_details_are_refused_with_the_field(session, expert, overrides, field):
    with pytest.raises(ValidationError) as raised:
        make_profile(session, expert, **overrides)
    assert raised.value.field == field


def test_a_row_with_both_theme_and_skill_is_refused(session, expert, theme):
    entry = ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, theme=theme, skill="GIS")
    with pytest.raises(ValidationError):
        make_profile(session, expert, expertise=[entry])


def test_update_changes_everything_and_re_confirms(session, expert):
    profile = make_profile(session, expert)
    profile.confirmed_at = utcnow() - timedelta(days=400)
    session.commit()
    assert profile.is_stale
    update_expert_profile(
        session,
        expert,
        profile,
        ProfileDetails(headline="Water loss", languages=[Language.AFRIKAANS]),
        expected_version=profile.version,
    )
    session.commit()
    assert profile.headline == "Water loss"
    assert profile.languages == [Language.AFRIKAANS]
    assert session.scalars(select(ExpertLanguage)).all() == profile.language_rows
    assert profile.expertise == []
    assert not profile.is_stale
    assert actions(session)[-1] == "expert_profile.updated"


def test_a_stale_update_is_refused(session, expert):
    profile = make_profile(session, expert)
    with pytest.raises(StaleEditError):
        update_expert_profile(
            session,
            expert,
            profile,
            ProfileDetails(headline="Changed"),
            expected_version=profile.version - 1,
        )


def test_only_the_owner_updates_or_confirms(session, expert, admin, member):
    profile = make_profile(session, expert)
    for actor in (admin, member):
        with pytest.raises(PermissionDenied):
            update_expert_profile(
                session, actor, profile, ProfileDetails(headline="X"), expected_version=1
            )
        with pytest.raises(PermissionDenied):
            confirm_expert_profile(session, actor, profile)


def test_confirm_clears_the_stale_mark_and_is_audited(session, expert):
    profile = make_profile(session, expert)
    profile.confirmed_at = utcnow() - timedelta(days=366)
    session.commit()
    assert profile.is_stale
    confirm_expert_profile(session, expert, profile)
    session.commit()
    assert not profile.is_stale
    assert actions(session)[-1] == "expert_profile.confirmed"


def test_members_without_an_active_account_cannot_create(session, applicant):
    with pytest.raises(PermissionDenied):
        create_expert_profile(session, applicant, ProfileDetails(headline="Anything"))
