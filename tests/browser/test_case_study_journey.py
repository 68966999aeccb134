"""A KM champion documents a case study with an attached report and a lesson, submits, reviews
and publishes it; an anonymous reader then finds it by a word that only the report contains.
The whole journey runs in a real browser, checking the case study and lesson pages for
accessibility."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Locator, Page, expect

from kmrg.auth.models import Role
from kmrg.extensions import db
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

TITLE = "Meter audits that brought revenue back"
ORGANISATION = "Buffalo City Metropolitan Municipality"
THEME = "Revenue collection"
LESSON = "Audit the meters before sending the first bill"
# Only the attached report says this, so finding the case study by it proves the file's text
# was extracted and indexed.
REPORT_WORD = "Zwartkops-Ikhwezi"
REPORT_TITLE = "Meter audit close-out report"


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    password: str = factories.PASSWORD


REVIEWER = Person("Sipho Reviewer", "sipho@buffalocity.example.org")


@pytest.fixture
def champion(live_app: Flask) -> Person:
    """An active KM champion of Buffalo City, whose Hub already knows the revenue theme."""
    with live_app.app_context():
        buffalo_city = factories.make_organisation(
            db.session,
            code="BUF",
            name=ORGANISATION,
            kind=OrganisationKind.METROPOLITAN,
            province=Province.EC,
        )
        factories.make_theme(db.session, THEME)
        factories.make_theme(db.session, "Water and sanitation")
        user = factories.make_user(
            db.session,
            name="Thandi Champion",
            email="thandi@buffalocity.example.org",
            role=Role.CHAMPION,
            organisation=buffalo_city,
        )
        # Authors never review their own work: a second champion of the city publishes it.
        factories.make_user(
            db.session,
            name="Sipho Reviewer",
            email=REVIEWER.email,
            role=Role.CHAMPION,
            organisation=buffalo_city,
        )
        champion = Person(user.name, user.email)
        db.session.remove()
    return champion


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """A Word report, made with python-docx, that names the pilot ward nowhere else named."""
    document = docx.Document()
    document.add_heading(REPORT_TITLE, level=1)
    document.add_paragraph(
        f"The pilot in the {REPORT_WORD} ward replaced 1 240 faulty meters in six months."
    )
    document.add_paragraph("Billing complaints in the pilot area fell by two thirds.")
    path = tmp_path / "meter-audit-report.docx"
    document.save(path)
    return path


@pytest.fixture
def reader_context(new_context, live_server: str) -> BrowserContext:
    """An anonymous reader's browser: no cookies shared with the champion's."""
    return new_context(base_url=live_server)


def sign_in(page: Page, person: Person) -> None:
    page.goto("/")
    main_navigation(page).get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text(f"Welcome, {person.name}.")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")


def main_navigation(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def search_from_header(page: Page, words: str) -> None:
    header_search = page.get_by_role("search").filter(has=page.get_by_label("Search the Hub"))
    header_search.get_by_label("Search the Hub").fill(words)
    header_search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()


def test_a_champion_publishes_a_case_study_that_a_reader_finds_by_its_attachment(
    page: Page,
    reader_context: BrowserContext,
    champion: Person,
    report: Path,
) -> None:
    sign_in(page, champion)
    main_navigation(page).get_by_role("link", name="Case studies").click()
    expect(page.get_by_role("heading", name="Case studies", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Write a case study").click()
    expect(page.get_by_role("heading", name="Write a case study", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Summary").fill(
        "Buffalo City audited every meter in a pilot area before billing from the new system, "
        "and the income from that area rose within a year."
    )
    page.get_by_label("Started in (year)").fill("2019")
    page.get_by_label("Ended in (year)").fill("2020")
    page.get_by_role("group", name="Themes").get_by_label(THEME).check()
    page.get_by_label("Context", exact=True).fill(
        "Residents received estimated bills for years and had stopped paying them."
    )
    page.get_by_label("The challenge").fill("Nobody trusted the bills, least of all the council.")
    page.get_by_label("What was done").fill(
        "- A team walked every street of the pilot area\n- Faulty meters were replaced"
    )
    page.get_by_label("Results and evidence").fill("Payments in the pilot area rose by a third.")
    page.get_by_label("Lessons learned").fill("Win trust in the bill before asking for payment.")
    page.get_by_role("button", name="Save the case study").click()

    expect(page.get_by_role("status")).to_contain_text(f"Your draft “{TITLE}” is saved.")
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Status: Draft")).to_be_visible()
    expect(page.get_by_role("heading", name="What was done")).to_be_visible()
    assert_accessible(page)
    draft_url = page.url

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", name=f"Edit “{TITLE}”")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Attach a file").set_input_files(report)
    page.get_by_label("Title of the file").fill(REPORT_TITLE)
    page.get_by_role("button", name="Save the case study").click()

    expect(page.get_by_role("status")).to_contain_text(f"“{TITLE}” is saved.")
    attachments = page.get_by_role("region", name="Attachments")
    expect(attachments.get_by_role("link", name=REPORT_TITLE)).to_be_visible()
    expect(attachments).to_contain_text("DOCX")
    assert_accessible(page)

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(
        page.get_by_role("region", name="Attached files").get_by_role("link", name=REPORT_TITLE)
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()

    # Before it is published the draft is nowhere for the public: not by its address, not in search.
    reader = reader_context.new_page()
    response = reader.goto(draft_url)
    assert response is not None and response.status == 404
    search_from_header(reader, REPORT_WORD)
    expect(reader.get_by_role("status")).to_contain_text(f"0 results for “{REPORT_WORD}”")
    expect(reader.get_by_role("link", name=TITLE)).to_have_count(0)

    page.get_by_role("region", name="Lessons", exact=True).get_by_role(
        "link", name="Add a lesson"
    ).click()
    expect(page.get_by_role("heading", name="Write a lesson", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(f"From the case study {TITLE}.")
    assert_accessible(page)
    page.get_by_label("Title", exact=True).fill(LESSON)
    page.get_by_label("What happened").fill(
        "The first bills from the new system were wrong wherever a meter was broken."
    )
    page.get_by_label("The lesson", exact=True).fill(
        "A bill is only trusted when the meter behind it is."
    )
    page.get_by_label("Recommendation").fill("Audit and fix meters in an area before billing it.")
    page.get_by_role("group", name="Themes").get_by_label(THEME).check()
    page.get_by_role("button", name="Save the lesson").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"The lesson “{LESSON}” is saved as an observation."
    )
    expect(page.get_by_role("heading", name=LESSON, level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()

    lessons = page.get_by_role("region", name="Lessons", exact=True)
    expect(lessons.get_by_role("link", name=LESSON)).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status")).to_contain_text("Submitted for review.")
    expect(page.get_by_role("heading", name="Status: Submitted for review")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    case_study_address = page.url
    sign_out(page)

    sign_in(page, REVIEWER)
    page.goto(case_study_address)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published: everyone can now read it")
    expect(page.get_by_role("heading", name="Status: Published")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    expect(page.get_by_role("definition").filter(has_text=f"by {REVIEWER.name} on")).to_be_visible()
    sign_out(page)

    main_navigation(reader).get_by_role("link", name="Case studies").click()
    expect(reader.get_by_role("heading", name="Case studies", level=1)).to_be_visible()
    expect(reader.get_by_role("link", name="Write a case study")).to_have_count(0)
    assert_accessible(reader)
    reader.get_by_role("link", name=TITLE).click()

    expect(reader.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(reader.get_by_role("heading", name="Status: Published")).to_have_count(0)
    expect(reader.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    # The reviewer keeps their profile hidden (POPIA), so the public sees their role, not name.
    expect(reader.get_by_role("definition").filter(has_text="by a KM champion on")).to_have_text(
        re.compile(r"^by a KM champion on \d{1,2} \w+ \d{4}$")
    )
    expect(
        reader.get_by_role("region", name="Lessons", exact=True).get_by_role("link", name=LESSON)
    ).to_be_visible()
    download = reader.get_by_role("region", name="Attachments").get_by_role(
        "link", name=REPORT_TITLE
    )
    expect(download).to_be_visible()
    assert_accessible(reader)
    downloaded = reader_context.request.get(download.get_attribute("href") or "")
    assert downloaded.ok
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    assert downloaded.body() == report.read_bytes()

    search_from_header(reader, REPORT_WORD)
    expect(reader.get_by_role("status")).to_contain_text(f"1 result for “{REPORT_WORD}”")
    assert_accessible(reader)
    reader.get_by_role("link", name=TITLE).click()
    expect(reader.get_by_role("heading", name=TITLE, level=1)).to_be_visible()

    main_navigation(reader).get_by_role("link", name="Lessons").click()
    expect(reader.get_by_role("heading", name="Lessons", level=1)).to_be_visible()
    expect(reader.get_by_role("link", name=LESSON)).to_be_visible()
    assert_accessible(reader)
    reader.get_by_role("link", name=LESSON).click()
    expect(reader.get_by_role("heading", name=LESSON, level=1)).to_be_visible()
    expect(reader.get_by_role("main")).to_contain_text(f"Source: case study {TITLE}")
    assert_accessible(reader)
