"""Action item pages through the real app: record, edit, progress, close by a record; access."""

from __future__ import annotations

from datetime import date

import pytest

from kmrg.casestudies.models import CaseStudyStatus
from kmrg.events.models import ActionItem, ActionStatus, MeetingStatus, MeetingVisibility
from tests.events.actions_support import add_action
from tests.events.conftest import invite
from tests.factories import csrf_token, post
from tests.lessons.conftest import make_case_study


def text_of(response) -> str:
    return response.get_data(as_text=True)


def reload(session, action: ActionItem) -> ActionItem:
    session.rollback()
    session.expire_all()
    return session.get(ActionItem, action.id)


@pytest.fixture
def held(session, make_meeting, guest):
    meeting = make_meeting(title="KMRG meeting in East London", status=MeetingStatus.HELD)
    invite(session, meeting, guest, attended=True)
    return meeting


@pytest.fixture
def action(session, held, guest):
    return add_action(
        session, held, "Circulate the draft business plan", owner=guest, due=date(2031, 5, 30)
    )


# Recording.


def test_a_participant_records_an_action_after_the_meeting(
    session, client_as, held, guest, other_organisation, member
):
    client = client_as(guest)
    form = text_of(client.get(f"/meetings/{held.slug}/actions/new"))
    assert '<optgroup label="People">' in form and '<optgroup label="Organisations">' in form
    assert f'value="organisation:{other_organisation.id}"' in form
    assert 'type="date"' in form

    response = post(
        client,
        f"/meetings/{held.slug}/actions/new",
        {
            "description": "Send the knowledge audit template to every metro",
            "owner": f"organisation:{other_organisation.id}",
            "due_on": "2031-05-30",
        },
    )
    assert response.status_code == 302
    action = session.query(ActionItem).one()
    assert response.headers["Location"] == f"/meetings/actions/{action.id}"
    page = text_of(client.get(response.headers["Location"]))
    assert "The action is recorded." in page
    assert "Send the knowledge audit template to every metro" in page
    assert "Due 30 May 2031" in page and "Msunduzi Local Municipality" in page

    meeting_page = text_of(client_as(member).get(f"/meetings/{held.slug}"))
    assert "Send the knowledge audit template to every metro" in meeting_page
    assert "Record an action item" not in meeting_page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": ""}, "Say what has to be done."),
        ({"owner": ""}, "Choose who owns the action: a person or an organisation."),
        ({"owner": "person:abc"}, "Choose who owns the action from the list."),
        ({"owner": "person:999999"}, "Choose a person from the list."),
        ({"due_on": "30/05/2031"}, "Give the date as year-month-day, for example 2025-03-14."),
        ({"due_on": "1931-05-30"}, "Check the year of the due date."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    session, client_as, held, guest, fields, message
):
    form = {
        "description": "Book the venue",
        "owner": f"person:{guest.id}",
        "due_on": "2031-05-30",
        **fields,
    }
    response = post(client_as(guest), f"/meetings/{held.slug}/actions/new", form)
    assert response.status_code == 200
    assert message in text_of(response)
    assert session.query(ActionItem).count() == 0


# Editing.


def test_an_organiser_edits_and_a_stale_form_is_refused(
    session, client_as, champion, admin, action, member
):
    mine, theirs = client_as(champion), client_as(admin)
    form = text_of(mine.get(f"/meetings/actions/{action.id}/edit"))
    assert "Circulate the draft business plan</textarea>" in form
    assert 'value="2031-05-30"' in form
    fields = {"owner": f"person:{member.id}", "due_on": "2031-06-30", "version": "1"}
    theirs_saved = post(
        theirs, f"/meetings/actions/{action.id}/edit", {"description": "Theirs", **fields}
    )
    assert theirs_saved.status_code == 302

    refused = post(mine, f"/meetings/actions/{action.id}/edit", {"description": "Mine", **fields})
    assert refused.status_code == 200
    assert "your changes were NOT saved" in text_of(refused)
    assert "Mine</textarea>" in text_of(refused)
    assert reload(session, action).description == "Theirs"


def test_the_owner_may_not_edit_the_action(client_as, guest, action):
    client = client_as(guest)
    assert client.get(f"/meetings/actions/{action.id}/edit").status_code == 403
    assert "Edit the action" not in text_of(client.get(f"/meetings/actions/{action.id}"))


# Progress.


