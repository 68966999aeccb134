"""Experts to write to, and people who write to them, for the inbox's tests."""

from __future__ import annotations

import pytest

from kmrg.auth.models import ProfileVisibility
from kmrg.experts.models import ContactVisibility, ExpertProfile
from kmrg.inbox.services import ContactRequest, contact_expert
from kmrg.models import utcnow
from tests import factories
from tests.experts.conftest import make_profile

# The expert chose to show neither: no page or e-mail the sender gets may contain them.
HIDDEN_EMAIL = "zanele.private@example.org"
HIDDEN_PHONE = "+27 43 705 9876"
EXTERNAL_EMAIL = "prof.dlamini@university.example.org"


@pytest.fixture
def expert(session, other_organisation):
    """A member with an expert profile for members, who hides her e-mail address and phone."""
    return factories.make_user(
        session, name="Zanele Mokoena", organisation=other_organisation, email=HIDDEN_EMAIL
    )


@pytest.fixture
def expert_profile(session, expert):
    return make_profile(
        session,
        expert,
        visibility=ProfileVisibility.MEMBERS,
        email_visibility=ContactVisibility.NOBODY,
        phone_visibility=ContactVisibility.NOBODY,
        phone=HIDDEN_PHONE,
    )


def make_external_profile(session, champion, email: str = EXTERNAL_EMAIL, **overrides):
    """An external person's profile, kept by `champion`, built on the model directly."""
    values = {
        "slug": "themba-dlamini",
        "headline": "Retired municipal manager; turned round two distressed municipalities",
        "external_name": "Themba Dlamini",
        "external_email": email,
        "external_job_title": "Former municipal manager",
        "managed_by": champion,
        "consent_note": "Agreed by e-mail on 3 March 2026.",
        "consent_recorded_at": utcnow(),
        "visibility": ProfileVisibility.MEMBERS,
        "email_visibility": ContactVisibility.NOBODY,
        "confirmed_at": utcnow(),
    }
    values.update(overrides)
    profile = ExpertProfile(**values)
    session.add(profile)
    session.commit()
    return profile


@pytest.fixture
def external_profile(session, champion):
    return make_external_profile(session, champion)


@pytest.fixture
def stranger(session, organisation):
    return factories.make_user(session, name="Bongani Stranger", organisation=organisation)


def start_conversation(session, sender, profile, **overrides) -> object:
    """Write to an expert through the real service, and commit."""
    request = {
        "subject": "Advice on a meter audit",
        "need": "We are starting a meter audit in Msunduzi.\n\nCould we talk about sampling?",
        "preferred_dates": "Any Tuesday in March",
    }
    request.update(overrides)
    conversation = contact_expert(session, sender, profile, ContactRequest(**request))
    session.commit()
    return conversation
