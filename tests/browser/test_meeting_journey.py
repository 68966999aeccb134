"""After a reference-group meeting, a member who attended it records on a phone what it decided,
who will do what, and the presentation she gave as annexure A; the owner of an action finds it
among the open actions and records progress. Every page visited is checked with axe-core and
for sideways scrolling at phone width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Locator, Page, expect

from kmrg.auth.models import ProfileVisibility, Role
from kmrg.events import services
from kmrg.events.models import MeetingStatus
from kmrg.extensions import db
from kmrg.localtime import local_today
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.steps import signed_in_page
from tests.events.conftest import invite, record_meeting

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MEETING = "Quarterly meeting in Buffalo City"
HOST = "Buffalo City Metropolitan Municipality"
MEMBER = "Nomsa Mokoena"
OWNER = "Sipho Dlamini"
OWNER_ORGANISATION = "City of Cape Town Metropolitan Municipality"
OUTCOME = "Members will share their revenue turnaround plans with the group before June."
DECISION = "Nelson Mandela Bay hosts the next quarterly meeting."
# Recorded first but due later: the open-actions page must still put the overdue one above it.
LATER_ACTION = "Circulate the draft knowledge-sharing charter to every member municipality"
OVERDUE_ACTION = "Send the revenue turnaround presentation to the secretariat"
PRESENTATION = "Revenue turnaround in Buffalo City"
PROGRESS = "Sent to the secretariat today; the speaker notes follow next week."


@dataclass(frozen=True)
class World:
    member_email: str  # attended the meeting, organises nothing
    owner_email: str  # will own the overdue action
    meeting_slug: str
    today: date


@pytest.fixture
def world(live_app: Flask) -> World:
    """A held meeting of the reference group's series, hosted by Buffalo City's champion."""
    with live_app.app_context():
        session = db.session
        buffalo_city = factories.make_organisation(
            session,
            code="BUF",
            name=HOST,
            kind=OrganisationKind.METROPOLITAN,
            province=Province.EC,
        )
        cape_town = factories.make_organisation(
            session,
            code="CPT",
            name=OWNER_ORGANISATION,
            kind=OrganisationKind.METROPOLITAN,
            province=Province.WC,
        )
        nelson_mandela_bay = factories.make_organisation(
            session,
            code="NMA",
            name="Nelson Mandela Bay Metropolitan Municipality",
            kind=OrganisationKind.METROPOLITAN,
            province=Province.EC,
        )
        admin = factories.make_user(session, name="Ayanda Admin", role=Role.ADMIN)
        champion = factories.make_user(
            session, name="Thandi Champion", role=Role.CHAMPION, organisation=buffalo_city
        )
        member = factories.make_user(
            session,
            name=MEMBER,
            organisation=buffalo_city,
            profile_visibility=ProfileVisibility.MEMBERS,
        )
        # Members see his name, so the member can make him an action's owner.
        owner = factories.make_user(
            session,
            name=OWNER,
            organisation=cape_town,
            profile_visibility=ProfileVisibility.MEMBERS,
        )
        series = services.create_series(
            session,
            admin,
            services.SeriesData(title="KMRG quarterly meetings", description="Each quarter."),
        )
        session.commit()
        today = local_today()
        meeting = record_meeting(
            session,
            champion,
            series,
            status=MeetingStatus.HELD,
            title=MEETING,
            day=today - timedelta(days=3),
            host=buffalo_city,
        )
        invite(session, meeting, member, attended=True)
        # The hosting schedule on the list of meetings has a row to show.
        record_meeting(
            session,
            champion,
            series,
            title="Quarterly meeting in Nelson Mandela Bay",
            day=today + timedelta(days=90),
            days=2,
            host=nelson_mandela_bay,
            venue="Feather Market Centre, Gqeberha",
        )
        world = World(member.email, owner.email, meeting.slug, today)
        session.remove()
    return world


@pytest.fixture
def presentation(tmp_path: Path) -> Path:
    """The member's slides as a Word document, made with python-docx."""
    document = docx.Document()
    document.add_heading(PRESENTATION, level=1)
    document.add_paragraph("Meter audits in two pilot wards brought 1 240 accounts back to paying.")
    path = tmp_path / "revenue-turnaround.docx"
    document.save(path)
    return path


@pytest.fixture
def phone(new_context, live_server: str) -> BrowserContext:
    """A phone's browser: a 390 × 844 screen that honours the page's viewport meta tag."""
    return new_context(base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True)


def check_page(page: Page) -> None:
    """The page as it is now has no WCAG 2.1 A/AA violation and does not scroll sideways."""
    assert_accessible(page)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    # A phone zooms out to fit a page that is too wide, which widens innerWidth with it.
    assert width <= inner and width <= PHONE["width"], (
        f"{page.url} scrolls sideways on a phone: {width}px wide, {inner}px shown"
    )


