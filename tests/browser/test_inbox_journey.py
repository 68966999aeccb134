"""In headless Chromium: a member writes to an expert, who reads and answers in the inbox;
every inbox page is checked for accessibility with axe-core."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect

from kmrg.auth.models import ProfileVisibility
from kmrg.experts.models import ContactVisibility
from kmrg.extensions import db
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.steps import signed_in_page
from tests.experts.conftest import make_profile

pytestmark = pytest.mark.browser

SENDER_EMAIL = "sipho@buffalocity.example.org"
EXPERT_EMAIL = "zanele.private@msunduzi.example.org"


@pytest.fixture
def people(live_app: Flask) -> str:
    """A member of Buffalo City, and an expert in Msunduzi who hides her address; her slug."""
    with live_app.app_context():
        buffalo_city = factories.make_organisation(
            db.session,
            code="BUF",
            name="Buffalo City Metropolitan Municipality",
            kind=OrganisationKind.METROPOLITAN,
            province=Province.EC,
        )
        msunduzi = factories.make_organisation(
            db.session, code="KZN225", name="Msunduzi Local Municipality", province=Province.KZN
        )
        factories.make_user(
            db.session, name="Sipho Ndlovu", email=SENDER_EMAIL, organisation=buffalo_city
        )
        expert = factories.make_user(
            db.session, name="Zanele Mokoena", email=EXPERT_EMAIL, organisation=msunduzi
        )
        slug = make_profile(
            db.session,
            expert,
            visibility=ProfileVisibility.MEMBERS,
            email_visibility=ContactVisibility.NOBODY,
            phone_visibility=ContactVisibility.NOBODY,
        ).slug
        db.session.remove()
    return slug


def test_a_member_writes_and_the_expert_answers(
    new_context,
    live_server,
    people,
    outbox,
):
    sender = signed_in_page(new_context(base_url=live_server), SENDER_EMAIL)
    sender.goto(f"/experts/{people}/contact")
    expect(sender.get_by_role("heading", name="Write to Zanele Mokoena")).to_be_visible()
    assert_accessible(sender)
    sender.get_by_label("Subject").fill("Revenue collection in a mid-size metro")
    sender.get_by_label("What you need").fill("How did you clean up the billing data?")
    sender.get_by_label("Preferred dates (optional)").fill("Any Tuesday in March")
    sender.get_by_role("button", name="Send message").click()
    expect(sender.get_by_role("status")).to_contain_text("Your message to Zanele Mokoena is sent.")
    assert_accessible(sender)
    assert EXPERT_EMAIL not in sender.content()
    assert [m["To"] for m in outbox if m["To"] == EXPERT_EMAIL] == [EXPERT_EMAIL]

    expert = signed_in_page(new_context(base_url=live_server), EXPERT_EMAIL)
    navigation = expert.get_by_role("navigation", name="Main")
    navigation.get_by_role("link", name="Inbox (1 unread)").click()
    expect(expert.get_by_role("heading", name="Inbox")).to_be_visible()
    assert_accessible(expert)
    expert.get_by_role("link", name="Revenue collection in a mid-size metro").click()
    expect(expert.get_by_role("main")).to_contain_text("How did you clean up the billing data?")
    expect(navigation.get_by_role("link", name=re.compile(r"^Inbox$"))).to_be_visible()
    assert_accessible(expert)
    expert.get_by_label("Your reply").fill("We matched meters to the valuation roll first.")
    expert.get_by_role("button", name="Send reply").click()
    expect(expert.get_by_role("status")).to_contain_text("Your reply is sent.")

    sender.goto("/inbox/")
    expect(sender.get_by_text("Unread", exact=True)).to_be_visible()
    assert_accessible(sender)
    sender.get_by_role("link", name="Revenue collection in a mid-size metro").click()
    expect(sender.get_by_role("main")).to_contain_text("valuation roll")
    assert EXPERT_EMAIL not in sender.content()
