"""A municipal staff member looks for someone who has done revenue collection before: searches the
expert directory, narrows it by province and language, opens a profile, and writes to the expert,
who receives the message by e-mail and in the Hub inbox. Every page is checked with axe-core."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from kmrg.auth.models import ProfileVisibility
from kmrg.experts.models import ContactVisibility, ExpertiseLevel, Language
from kmrg.experts.services import ExpertiseEntry
from kmrg.extensions import db
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.steps import signed_in_page
from tests.experts.conftest import make_profile

pytestmark = pytest.mark.browser

STAFF_EMAIL = "sipho@buffalocity.example.org"
EXPERT_NAME = "Nokuthula Zungu"
EXPERT_EMAIL = "nokuthula.private@msunduzi.example.org"
SUBJECT = "Help with a revenue collection turnaround"
NEED = "We want to clean our billing data before the next budget. How did you start?"


@pytest.fixture
def directory(live_app: Flask) -> None:
    """Four experts: three on revenue collection in different places and languages, one not."""
    with live_app.app_context():
        session = db.session
        theme = factories.make_theme(session, "Revenue collection")
        buffalo_city = factories.make_organisation(
            session,
            code="BUF",
            name="Buffalo City Metropolitan Municipality",
            kind=OrganisationKind.METROPOLITAN,
            province=Province.EC,
        )
        msunduzi = factories.make_organisation(
            session,
            code="KZN225",
            name="Msunduzi Local Municipality",
            kind=OrganisationKind.LOCAL,
            province=Province.KZN,
        )
        factories.make_user(
            session, name="Sipho Dlamini", email=STAFF_EMAIL, organisation=buffalo_city
        )
        revenue = [ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, theme=theme)]
        people = [
            # name, e-mail, organisation, province, languages, expertise, headline
            (
                EXPERT_NAME,
                EXPERT_EMAIL,
                msunduzi,
                Province.KZN,
                [Language.ZULU, Language.ENGLISH],
                revenue,
                "Revenue collection turnaround in a secondary city",
            ),
            (
                "Ayanda Mbeki",
                "ayanda@buffalocity.example.org",
                buffalo_city,
                Province.EC,
                [Language.XHOSA, Language.ENGLISH],
                revenue,
                "Revenue collection through meter audits",
            ),
            (
                "Pieter van Wyk",
                "pieter@msunduzi.example.org",
                msunduzi,
                Province.KZN,
                [Language.AFRIKAANS],
                revenue,
                "Revenue collection and indigent registers",
            ),
            (
                "Lindiwe Ngcobo",
                "lindiwe@msunduzi.example.org",
                msunduzi,
                Province.KZN,
                [Language.ZULU],
                [ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, skill="Pressure management")],
                "Water losses in small towns",
            ),
        ]
        for name, email, organisation, province, languages, expertise, headline in people:
            person = factories.make_user(session, name=name, email=email, organisation=organisation)
            make_profile(
                session,
                person,
                headline=headline,
                biography="",
                province=province,
                languages=languages,
                expertise=expertise,
                visibility=ProfileVisibility.PUBLIC,
                # The expert hides her address: the sender must never see it.
                email_visibility=ContactVisibility.NOBODY,
                phone_visibility=ContactVisibility.NOBODY,
            )
        db.session.remove()


def results(page: Page):
    return page.get_by_role("region", name="Results").get_by_role("listitem")


def test_staff_find_an_expert_and_the_expert_receives_their_message(
    new_context, live_server, directory, outbox
):
    staff = signed_in_page(new_context(base_url=live_server), STAFF_EMAIL)
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Experts").click()
    expect(staff.get_by_role("heading", name="Experts", exact=True)).to_be_visible()
    assert_accessible(staff)

    staff.get_by_label("Search experts").fill("revenue collection")
    staff.get_by_role("button", name="Find experts").click()
    expect(results(staff).get_by_role("heading", level=2)).to_have_count(3)
    expect(staff.get_by_role("main")).not_to_contain_text("Lindiwe Ngcobo")
    assert_accessible(staff)

    # The filters stay folded (short pages on a phone) until asked for.
    expect(staff.get_by_label("Province")).not_to_be_visible()
    staff.get_by_text("Filter by theme, place, organisation, language or availability").click()
    staff.get_by_label("Province").select_option(label="KwaZulu-Natal")
    staff.get_by_label("Language").select_option(label="isiZulu")
    staff.get_by_role("button", name="Find experts").click()
    expect(results(staff).get_by_role("heading", level=2)).to_have_count(1)
    expect(results(staff).first).to_contain_text(EXPERT_NAME)
    expect(staff.get_by_label("Province")).to_be_visible()  # open while filters are in use
    assert_accessible(staff)

    staff.get_by_role("link", name=EXPERT_NAME).click()
    expect(staff.get_by_role("heading", name=EXPERT_NAME, level=1)).to_be_visible()
    assert_accessible(staff)

    staff.get_by_role("link", name="Contact this expert").click()
    expect(staff.get_by_role("heading", name=f"Write to {EXPERT_NAME}")).to_be_visible()
    assert_accessible(staff)
    staff.get_by_label("Subject").fill(SUBJECT)
    staff.get_by_label("What you need").fill(NEED)
    staff.get_by_label("Preferred dates (optional)").fill("Any Tuesday in March")
    staff.get_by_role("button", name="Send message").click()
    expect(staff.get_by_role("status")).to_contain_text(f"Your message to {EXPERT_NAME} is sent.")
    assert_accessible(staff)
    assert EXPERT_EMAIL not in staff.content()

    # The expert hears of it by e-mail …
    to_expert = [message for message in outbox if message["To"] == EXPERT_EMAIL]
    assert len(to_expert) == 1
    assert SUBJECT in to_expert[0]["Subject"] or SUBJECT in to_expert[0].get_content()
    assert NEED in to_expert[0].get_content()

    # … and finds it in the Hub inbox.
    expert = signed_in_page(new_context(base_url=live_server), EXPERT_EMAIL)
    expert.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Inbox (1 unread)"
    ).click()
    expert.get_by_role("link", name=SUBJECT).click()
    expect(expert.get_by_role("main")).to_contain_text(NEED)
    expect(expert.get_by_role("main")).to_contain_text("Sipho Dlamini")
    assert_accessible(expert)
