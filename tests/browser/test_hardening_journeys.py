"""What issue 9's hardening shows people, in a real browser: the throttled sign-in page and its
reset link, an attachment whose text is still being read, a button clicked again from a page
that is out of date, and the administrators' mail outbox. One Hub and its people serve all four
journeys; every page a journey visits is checked with axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from kmrg.attachments.background import get_extractor
from kmrg.auth import throttling
from kmrg.auth.models import Role
from kmrg.auth.queries import get_user_by_email
from kmrg.casestudies import services as case_studies
from kmrg.casestudies.models import CaseStudy
from kmrg.extensions import db
from kmrg.mail.models import MailMessage, MailStatus
from kmrg.models import utcnow
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.conftest import close_live_app, make_live_app, serving
from tests.browser.steps import signed_in_page
from tests.casestudies.conftest import write_case_study
from tests.conftest import outlive_the_test
from tests.test_mail import LOOPBACK, SmtpServer, smtp_server  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-new-and-longer-passphrase-7"
REPORT_WORD = "Nqadu-Sigingqini"
REPORT_TITLE = "Emptying schedule survey"
FAILED_SUBJECT = "Your account is approved"


@dataclass(frozen=True)
class World:
    """The people and records the journeys start from, by role."""

    forgetful_email: str  # a member about to forget their password
    member_email: str  # the author of a draft case study
    champion_email: str
    admin_email: str
    draft_slug: str  # the member's draft, with nothing attached yet
    submitted_slug: str  # waiting for the champion's review
    submitted_title: str


@pytest.fixture(scope="module")
def live_app(migrated: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One Hub for the module. It reads attachments' text only when a journey says so, as
    `kmrg attachments worker` does in production (KMRG_ATTACHMENT_EXTRACTION=worker)."""
    app = make_live_app(
        migrated, tmp_path_factory.mktemp("hardening"), ATTACHMENT_EXTRACTION="worker"
    )
    outlive_the_test(app)
    yield app
    close_live_app(app)


@pytest.fixture(scope="module")
def live_server(live_app: Flask) -> Iterator[str]:
    with serving(live_app) as url:
        yield url


