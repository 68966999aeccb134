"""Steps several browser journeys share."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests import factories


def signed_in_page(context: BrowserContext, email: str, password: str = factories.PASSWORD) -> Page:
    """Open a page in `context` and sign in from the header's link, as a person would."""
    page = context.new_page()
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page
