"""An anonymous visitor looks for sanitation lessons: misspells the word in the header search box,
follows "Did you mean", opens the folded facet panel, narrows by province and then by type with
its links, and opens the one lesson left. Every page, the search page with its facet panel open
included, is checked with axe-core."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from kmrg.auth.models import ProfileVisibility
from kmrg.casestudies.models import CaseStudyStatus
from kmrg.extensions import db
from kmrg.lessons.models import LessonStage, LessonStatus
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.browser.axe import assert_accessible
from tests.search.world import add_case_study, add_lesson

pytestmark = pytest.mark.browser

HOME_HEADING = "Municipalities learning from each other"
MISSPELT = "sanitaton"
WORD = "sanitation"
LESSON = "Residents keep toilets working when they are trained to"
SOURCE = "Ventilated pit latrines for rural wards"


@pytest.fixture
def sanitation_records(live_app: Flask) -> None:
    """Sanitation work in Buffalo City (Eastern Cape) and Msunduzi (KwaZulu-Natal).

    What an anonymous visitor may find for "sanitation": in the Eastern Cape one case study and
    two lessons, in KwaZulu-Natal three case studies and one lesson, so each facet link really
    changes the list. A draft, a members-only lesson and a members-only profile say
    "sanitation" too, and must be counted nowhere; a water-meter case study must not match.
    """
    with live_app.app_context():
        session = db.session
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
        water = factories.make_theme(session, "Water services")
        sanitation = factories.make_theme(session, "Sanitation")

        containers = add_case_study(
            session,
            buffalo_city,
            "Container toilets replaced in Mdantsane",
            summary="The metro replaced container toilets with waterborne sanitation.",
            context="Informal settlements relied on container toilets emptied twice a week.",
            approach="Ward committees chose the order in which streets were connected.",
            themes=[sanitation],
            years=(2015, 2018),
            published=datetime(2019, 2, 1, tzinfo=UTC),
        )
        add_lesson(
            session,
            buffalo_city,
            "Agree emptying schedules with ward committees",
            "Sanitation services are trusted when residents know when the truck will come.",
            driving_event="Missed collections left toilets full for days.",
            themes=[sanitation],
            source=containers,
            published=datetime(2019, 3, 1, tzinfo=UTC),
        )
        add_lesson(
            session,
            buffalo_city,
            "Budget for maintenance, not only for new toilets",
            "A sanitation budget that pays only for new connections leaves old ones broken.",
            stage=LessonStage.VALIDATED,
            themes=[sanitation, water],
            published=datetime(2020, 7, 1, tzinfo=UTC),
        )
        add_case_study(
            session,
            buffalo_city,
            "Smart water meters in Buffalo City",
            summary="How the metro replaced estimated bills with smart water meters.",
            themes=[water],
            years=(2008, 2010),
        )

        latrines = add_case_study(
            session,
            msunduzi,
            SOURCE,
            summary="Msunduzi built ventilated pit latrines where sewers will not reach.",
            context="Rural wards had no sanitation at all in 2014.",
            approach="Local builders were trained and paid per finished latrine.",
            themes=[sanitation],
            years=(2014, 2016),
            published=datetime(2017, 1, 1, tzinfo=UTC),
        )
        add_case_study(
            session,
            msunduzi,
            "A sanitation backlog survey walked ward by ward",
            summary="Field workers checked every household the backlog register listed.",
            themes=[sanitation],
            years=(2016, 2016),
        )
        add_case_study(
            session,
            msunduzi,
            "Shared ablution blocks in informal settlements",
            summary="Caretakers from the community keep sanitation blocks clean and open.",
            themes=[sanitation, water],
            years=(2018, 2019),
        )
        add_lesson(
            session,
            msunduzi,
            LESSON,
            "Households maintain a latrine whose sanitation workings they were shown.",
            driving_event="Latrines built without training were abandoned within two years.",
            themes=[sanitation],
            source=latrines,
            published=datetime(2017, 6, 1, tzinfo=UTC),
        )

        # Sanitation records an anonymous visitor may not find.
        add_case_study(
            session,
            msunduzi,
            "Secret sanitation turnaround",
            summary="A confidential draft about sanitation backlogs.",
            status=CaseStudyStatus.DRAFT,
            themes=[sanitation],
        )
        add_lesson(
            session,
            msunduzi,
            "Sanitation backlog data is unreliable",
            "Check the sanitation backlog counts against ward visits.",
            status=LessonStatus.DRAFT,
            themes=[sanitation],
        )
        factories.make_user(
            session,
            name="Zola Ndlovu",
            organisation=msunduzi,
            job_title="Sanitation engineer",
            profile_visibility=ProfileVisibility.MEMBERS,
        )
        db.session.remove()


def header_search(page: Page, words: str) -> None:
    """Search from the box in the page header, as a visitor would from any page."""
    header = page.get_by_role("banner")
    header.get_by_label("Search the Hub").fill(words)
    header.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Search", level=1)).to_be_visible()


def results(page: Page) -> Locator:
    """The titles listed, one level-3 heading per result."""
    return page.get_by_role("region", name="Results").get_by_role("heading", level=3)


def facet_counts(panel: Locator, *labels: str) -> list[int]:
    """The numbers the facet panel shows beside the links to `labels`."""
    counts = []
    for label in labels:
        option = panel.get_by_role("listitem").filter(
            has=panel.page.get_by_role("link", name=label, exact=True)
        )
        text = option.inner_text().strip()
        found = re.fullmatch(rf"{re.escape(label)}\s+(\d+)", text)
        assert found, f"no count beside {label!r}: {text!r}"
        counts.append(int(found.group(1)))
    return counts


def test_a_visitor_corrects_a_misspelling_narrows_by_facets_and_opens_a_lesson(
    page: Page, sanitation_records: None
) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING)
    assert_accessible(page)

    header_search(page, MISSPELT)
    status = page.get_by_role("status")
    expect(status).to_have_text(f"0 results for “{MISSPELT}”")
    expect(results(page)).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Nothing matched.")
    expect(page.get_by_text("Did you mean")).to_contain_text(f"Did you mean {WORD}? (7 results)")
    assert_accessible(page)

    page.get_by_role("link", name=WORD, exact=True).click()
    expect(status).to_have_text(f"7 results for “{WORD}”")
    expect(results(page)).to_have_count(7)
    expect(page.get_by_role("link", name="Smart water meters in Buffalo City")).to_have_count(0)
    expect(page.get_by_role("link", name="Secret sanitation turnaround")).to_have_count(0)
    expect(page.get_by_role("banner").get_by_label("Search the Hub")).to_have_value(WORD)
    expect(page.get_by_label("Words to find")).to_have_value(WORD)
    assert_accessible(page)

    # The facets stay folded, so a phone shows results first, until the visitor opens them.
    panel = page.get_by_role("complementary", name="Narrow the results")
    province = panel.get_by_role("link", name="KwaZulu-Natal", exact=True)
    expect(province).not_to_be_visible()
    panel.get_by_text("Narrow the results").click()
    expect(province).to_be_visible()
    # Each record has one type and one province, so each facet's counts add up to the total.
    assert facet_counts(panel, "Eastern Cape", "KwaZulu-Natal") == [3, 4]
    assert facet_counts(panel, "Case studies", "Lessons") == [4, 3]
    expect(panel.get_by_role("link", name="People", exact=True)).to_have_count(0)
    assert_accessible(page)

    [in_kwazulu_natal] = facet_counts(panel, "KwaZulu-Natal")
    province.click()
    expect(status).to_have_text(f"{in_kwazulu_natal} results for “{WORD}”")
    expect(results(page)).to_have_count(in_kwazulu_natal)
    expect(page.get_by_role("link", name="Container toilets replaced in Mdantsane")).to_have_count(
        0
    )
    narrowed_to = page.get_by_role("list", name="Narrowed to")
    expect(narrowed_to).to_have_text(re.compile(r"^\s*Province:\s+KwaZulu-Natal\s+remove\s*$"))
    expect(narrowed_to.get_by_role("link", name="Remove province KwaZulu-Natal")).to_be_visible()
    # The panel stays open while a facet is in use; the chosen province is no longer a link.
    expect(panel.get_by_role("link", name="Lessons", exact=True)).to_be_visible()
    expect(panel.get_by_role("link", name="KwaZulu-Natal", exact=True)).to_have_count(0)
    assert facet_counts(panel, "Case studies", "Lessons") == [3, 1]
    assert_accessible(page)

    [lessons_there] = facet_counts(panel, "Lessons")
    panel.get_by_role("link", name="Lessons", exact=True).click()
    expect(status).to_have_text(f"{lessons_there} result for “{WORD}”")
    expect(results(page)).to_have_text([LESSON])
    expect(narrowed_to.get_by_role("listitem")).to_have_count(2)
    expect(narrowed_to.get_by_role("link", name="Remove province KwaZulu-Natal")).to_be_visible()
    expect(narrowed_to.get_by_role("link", name="Remove type Lessons")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("region", name="Results").get_by_role("link", name=LESSON).click()
    expect(page.get_by_role("heading", name=LESSON, level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(f"Source: case study {SOURCE}")
    assert_accessible(page)