@pytest.fixture(scope="module")
def world(live_app: Flask) -> World:
    with live_app.app_context():
        session = db.session
        buffalo_city = factories.make_organisation(
            session,
            code="BUF",
            name="Buffalo City Metropolitan Municipality",
            kind=OrganisationKind.METROPOLITAN,
            province=Province.EC,
        )
        forgetful = factories.make_user(session, name="Lerato Forgetful", organisation=buffalo_city)
        member = factories.make_user(session, name="Sipho Member", organisation=buffalo_city)
        champion = factories.make_user(
            session, name="Thandi Champion", role=Role.CHAMPION, organisation=buffalo_city
        )
        admin = factories.make_user(session, name="Ayanda Admin", role=Role.ADMIN)
        draft = write_case_study(
            session,
            member,
            title="Emptying schedules agreed with ward committees",
            summary="Ward committees chose when the trucks come, and complaints fell.",
        )
        submitted = write_case_study(
            session,
            member,
            title="Meter audits before the first bill",
            summary="Buffalo City audited meters in a pilot area before billing it.",
        )
        case_studies.submit_case_study(session, member, submitted)
        # The mail server was down for a day: this message used up its attempts.
        session.add(
            MailMessage(
                recipient=member.email,
                subject=FAILED_SUBJECT,
                body="Read it at the Hub.",
                status=MailStatus.FAILED,
                attempts=5,
                last_error="Could not send: connection refused",
                next_attempt_at=None,
            )
        )
        session.commit()
        world = World(
            forgetful.email,
            member.email,
            champion.email,
            admin.email,
            draft.slug,
            submitted.slug,
            submitted.title,
        )
        session.remove()
    return world


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Word report naming a ward that nothing else in the Hub names."""
    document = docx.Document()
    document.add_heading(REPORT_TITLE, level=1)
    document.add_paragraph(f"In {REPORT_WORD}, 212 households chose a Tuesday collection.")
    path = tmp_path_factory.mktemp("report") / "emptying-survey.docx"
    document.save(path)
    return path


def test_a_visitor_throttled_at_sign_in_is_let_in_by_the_reset_link(
    page: Page, world: World, outbox: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The throttle's clock stands still, so its two-second wait cannot pass between two tries
    # on a slow machine (as in tests/auth/sign_in_workers.py).
    now = utcnow()
    monkeypatch.setattr(throttling, "utcnow", lambda: now)
    page.goto("/login")
    for guess in range(6):
        page.get_by_label("E-mail address").fill(world.forgetful_email)
        page.get_by_label("Password", exact=True).fill(f"my-old-password-{guess}")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        "There have been too many sign-in attempts for this e-mail address. Wait 2 seconds"
    )
    assert_accessible(page)

    alert.get_by_role("link", name="reset your password").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("E-mail address").fill(world.forgetful_email)
    page.get_by_role("button", name="E-mail me a reset link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert_accessible(page)

    [reset_mail] = [m for m in outbox if m["To"] == world.forgetful_email]
    link = re.search(r"http://\S+/password/reset/\S+", reset_mail.get_content())
    assert link, reset_mail.get_content()
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is set.")
    assert_accessible(page)

    # The reset cleared the account's throttle: the owner is in at once, no wait.
    page.get_by_label("E-mail address").fill(world.forgetful_email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, Lerato Forgetful.")
    assert_accessible(page)


def search_from_header(page: Page, words: str) -> None:
    page.get_by_role("search").get_by_label("Search the Hub").fill(words)
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()


def test_an_attachment_says_its_text_is_being_read_until_search_finds_it(
    context: BrowserContext, live_app: Flask, world: World, report: Path
) -> None:
    page = signed_in_page(context, world.member_email)
    page.goto(f"/case-studies/{world.draft_slug}/edit")
    assert_accessible(page)
    page.get_by_label("Attach a file").set_input_files(report)
    page.get_by_label("Title of the file").fill(REPORT_TITLE)
    page.get_by_role("button", name="Save the case study").click()

    expect(page.get_by_role("status")).to_contain_text("is saved.")
    attachments = page.get_by_role("region", name="Attachments")
    expect(attachments.get_by_role("listitem").filter(has_text=REPORT_TITLE)).to_contain_text(
        "text being extracted for search"
    )
    assert_accessible(page)

    # Meanwhile it is submitted and a champion publishes it: public, but its file still unread.
    with live_app.app_context():
        case_study = db.session.scalars(
            db.select(CaseStudy).where(CaseStudy.slug == world.draft_slug)
        ).one()
        member = get_user_by_email(db.session, world.member_email)
        champion = get_user_by_email(db.session, world.champion_email)
        case_studies.submit_case_study(db.session, member, case_study)
        case_studies.publish_case_study(db.session, champion, case_study)
        db.session.commit()
        db.session.remove()
    search_from_header(page, REPORT_WORD)
    expect(page.get_by_role("status")).to_contain_text(f"0 results for “{REPORT_WORD}”")
    assert_accessible(page)

    with live_app.app_context():
        assert get_extractor().extract_pending() == 1

    page.goto(f"/case-studies/{world.draft_slug}")
    expect(attachments.get_by_role("link", name=REPORT_TITLE)).to_be_visible()
    expect(attachments).not_to_contain_text("being extracted")
    assert_accessible(page)
    search_from_header(page, REPORT_WORD)
    expect(page.get_by_role("status")).to_contain_text(f"1 result for “{REPORT_WORD}”")
    expect(page.get_by_role("main")).to_contain_text(f"Found in {REPORT_TITLE}")
    assert_accessible(page)


def test_a_button_clicked_again_from_an_older_tab_says_what_happened(
    context: BrowserContext, world: World
) -> None:
    first_tab = signed_in_page(context, world.champion_email)
    url = f"/case-studies/{world.submitted_slug}"
    first_tab.goto(url)
    second_tab, third_tab = context.new_page(), context.new_page()
    second_tab.goto(url)
    third_tab.goto(url)

    first_tab.get_by_role("button", name="Publish").click()
    expect(first_tab.get_by_role("status")).to_contain_text("Published: everyone can now read it")
    assert_accessible(first_tab)

    second_tab.get_by_role("button", name="Publish").click()
    expect(second_tab.get_by_role("status")).to_have_text(
        "This case study was already published. Here it is as it is now."
    )
    expect(second_tab.get_by_role("heading", name="Status: Published")).to_be_visible()
    assert_accessible(second_tab)

    third_tab.get_by_label("Comments for the author").fill("Add the 2010 figures, please.")
    third_tab.get_by_role("button", name="Return for changes").click()
    expect(third_tab.get_by_role("status")).to_have_text(
        "This case study was changed by someone else meanwhile, so nothing was done. "
        "Here it is as it is now."
    )
    expect(third_tab.get_by_role("heading", name="Status: Published")).to_be_visible()
    expect(third_tab.get_by_role("heading", name=world.submitted_title, level=1)).to_be_visible()
    assert_accessible(third_tab)


def test_an_administrator_retries_a_failed_message_from_the_outbox(
    context: BrowserContext,
    live_app: Flask,
    world: World,
    smtp_server: SmtpServer,  # noqa: F811  (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The mail server is back.
    monkeypatch.setitem(live_app.config, "MAIL_SERVER", LOOPBACK)
    monkeypatch.setitem(live_app.config, "MAIL_PORT", smtp_server.port)
    page = signed_in_page(context, world.admin_email)
    page.goto("/admin/mail/")
    expect(page.get_by_role("heading", name="Mail outbox")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Status").select_option("Failed")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table")).to_contain_text("1 message")
    row = page.get_by_role("row").filter(has_text=FAILED_SUBJECT)
    expect(row).to_contain_text("Failed")
    assert_accessible(page)

    row.get_by_role("link", name=FAILED_SUBJECT).click()
    expect(page.get_by_role("heading", name=FAILED_SUBJECT, level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Could not send: connection refused")
    assert_accessible(page)
    page.get_by_role("button", name="Retry now").click()

    expect(page.get_by_role("status")).to_have_text("The message was sent.")
    expect(page.get_by_role("definition").filter(has_text="Sent").first).to_be_visible()
    expect(page.get_by_role("button", name="Retry now")).to_have_count(0)
    assert_accessible(page)
    [received] = smtp_server.handler.received
    assert received.envelope.rcpt_tos == [world.member_email]