def test_the_owner_records_progress(session, client_as, guest, action, member):
    client = client_as(guest)
    page = text_of(client.get(f"/meetings/actions/{action.id}"))
    assert "Record progress" in page
    response = post(
        client,
        f"/meetings/actions/{action.id}/progress",
        {"note": "Sent to the secretariat\nfor comment.", "status": "in_progress", "version": "1"},
    )
    assert response.status_code == 302
    page = text_of(client_as(member).get(f"/meetings/actions/{action.id}"))
    assert "Sent to the secretariat\nfor comment." in page
    assert "moved it to <strong>in progress</strong>" in page
    assert "Record progress" not in page
    assert reload(session, action).status is ActionStatus.IN_PROGRESS


def test_progress_with_neither_a_note_nor_a_move_is_refused(session, client_as, guest, action):
    response = post(
        client_as(guest), f"/meetings/actions/{action.id}/progress", {"note": "", "version": "1"}
    )
    assert response.status_code == 200
    assert "Write what happened, or choose a new status." in text_of(response)
    assert reload(session, action).updates == []


def test_a_stale_status_move_is_refused_and_the_note_kept(
    session, client_as, guest, champion, action
):
    post(
        client_as(champion),
        f"/meetings/actions/{action.id}/progress",
        {"note": "", "status": "dropped", "version": "1"},
    )
    response = post(
        client_as(guest),
        f"/meetings/actions/{action.id}/progress",
        {"note": "Nearly done", "status": "done", "version": "1"},
    )
    assert response.status_code == 200
    assert "nothing was saved" in text_of(response) and "Nearly done</textarea>" in text_of(
        response
    )
    assert reload(session, action).status is ActionStatus.DROPPED


# Closing by the record that fulfils it.


def test_the_owner_closes_an_action_by_pasting_a_case_studys_address(
    session, client_as, guest, action, organisation, member
):
    case_study = make_case_study(
        session, organisation, title="Business plan adopted", status=CaseStudyStatus.PUBLISHED
    )
    client = client_as(guest)
    assert "Close the action as done" in text_of(client.get(f"/meetings/actions/{action.id}/close"))
    response = post(
        client,
        f"/meetings/actions/{action.id}/close",
        {"address": f"http://hub.test/case-studies/{case_study.slug}", "version": "1"},
    )
    assert response.status_code == 302
    page = text_of(client_as(member).get(f"/meetings/actions/{action.id}"))
    assert (
        f'Case study: <a href="/case-studies/{case_study.slug}">Business plan adopted</a>' in page
    )
    assert "Done</span>" in page

    # Withdrawn later, the case study is no longer named to those who may not see it.
    case_study.status = CaseStudyStatus.DRAFT
    session.commit()
    page = text_of(client_as(member).get(f"/meetings/actions/{action.id}"))
    assert "Business plan adopted" not in page and "Fulfilled by" not in page


