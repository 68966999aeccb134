"""The agenda: sessions added, edited, reordered and removed by organisers, and shown to all."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from sqlalchemy import select

from kmrg.auth.models import ProfileVisibility
from kmrg.events import agenda
from kmrg.events.models import AgendaSession
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import StaleEditError
from tests import factories
from tests.factories import post

DAY_ONE, DAY_TWO = date(2031, 3, 4), date(2031, 3, 5)


@pytest.fixture
def two_day_meeting(make_meeting):
    return make_meeting(title="KMRG in East London", day=DAY_ONE, days=2)


def add(session, actor, meeting, title, **details) -> AgendaSession:
    added = agenda.add_session(session, actor, meeting, agenda.SessionData(title=title, **details))
    session.commit()
    return added


def titles(session, meeting) -> list[str]:
    session.expire_all()
    return [s.title for s in meeting.sessions]


def text_of(response) -> str:
    return response.get_data(as_text=True)


# Services


def test_sessions_are_added_in_order_with_times_in_sast(session, champion, two_day_meeting):
    add(session, champion, two_day_meeting, "Reflection and new partnerships")
    second = add(
        session,
        champion,
        two_day_meeting,
        "The business plan",
        day=DAY_TWO,
        starts=time(9, 30),
        ends=time(11, 0),
    )
    assert titles(session, two_day_meeting) == [
        "Reflection and new partnerships",
        "The business plan",
    ]
    assert (second.starts_at.day, second.starts_at.hour, second.starts_at.minute) == (5, 7, 30)
    assert agenda.has_clock_time(second)


def test_a_day_without_a_time_is_kept_as_the_day(session, champion, two_day_meeting):
    added = add(session, champion, two_day_meeting, "Site visit", day=DAY_TWO)
    assert not agenda.has_clock_time(added)
    assert agenda.meeting_days(two_day_meeting) == [DAY_ONE, DAY_TWO]


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "Late", "day": date(2031, 3, 9), "starts": time(9)}, "day"),
        ({"title": "Backwards", "starts": time(11), "ends": time(10)}, "ends"),
        ({"title": "No start", "ends": time(10)}, "starts"),
    ],
)
def test_bad_sessions_are_refused(session, champion, two_day_meeting, details, field):
    with pytest.raises(ValidationError) as refused:
        agenda.add_session(session, champion, two_day_meeting, agenda.SessionData(**details))
    assert refused.value.field == field


def test_speakers_are_hub_people_or_named_guests(session, champion, member, two_day_meeting):
    added = add(
        session,
        champion,
        two_day_meeting,
        "Research findings",
        facilitator_id=member.id,
        facilitator_name="ignored when a person is chosen",
        speakers=[
            agenda.SpeakerEntry(user_id=member.id),
            agenda.SpeakerEntry(),  # an empty row of the form
            agenda.SpeakerEntry(guest_name="Kubeshni Govender-Jones", guest_organisation="SACN"),
        ],
    )
    assert added.facilitator_name == ""
    assert [(s.user_id, s.guest_name) for s in added.speakers] == [
        (member.id, ""),
        (None, "Kubeshni Govender-Jones"),
    ]


def test_sessions_move_up_and_down_and_stop_at_the_ends(session, champion, two_day_meeting):
    first, second, third = (
        add(session, champion, two_day_meeting, title) for title in ("One", "Two", "Three")
    )
    assert agenda.move_session(session, champion, third, -1)
    session.commit()
    assert titles(session, two_day_meeting) == ["One", "Three", "Two"]
    assert agenda.move_session(session, champion, first, 1)
    session.commit()
    assert titles(session, two_day_meeting) == ["Three", "One", "Two"]
    assert not agenda.move_session(session, champion, second, 1)


def test_a_session_edited_meanwhile_refuses_a_stale_form(session, champion, admin, two_day_meeting):
    added = add(session, champion, two_day_meeting, "Draft title")
    opened = agenda.session_fingerprint(added)
    agenda.update_session(
        session, admin, added, agenda.SessionData(title="Their title"), expected_fingerprint=opened
    )
    session.commit()
    with pytest.raises(StaleEditError):
        agenda.update_session(
            session,
            champion,
            added,
            agenda.SessionData(title="My title"),
            expected_fingerprint=opened,
        )
    assert added.title == "Their title"


def test_only_organisers_change_the_agenda(session, champion, member, two_day_meeting):
    added = add(session, champion, two_day_meeting, "Mine")
    with pytest.raises(PermissionDenied):
        agenda.add_session(session, member, two_day_meeting, agenda.SessionData(title="Theirs"))
    with pytest.raises(PermissionDenied):
        agenda.delete_session(session, member, added)


# Pages


def test_an_organiser_adds_a_session_with_speakers_and_everyone_sees_it(
    session, client_as, champion, member, two_day_meeting
):
    speaker = factories.make_user(
        session, name="Lindiwe Speaker", profile_visibility=ProfileVisibility.PUBLIC
    )
    client = client_as(champion)
    form = text_of(client.get(f"/meetings/{two_day_meeting.slug}/agenda/new"))
    assert "Tuesday 4 March 2031" in form
    assert "Lindiwe Speaker" in form
    response = post(
        client,
        f"/meetings/{two_day_meeting.slug}/agenda/new",
        {
            "title": "Knowledge management in the metros",
            "day": "2031-03-05",
            "starts": "09:30",
            "ends": "11:00",
            "facilitator_id": "",
            "facilitator_name": "Kubeshni Govender-Jones, SACN",
            "notes": "The 2006 research, **annexure A**.",
            "speakers-0-user_id": str(speaker.id),
            "speakers-0-guest_name": "",
            "speakers-0-guest_organisation": "",
            "speakers-1-user_id": "",
            "speakers-1-guest_name": "Mpho Guest",
            "speakers-1-guest_organisation": "SALGA",
        },
    )
    assert response.status_code == 302
    page = text_of(client_as(member).get(f"/meetings/{two_day_meeting.slug}"))
    assert "<h3>Knowledge management in the metros</h3>" in page
    assert "Day 2, 5 March 2031, 09:30–11:00 SAST" in page
    assert "Facilitated by Kubeshni Govender-Jones, SACN" in page
    assert f'<a href="/people/{speaker.id}">Lindiwe Speaker</a>' in page
    assert "Mpho Guest, SALGA" in page
    assert "<strong>annexure A</strong>" in page
    assert "Add a session" not in page


def test_a_speaker_who_chose_a_hidden_profile_is_not_named(
    session, client_as, champion, member, two_day_meeting
):
    hidden = factories.make_user(session, name="Hidden Speaker")
    add(
        session,
        champion,
        two_day_meeting,
        "Closed talk",
        speakers=[agenda.SpeakerEntry(user_id=hidden.id)],
    )
    page = text_of(client_as(member).get(f"/meetings/{two_day_meeting.slug}"))
    assert "Closed talk" in page
    assert "Hidden Speaker" not in page
    assert "a member of the network" in page


def test_organisers_move_and_remove_sessions_from_the_page(
    session, client_as, champion, two_day_meeting
):
    for title in ("Welcome", "Research", "Way forward"):
        add(session, champion, two_day_meeting, title)
    client = client_as(champion)
    research = session.scalars(select(AgendaSession).filter_by(title="Research")).one()
    base = f"/meetings/{two_day_meeting.slug}/agenda/{research.id}"
    assert post(client, f"{base}/move", {"direction": "up"}).status_code == 302
    page = text_of(client.get(f"/meetings/{two_day_meeting.slug}"))
    assert page.index("<h3>Research</h3>") < page.index("<h3>Welcome</h3>")
    response = post(client, f"{base}/delete", follow_redirects=True)
    assert "“Research” is removed from the agenda." in text_of(response)
    assert "<h3>Research</h3>" not in text_of(response)


def test_an_edit_keeps_the_speakers_and_refuses_a_stale_form(
    session, client_as, champion, admin, two_day_meeting
):
    added = add(
        session,
        champion,
        two_day_meeting,
        "Research",
        speakers=[agenda.SpeakerEntry(guest_name="Mpho Guest", guest_organisation="SALGA")],
    )
    url = f"/meetings/{two_day_meeting.slug}/agenda/{added.id}/edit"
    client = client_as(champion)
    page = text_of(client.get(url))
    assert 'value="Mpho Guest"' in page
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="(\w+)"', page).group(1)
    agenda.update_session(
        session,
        admin,
        added,
        agenda.SessionData(title="Changed by the admin"),
        expected_fingerprint=fingerprint,
    )
    session.commit()
    response = post(
        client, url, {"title": "Mine", "day": "", "fingerprint": fingerprint, "notes": ""}
    )
    assert response.status_code == 200
    assert "your changes were NOT saved" in text_of(response)
    session.rollback()
    session.expire_all()
    assert session.get(AgendaSession, added.id).title == "Changed by the admin"


def test_agenda_urls_ask_for_sign_in_refuse_members_and_hide_other_meetings_sessions(
    session, client, client_as, champion, member, make_meeting, two_day_meeting
):
    added = add(session, champion, two_day_meeting, "Research")
    other = make_meeting(title="Another meeting")
    urls = [
        (f"/meetings/{two_day_meeting.slug}/agenda/new", {"title": "X"}),
        (f"/meetings/{two_day_meeting.slug}/agenda/{added.id}/edit", {"title": "X"}),
        (f"/meetings/{two_day_meeting.slug}/agenda/{added.id}/move", {"direction": "up"}),
        (f"/meetings/{two_day_meeting.slug}/agenda/{added.id}/delete", {}),
    ]
    for url, data in urls:
        response = post(client, url, data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
        assert post(client_as(member), url, data).status_code == 403, url
        elsewhere = url.replace(two_day_meeting.slug, other.slug)
        if str(added.id) in url:
            assert post(client_as(champion), elsewhere, data).status_code == 404, elsewhere
    assert titles(session, two_day_meeting) == ["Research"]
