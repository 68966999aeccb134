"""Open actions across series (overdue first, filters, paging), and carry-forward in a series."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from kmrg.auth.models import ProfileVisibility
from kmrg.events import services
from kmrg.events.models import ActionStatus, MeetingStatus, MeetingVisibility
from kmrg.events.views import actions as action_views
from kmrg.localtime import local_today
from tests import factories
from tests.events.actions_support import add_action
from tests.events.conftest import invite

TODAY = local_today()


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def listed(page: str) -> list[str]:
    """Return the descriptions of the actions a page lists, in order."""
    found = re.findall(r'<p class="action-description"><a href="[^"]+">([^<]+)</a>', page)
    return [html.unescape(description) for description in found]


def carried(page: str) -> list[str]:
    _own, _, rest = page.partition("Still open from earlier meetings")
    return listed(rest.partition("</ol>")[0])


@pytest.fixture
def three_meetings(session, make_meeting, guest, other_organisation, champion):
    """Three held meetings of the series, each leaving actions in every state."""
    first = make_meeting(
        title="KMRG in Buffalo City", day=TODAY - timedelta(days=200), status=MeetingStatus.HELD
    )
    second = make_meeting(
        title="KMRG in Cape Town", day=TODAY - timedelta(days=100), status=MeetingStatus.HELD
    )
    third = make_meeting(
        title="KMRG in Nelson Mandela Bay", day=TODAY - timedelta(days=5), status=MeetingStatus.HELD
    )
    add_action(
        session,
        first,
        "Send the knowledge audit template",
        owner=guest,
        due=TODAY - timedelta(days=150),
    )
    add_action(
        session,
        first,
        "Book the venue",
        owner=champion,
        due=TODAY - timedelta(days=190),
        status=ActionStatus.DONE,
    )
    add_action(
        session,
        first,
        "Draft terms of reference",
        organisation=other_organisation,
        due=TODAY + timedelta(days=20),
        status=ActionStatus.IN_PROGRESS,
    )
    add_action(
        session, first, "Collect the lessons of 2010", owner=guest, status=ActionStatus.DROPPED
    )
    add_action(
        session,
        second,
        "Circulate the business plan",
        owner=champion,
        due=TODAY - timedelta(days=1),
    )
    add_action(
        session, second, "Write up the Cape Town case study", organisation=other_organisation
    )
    add_action(
        session, third, "Agree the next host city", owner=guest, due=TODAY + timedelta(days=3)
    )
    return first, second, third


# Carry-forward.


def test_each_meeting_shows_the_still_open_actions_of_the_earlier_ones_overdue_first(
    client_as, member, three_meetings
):
    first, second, third = three_meetings
    client = client_as(member)

    page = text_of(client.get(f"/meetings/{third.slug}"))
    assert "Agree the next host city" in page.partition("Still open from earlier meetings")[0]
    assert carried(page) == [
        "Send the knowledge audit template",
        "Circulate the business plan",
        "Draft terms of reference",
        "Write up the Cape Town case study",
    ]
    assert "Book the venue" not in page and "Collect the lessons of 2010" not in page
    assert page.count("Overdue</span>") == 2

    page = text_of(client.get(f"/meetings/{second.slug}"))
    assert carried(page) == ["Send the knowledge audit template", "Draft terms of reference"]

    page = text_of(client.get(f"/meetings/{first.slug}"))
    assert "Still open from earlier meetings" not in page
    # The first meeting lists all its own actions, closed ones with their status.
    assert listed(page) == [
        "Send the knowledge audit template",
        "Book the venue",
        "Draft terms of reference",
        "Collect the lessons of 2010",
    ]
    assert "Dropped</span>" in page and "Done</span>" in page


def test_actions_of_an_earlier_meeting_a_viewer_may_not_see_are_not_carried(
    session, client_as, make_meeting, member, guest
):
    private = make_meeting(
        title="Closed session",
        day=TODAY - timedelta(days=60),
        status=MeetingStatus.HELD,
        visibility=MeetingVisibility.INVITED,
    )
    invite(session, private, guest)
    add_action(session, private, "Negotiate the confidential MoU", owner=guest)
    later = make_meeting(title="Open session", status=MeetingStatus.PLANNED)

    assert "Negotiate the confidential MoU" not in text_of(
        client_as(member).get(f"/meetings/{later.slug}")
    )
    assert carried(text_of(client_as(guest).get(f"/meetings/{later.slug}"))) == [
        "Negotiate the confidential MoU"
    ]


# The open-actions page.


def test_the_open_actions_page_lists_every_open_action_overdue_first(
    client_as, member, three_meetings
):
    page = text_of(client_as(member).get("/meetings/actions/"))
    assert listed(page) == [
        "Send the knowledge audit template",
        "Circulate the business plan",
        "Agree the next host city",
        "Draft terms of reference",
        "Write up the Cape Town case study",
    ]
    assert "5 open action items" in page
    assert page.count("Overdue</span>") == 2
    assert "In progress</span>" in page
    assert "No due date" in page
    assert "KMRG in Cape Town</a>" in page


def test_the_meetings_and_series_pages_lead_to_the_open_actions(
    client_as, member, series, three_meetings
):
    client = client_as(member)
    everything = re.search(
        r'<a href="([^"]+)">Open action items</a>', text_of(client.get("/meetings/"))
    )
    assert everything, "the list of meetings does not link to the open action items"
    assert len(listed(text_of(client.get(html.unescape(everything.group(1)))))) == 5

    of_series = re.search(
        r'<a href="([^"]+)">Open action items of this series</a>',
        text_of(client.get(f"/meetings/series/{series.slug}")),
    )
    assert of_series, "the series page does not link to its open action items"
    assert html.unescape(of_series.group(1)) == f"/meetings/actions/?series={series.slug}"


def test_the_open_actions_page_filters_by_owner_organisation_and_series(
    session, client_as, member, guest, other_organisation, three_meetings, admin
):
    other_series = services.create_series(
        session, admin, services.SeriesData(title="Records managers' forum")
    )
    session.commit()
    forum = services.create_meeting(
        session,
        admin,
        other_series,
        services.MeetingData(
            title="Forum in Msunduzi",
            starts_at=three_meetings[2].starts_at,
            ends_at=three_meetings[2].ends_at,
        ),
    )
    session.commit()
    add_action(session, forum, "Scan the council minutes", owner=guest, actor=admin)
    client = client_as(member)

    by_owner = text_of(client.get(f"/meetings/actions/?owner={guest.id}"))
    assert listed(by_owner) == [
        "Send the knowledge audit template",
        "Agree the next host city",
        "Scan the council minutes",
    ]
    # The organisation's own actions and those of its people the viewer may see by name.
    by_organisation = text_of(
        client.get(f"/meetings/actions/?organisation={other_organisation.id}")
    )
    assert listed(by_organisation) == [
        "Send the knowledge audit template",
        "Agree the next host city",
        "Draft terms of reference",
        "Write up the Cape Town case study",
        "Scan the council minutes",
    ]
    by_series = text_of(client.get(f"/meetings/actions/?series={other_series.slug}"))
    assert listed(by_series) == ["Scan the council minutes"]
    both = text_of(client.get(f"/meetings/actions/?owner={guest.id}&series={other_series.slug}"))
    assert listed(both) == ["Scan the council minutes"]
    assert "Show all" in both
    # The filters offer what there is to narrow to.
    everything = text_of(client.get("/meetings/actions/"))
    assert f'<option value="{guest.id}">Zanele Guest</option>' in everything
    assert f'<option value="{other_series.slug}">Records managers&#39; forum</option>' in everything
    assert f'<option selected value="{guest.id}">Zanele Guest</option>' in by_owner


def test_a_hidden_owner_is_never_named_nor_offered_as_a_filter(
    session, client_as, member, make_meeting, other_organisation, admin
):
    hidden = factories.make_user(
        session,
        name="Hendrik Hidden",
        organisation=other_organisation,
        profile_visibility=ProfileVisibility.HIDDEN,
    )
    meeting = make_meeting(status=MeetingStatus.HELD, day=TODAY - timedelta(days=3))
    # Only an administrator (or they themself) may choose a person who hides their profile.
    add_action(session, meeting, "Update the records plan", owner=hidden, actor=admin)
    add_action(session, meeting, "Print the agendas", owner=member)
    client = client_as(member)

    page = text_of(client.get("/meetings/actions/"))
    assert "Update the records plan" in page
    assert "Hendrik Hidden" not in page and "A member of the network" in page
    assert f'value="{hidden.id}"' not in page
    # Nor does their organisation give them away, or a typed filter find their actions.
    assert other_organisation.name not in page
    by_organisation = f"/meetings/actions/?organisation={other_organisation.id}"
    assert listed(text_of(client.get(by_organisation))) == []
    # A typed owner the viewer may not see by name narrows nothing.
    assert listed(text_of(client.get(f"/meetings/actions/?owner={hidden.id}"))) == [
        "Update the records plan",
        "Print the agendas",
    ]


def test_the_open_actions_page_shows_only_what_the_viewer_may_see(
    session, client_as, member, guest, make_meeting, client
):
    public = make_meeting(title="Public meeting", visibility=MeetingVisibility.PUBLIC)
    members = make_meeting(title="Members meeting")
    private = make_meeting(title="Private meeting", visibility=MeetingVisibility.INVITED)
    draft = make_meeting(title="Imported draft", is_draft=True)
    invite(session, private, guest)
    add_action(session, public, "Publish the annual report", owner=guest)
    add_action(session, members, "Share the members' directory", owner=guest)
    add_action(session, private, "Sign the confidential MoU", owner=guest)
    add_action(session, draft, "Confirm the imported minutes", owner=guest)

    assert listed(text_of(client.get("/meetings/actions/"))) == ["Publish the annual report"]
    assert listed(text_of(client_as(member).get("/meetings/actions/"))) == [
        "Publish the annual report",
        "Share the members' directory",
    ]
    assert sorted(listed(text_of(client_as(guest).get("/meetings/actions/")))) == [
        "Publish the annual report",
        "Share the members' directory",
        "Sign the confidential MoU",
    ]


def test_the_open_actions_page_is_paged(
    session, client_as, member, make_meeting, guest, monkeypatch
):
    monkeypatch.setattr(action_views, "PER_PAGE", 2)
    meeting = make_meeting()
    for number in range(5):
        add_action(
            session,
            meeting,
            f"Task number {number}",
            owner=guest,
            due=TODAY + timedelta(days=number),
        )
    client = client_as(member)
    first = text_of(client.get("/meetings/actions/"))
    assert listed(first) == ["Task number 0", "Task number 1"]
    assert "Page 1 of 3" in first and 'rel="next"' in first
    assert listed(text_of(client.get("/meetings/actions/?page=3"))) == ["Task number 4"]
    assert listed(text_of(client.get("/meetings/actions/?page=99"))) == []