def test_the_owner_closes_an_action_by_a_search_result(
    session, client_as, guest, action, organisation
):
    case_study = make_case_study(
        session,
        organisation,
        title="Knowledge audit of Buffalo City",
        status=CaseStudyStatus.PUBLISHED,
    )
    client = client_as(guest)
    page = text_of(client.get(f"/meetings/actions/{action.id}/close?q=knowledge+audit"))
    value = f"/case-studies/{case_study.slug}"
    assert f'value="{value}"' in page and "Case study: Knowledge audit of Buffalo City" in page
    response = post(
        client,
        f"/meetings/actions/{action.id}/close?q=knowledge+audit",
        {"chosen": value, "version": "1"},
    )
    assert response.status_code == 302
    action = reload(session, action)
    assert (action.fulfilled_by_type, action.fulfilled_by_id) == ("case_study", case_study.id)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose one record"),
        ({"address": "/case-studies/x", "chosen": "/lessons/1"}, "Choose one record"),
        ({"address": "https://example.org/case-studies/x"}, "not the address of a case study"),
        ({"address": "/meetings/actions/"}, "not the address of a case study"),
        ({"annexure": "attachment:abc"}, "Choose an annexure from the list."),
        ({"address": "/lessons/999999"}, "not the address of a case study"),
        ({"annexure": "attachment:999999"}, "does not exist, or you may not see it"),
    ],
)
def test_closing_by_a_record_that_is_not_one_is_refused(
    session, client_as, guest, action, fields, message
):
    response = post(
        client_as(guest), f"/meetings/actions/{action.id}/close", {"version": "1", **fields}
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert reload(session, action).status is ActionStatus.OPEN


def test_closing_by_a_draft_the_owner_may_not_see_is_refused(
    session, client_as, guest, action, organisation
):
    draft = make_case_study(session, organisation, title="Private draft")
    response = post(
        client_as(guest),
        f"/meetings/actions/{action.id}/close",
        {"address": f"/case-studies/{draft.slug}", "version": "1"},
    )
    assert "does not exist, or you may not see it" in text_of(response)
    assert reload(session, action).status is ActionStatus.OPEN


# Who may reach which page.


def test_pages_need_a_signed_in_account(client, action, held):
    for path in (
        f"/meetings/{held.slug}/actions/new",
        f"/meetings/actions/{action.id}/edit",
        f"/meetings/actions/{action.id}/close",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    for path in (
        f"/meetings/{held.slug}/actions/new",
        f"/meetings/actions/{action.id}/edit",
        f"/meetings/actions/{action.id}/progress",
        f"/meetings/actions/{action.id}/close",
    ):
        response = post(client, path, {"description": "x", "note": "x", "version": "1"})
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    # The members-only meeting's action is not acknowledged to the public.
    assert client.get(f"/meetings/actions/{action.id}").status_code == 404


def test_a_member_without_a_part_is_refused_every_change(session, client_as, member, action, held):
    client = client_as(member)
    assert client.get(f"/meetings/actions/{action.id}").status_code == 200
    for path in (
        f"/meetings/{held.slug}/actions/new",
        f"/meetings/actions/{action.id}/edit",
        f"/meetings/actions/{action.id}/close",
    ):
        assert client.get(path).status_code == 403, path
        assert post(client, path, {"version": "1"}).status_code == 403, path
    response = post(
        client, f"/meetings/actions/{action.id}/progress", {"note": "x", "version": "1"}
    )
    assert response.status_code == 403
    assert reload(session, action).updates == []


def test_an_invited_only_meetings_actions_are_404_to_outsiders(
    session, client_as, make_meeting, guest, member
):
    private = make_meeting(status=MeetingStatus.HELD, visibility=MeetingVisibility.INVITED)
    invite(session, private, guest)
    hidden = add_action(session, private, "Sign the MoU", owner=guest)
    client = client_as(member)
    for path in (
        f"/meetings/actions/{hidden.id}",
        f"/meetings/actions/{hidden.id}/edit",
        f"/meetings/actions/{hidden.id}/close",
        f"/meetings/{private.slug}/actions/new",
    ):
        assert client.get(path).status_code == 404, path
    assert post(client, f"/meetings/actions/{hidden.id}/progress", {"note": "x"}).status_code == 404
    assert client_as(guest).get(f"/meetings/actions/{hidden.id}").status_code == 200


def test_missing_actions_are_404(client_as, champion):
    client = client_as(champion)
    assert client.get("/meetings/actions/999999").status_code == 404
    assert client.get("/meetings/no-such-meeting/actions/new").status_code == 404


def test_a_form_without_its_csrf_token_is_refused(session, client_as, guest, action):
    client = client_as(guest)
    csrf_token(client)
    response = client.post(
        f"/meetings/actions/{action.id}/progress", data={"note": "x", "version": "1"}
    )
    assert response.status_code == 400
    assert reload(session, action).updates == []


HOSTILE = ["99999999999999999999", "-1", "²²²²", "person:²²²²", "http://[::1", "ü☃" * 300]


def test_hostile_input_gets_a_message_never_a_server_error(
    session, client_as, champion, action, held
):
    client = client_as(champion)
    for value in HOSTILE:
        for path, fields in (
            (f"/meetings/{held.slug}/actions/new", ("description", "owner", "due_on")),
            (f"/meetings/actions/{action.id}/edit", ("owner", "due_on", "version")),
            (f"/meetings/actions/{action.id}/progress", ("note", "status", "version")),
            (f"/meetings/actions/{action.id}/close", ("annexure", "address", "chosen", "version")),
        ):
            for name in fields:
                form = {"description": "x", "owner": f"person:{champion.id}", "version": "1"}
                response = post(client, path, {**form, name: value})
                assert response.status_code < 500, (path, name, value)
        for name in ("owner", "organisation", "series", "page"):
            assert client.get(f"/meetings/actions/?{name}={value}").status_code == 200
        assert (
            client.get(
                f"/meetings/actions/{action.id}/close", query_string={"q": value}
            ).status_code
            == 200
        )
    assert reload(session, action).description == "Circulate the draft business plan"
