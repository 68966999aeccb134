"""Expert profiles for the experts area's tests."""

from __future__ import annotations

from typing import Any

import pytest

from kmrg.auth.models import ProfileVisibility
from kmrg.experts.models import ContactVisibility, ExpertiseLevel, Language
from kmrg.experts.services import ExpertiseEntry, ProfileDetails, create_expert_profile
from kmrg.organisations.models import Province
from tests import factories


def make_profile(session, user, **overrides: Any):
    """Create and commit `user`'s expert profile through the real service."""
    details = {
        "headline": "Revenue enhancement in a mid-size metro",
        "biography": "Ran the *billing clean-up* for five years.",
        "province": Province.EC,
        "languages": [Language.XHOSA, Language.ENGLISH],
        "expertise": [ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, skill="Meter auditing")],
        "availability": ["offers_mentoring"],
        "days_per_quarter": 3,
        "visibility": ProfileVisibility.PUBLIC,
        "email_visibility": ContactVisibility.MEMBERS,
        "phone_visibility": ContactVisibility.MEMBERS,
        "phone": "+27 43 705 1234",
    }
    details.update(overrides)
    profile = create_expert_profile(session, user, ProfileDetails(**details))
    session.commit()
    return profile


@pytest.fixture
def expert(session, organisation):
    """An expert whose account profile is hidden; the expert profile is what they publish."""
    return factories.make_user(
        session, name="Zanele Mokoena", organisation=organisation, email="zanele@example.org"
    )


@pytest.fixture
def theme(session):
    return factories.make_theme(session, "Revenue collection")


def make_external_profile(session, champion, **overrides: Any):
    """Create and commit a profile `champion` keeps for someone outside the Hub."""
    from kmrg.experts.services import ExternalPerson, create_external_profile

    person = overrides.pop(
        "person",
        ExternalPerson(
            name="Prof. Nandi Dube",
            email="nandi.dube@example.org",
            job_title="Professor of public finance",
            consent_note="Agreed by e-mail on 3 March 2026 to a public profile.",
        ),
    )
    details = {
        "headline": "Municipal finance research and revenue models",
        "biography": "Twenty years of research on *property rates*.",
        "province": Province.WC,
        "languages": [Language.AFRIKAANS, Language.ENGLISH],
        "expertise": [ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, skill="Property rates")],
        "visibility": ProfileVisibility.PUBLIC,
        "email_visibility": ContactVisibility.MEMBERS,
    }
    details.update(overrides)
    profile = create_external_profile(session, champion, person, ProfileDetails(**details))
    session.commit()
    return profile
