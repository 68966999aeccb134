"""Typing owners by e-mail: a member may not use the field to test which addresses exist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from kmrg.casestudies import owners
from kmrg.casestudies.models import CaseStudy
from kmrg.exceptions import ValidationError
from tests import factories
from tests.casestudies.test_views import form_data
from tests.factories import post, sign_in

T0 = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)
LIMIT = owners.UNKNOWN_ADDRESS_LOOKUPS.limit


def look_up(session, member, line: str, now: datetime = T0) -> str:
    """Return the refusal for `line` ("" if it was accepted)."""
    try:
        owners.parse_owner_lines(session, line, actor=member, now=now)
    except ValidationError as error:
        return error.message
    return ""


def spend_allowance(session, member, count: int = LIMIT) -> None:
    for number in range(count):
        assert "nobody in the Hub" in look_up(session, member, f"ghost{number}@example.org")
    session.commit()


def test_thirty_unknown_addresses_an_hour_then_every_address_is_refused_alike(
    session, member, champion
):
    spend_allowance(session, member)

    unknown = look_up(session, member, "ghost-more@example.org")
    known = look_up(session, member, champion.email)

    assert "looked up too many addresses" in unknown
    assert "Wait 60 minutes" in unknown
    assert known == unknown.replace("ghost-more@example.org", champion.email)
    assert look_up(session, member, "Pat Outsider | Consultant") == ""  # names are never limited
    assert look_up(session, member, champion.email, T0 + timedelta(hours=1)) == ""


def test_known_addresses_cost_nothing(session, member, champion):
    for _ in range(LIMIT + 5):
        assert look_up(session, member, champion.email) == ""


def test_each_member_has_an_allowance_of_their_own(session, member, champion):
    spend_allowance(session, member)
    assert look_up(session, champion, member.email) == ""


@pytest.fixture
def author(session, organisation):
    return factories.make_user(session, name="Busi Author", organisation=organisation)


def test_refused_forms_still_count_against_the_allowance(client, session, author, champion):
    sign_in(client, author)
    for number in range(LIMIT):
        page = post(
            client, "/case-studies/new", form_data(owners=f"ghost{number}@example.org")
        ).get_data(as_text=True)
        assert f"nobody in the Hub has the address ghost{number}@example.org" in page

    page = post(
        client, "/case-studies/new", form_data(owners=f"{champion.email} | Manager")
    ).get_data(as_text=True)

    assert "you have looked up too many addresses that are not in the Hub" in page
    assert session.scalar(select(CaseStudy)) is None