def record_outcome(page: Page, kind: str, text: str) -> None:
    form = page.get_by_role("region", name="Decisions and outcomes")
    form.get_by_label(kind).check()
    form.get_by_label("What was decided or what came of it").fill(text)
    form.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("status")).to_contain_text(f"{kind} recorded.")


def record_action(page: Page, description: str, owner: str, due: date) -> None:
    page.get_by_role("link", name="Record an action item").click()
    expect(page.get_by_role("heading", name="Record an action item", level=1)).to_be_visible()
    check_page(page)
    page.get_by_label("What has to be done").fill(description)
    page.get_by_label("Who owns it").select_option(label=owner)
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_role("status")).to_contain_text("The action is recorded.")
    expect(page.get_by_role("heading", name=description, level=1)).to_be_visible()
    check_page(page)
    page.get_by_role("main").get_by_role("link", name=MEETING).first.click()
    expect(page.get_by_role("heading", name=MEETING, level=1)).to_be_visible()


def attach_presentation(page: Page, path: Path) -> None:
    page.get_by_role("link", name="Add an annexure").click()
    expect(page.get_by_role("heading", name="Add an annexure", level=1)).to_be_visible()
    check_page(page)
    page.get_by_label("File").set_input_files(path)
    page.get_by_label("Title").fill(PRESENTATION)
    page.get_by_label("Presenter in the Hub").select_option(label=f"{MEMBER} (you)")
    page.get_by_label("Presenting organisation").select_option(label=f"{HOST} (BUF)")
    page.get_by_role("button", name="Add the annexure").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Annexure A, “{PRESENTATION}”, is attached."
    )


def action_items(page: Page) -> Locator:
    return page.get_by_role("region", name="Action items").get_by_role("listitem")


def test_a_member_records_a_meetings_outcomes_and_the_owner_records_progress(
    phone: BrowserContext, world: World, presentation: Path
) -> None:
    page = signed_in_page(phone, world.member_email)
    check_page(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("heading", name="Meetings", level=1)).to_be_visible()
    check_page(page)

    page.get_by_role("region", name="Past meetings").get_by_role("link", name=MEETING).click()
    expect(page.get_by_role("heading", name=MEETING, level=1)).to_be_visible()
    check_page(page)
    record_outcome(page, "Outcome", OUTCOME)
    record_outcome(page, "Decision", DECISION)
    check_page(page)

    month_ahead = world.today + timedelta(days=30)
    week_ago = world.today - timedelta(days=7)
    record_action(page, LATER_ACTION, f"{OWNER_ORGANISATION} (CPT)", month_ahead)
    record_action(page, OVERDUE_ACTION, f"{OWNER}, {OWNER_ORGANISATION}", week_ago)

    attach_presentation(page, presentation)

    annexure = page.get_by_role("region", name="Annexures").get_by_role("listitem")
    expect(annexure).to_have_count(1)
    expect(annexure).to_contain_text(f"Annexure A: {PRESENTATION}")
    expect(annexure).to_contain_text(f"Presented by {MEMBER}, {HOST}")
    expect(annexure.get_by_role("link", name=PRESENTATION)).to_be_visible()
    outcomes = page.get_by_role("region", name="Decisions and outcomes")
    expect(outcomes.get_by_role("listitem")).to_have_text([DECISION, OUTCOME])
    later, overdue = action_items(page).all()
    expect(later).to_contain_text(LATER_ACTION)
    expect(later).to_contain_text(f"Owner: {OWNER_ORGANISATION}")
    expect(later).not_to_contain_text("Overdue")
    expect(overdue).to_contain_text(OVERDUE_ACTION)
    expect(overdue).to_contain_text(f"Owner: {OWNER}")
    expect(overdue).to_contain_text("Overdue")
    check_page(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")

    page = signed_in_page(phone, world.owner_email)
    check_page(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="Open action items").click()
    expect(page.get_by_role("heading", name="Open action items", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/meetings/actions/$"))
    check_page(page)
    listed = page.get_by_role("main").get_by_role("list").last.get_by_role("listitem")
    expect(listed).to_have_count(2)
    expect(listed.first).to_contain_text(OVERDUE_ACTION)
    expect(listed.first).to_contain_text("Overdue")
    expect(listed.nth(1)).to_contain_text(LATER_ACTION)

    listed.first.get_by_role("link", name=OVERDUE_ACTION).click()
    expect(page.get_by_role("heading", name=OVERDUE_ACTION, level=1)).to_be_visible()
    check_page(page)
    progress = page.get_by_role("form", name="Record progress")
    progress.get_by_label("What happened").fill(PROGRESS)
    progress.get_by_label("Status").select_option(label="In progress")
    progress.get_by_role("button", name="Record progress").click()
    expect(page.get_by_role("status")).to_contain_text("Progress is recorded.")
    history = page.get_by_role("region", name="Progress").get_by_role("listitem")
    expect(history).to_contain_text([PROGRESS])
    expect(history.first).to_contain_text(f"{OWNER} · moved it to in progress")
    check_page(page)
