"""A newcomer applies for an account, their municipality's KM champion approves it, and they
sign in: the whole journey in a real browser, checking each page for accessibility."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from kmrg.auth.models import Role
from kmrg.extensions import db
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

ORGANISATION = "Buffalo City Metropolitan Municipality (BUF)"


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    password: str = factories.PASSWORD


@pytest.fixture
def champion(live_app: Flask) -> Person:
    """An active KM champion of Buffalo City, made directly in the database."""
    with live_app.app_context():
        buffalo_city = factories.make_organisation(
            db.session,
            code="BUF",
            name="Buffalo City Metropolitan Municipality",
            kind=OrganisationKind.METROPOLITAN,
            province=Province.EC,
        )
        user = factories.make_user(
            db.session,
            name="Thandi Champion",
            email="thandi@buffalocity.example.org",
            role=Role.CHAMPION,
            organisation=buffalo_city,
        )
        champion = Person(user.name, user.email)
        db.session.remove()
    return champion


@pytest.fixture
def newcomer() -> Person:
    """Someone from Buffalo City who has no account yet."""
    return Person(
        "Lerato Mokoena", "lerato.mokoena@buffalocity.example.org", "river-lantern-harvest-42"
    )


@pytest.fixture
def champion_context(new_context, live_server: str) -> BrowserContext:
    """The champion's own browser, on another desk: no cookies shared with the newcomer's."""
    return new_context(base_url=live_server)


def sign_in(page: Page, person: Person) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(person.password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")


def subjects_sent_to(outbox: list, address: str) -> list[str]:
    return [message["Subject"] for message in outbox if message["To"] == address]


def test_a_newcomer_applies_is_approved_by_their_champion_and_signs_in(
    page: Page,
    champion_context: BrowserContext,
    champion: Person,
    newcomer: Person,
    outbox: list,
    live_server: str,
) -> None:
    page.goto("/")
    expect(page).to_have_title(re.compile("KMRG Knowledge Hub$"))
    assert_accessible(page)

    page.get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", name="Apply for an account")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Full name").fill(newcomer.name)
    page.get_by_label("Work e-mail address").fill(newcomer.email)
    page.get_by_label("Organisation").fill(ORGANISATION)
    page.get_by_label("Job title").fill("Knowledge management officer")
    page.get_by_label("Password", exact=True).fill(newcomer.password)
    page.get_by_label("Repeat the password").fill(newcomer.password)
    page.get_by_role("button", name="Apply for an account").click()

    expect(page.get_by_role("heading", name="your application is in")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("waiting for approval")
    assert_accessible(page)
    assert f"New application: {newcomer.name}" in subjects_sent_to(outbox, champion.email)

    sign_in(page, newcomer)
    expect(page.get_by_role("status")).to_contain_text("Your account is waiting for approval")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    champion_page = champion_context.new_page()
    sign_in(champion_page, champion)
    expect(champion_page.get_by_role("status")).to_contain_text(f"Welcome, {champion.name}.")
    champion_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Applications"
    ).click()
    expect(champion_page.get_by_role("heading", name="Applications to approve")).to_be_visible()
    assert_accessible(champion_page)
    champion_page.get_by_role("button", name=f"Approve {newcomer.name}").click()
    expect(champion_page.get_by_role("status")).to_contain_text(
        f"{newcomer.name}'s account is approved and they have been told by e-mail."
    )
    expect(champion_page.get_by_role("button", name=f"Approve {newcomer.name}")).to_have_count(0)
    sign_out(champion_page)

    approvals = [
        message
        for message in outbox
        if message["To"] == newcomer.email and "approved" in message["Subject"]
    ]
    assert len(approvals) == 1, subjects_sent_to(outbox, newcomer.email)
    body = approvals[0].get_content()
    assert f"Dear {newcomer.name}," in body
    assert f"{live_server}/login" in body

    sign_in(page, newcomer)
    expect(page.get_by_role("status")).to_contain_text(f"Welcome, {newcomer.name}.")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=newcomer.name).click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(newcomer.email)
    assert_accessible(page)

    sign_out(page)
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()
