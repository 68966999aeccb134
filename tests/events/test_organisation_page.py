"""An organisation's page lists the meetings it hosted, as far as the viewer may see them."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from kmrg.events.models import MeetingStatus, MeetingVisibility
from kmrg.organisations.sections import add_organisation_section


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_the_host_page_lists_its_visible_meetings_newest_first(
    client_as, make_meeting, organisation, other_organisation, member, guest
):
    make_meeting(title="Older meeting", day=date(2023, 5, 4), status=MeetingStatus.HELD)
    make_meeting(title="Newer meeting", day=date(2024, 2, 7), status=MeetingStatus.HELD)
    make_meeting(title="Members only meeting", day=date(2031, 3, 4))
    make_meeting(title="Closed meeting", visibility=MeetingVisibility.INVITED)
    make_meeting(title="Meeting hosted elsewhere", host=other_organisation)
    page = text_of(client_as(member).get(f"/organisations/{organisation.code}"))
    assert "Meetings hosted" in page
    assert page.index("Members only meeting") < page.index("Newer meeting")
    assert page.index("Newer meeting") < page.index("Older meeting")
    assert "7 February 2024" in page
    assert "Closed meeting" not in page
    assert "Meeting hosted elsewhere" not in page


def test_anonymous_visitors_see_public_meetings_only_and_no_section_without_any(
    client_as, make_meeting, organisation
):
    make_meeting(title="Members only meeting")
    page = text_of(client_as(None).get(f"/organisations/{organisation.code}"))
    assert "Meetings hosted" not in page
    make_meeting(title="Open meeting", visibility=MeetingVisibility.PUBLIC)
    page = text_of(client_as(None).get(f"/organisations/{organisation.code}"))
    assert "Meetings hosted" in page
    assert "Open meeting" in page
    assert "Members only meeting" not in page


def test_a_section_name_is_registered_once(app: Flask):
    with pytest.raises(ValueError, match="meetings"):
        add_organisation_section(app, "meetings", "x.html", lambda *_: None)
