"""Annexures through the real app: added on their page, listed on the meeting page with their
presenters, put in order and removed by organisers, and refused to everyone else."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from kmrg.attachments.models import Attachment
from kmrg.auth.models import ProfileVisibility
from kmrg.events.models import Annexure, MeetingStatus, MeetingVisibility
from tests import factories
from tests.attachments.files import make_pdf
from tests.events.conftest import invite
from tests.events.test_annexures import attach
from tests.factories import csrf_token


def text_of(response) -> str:
    return response.get_data(as_text=True)


def upload(client, meeting, data: bytes, filename: str, **fields):
    form = {"csrf_token": csrf_token(client), "file": (io.BytesIO(data), filename), **fields}
    return client.post(
        f"/meetings/{meeting.slug}/annexures/new", data=form, content_type="multipart/form-data"
    )


def annexure_lines(page: str) -> list[str]:
    """Return the annexures as the meeting page lists them: "A: Title", in order."""
    return [
        f"{letter}: {title}"
        for letter, title in re.findall(
            r"<strong>Annexure ([A-Z]+):</strong>\s*<a href=\"[^\"]+\">([^<]+)</a>", page
        )
    ]


def test_an_organiser_attaches_a_presentation_and_it_is_listed_as_annexure_a(
    client_as, make_meeting, champion, other_organisation
):
    meeting = make_meeting(title="KMRG meeting in East London")
    client = client_as(champion)
    form_page = text_of(client.get(f"/meetings/{meeting.slug}/annexures/new"))
    assert "<h1>Add an annexure</h1>" in form_page
    assert 'enctype="multipart/form-data"' in form_page
    assert "Thandi Champion (you)" in form_page

    response = upload(
        client,
        meeting,
        make_pdf("Urban renewal programme"),
        "urp.pdf",
        title="Urban Renewal Programme",
        presenter_name="Leah Poto",
        presenting_organisation=other_organisation.code,
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.slug}#annexures-heading")
    page = text_of(client.get(f"/meetings/{meeting.slug}"))
    assert "Annexure A, “Urban Renewal Programme”, is attached." in page
    assert annexure_lines(page) == ["A: Urban Renewal Programme"]
    assert "Presented by Leah Poto, Msunduzi Local Municipality" in page
    assert "(PDF," in page
    href = re.search(r'href="(/attachments/\d+/[^"]+)"', page).group(1)
    download = client.get(href)
    assert download.status_code == 200
    assert download.get_data() == make_pdf("Urban renewal programme")
    download.close()


def test_a_refused_file_saves_nothing_and_says_why_beside_the_field(
    session, client_as, meeting, champion
):
    client = client_as(champion)
    response = upload(client, meeting, b"MZ\x90\x00 a program", "slides.pdf", title="Slides")
    assert response.status_code == 200
    page = text_of(response)
    assert 'id="file-error"' in page
    assert 'value="Slides"' in page
    assert session.scalar(select(func.count(Attachment.id))) == 0


def test_a_presenter_typed_and_chosen_at_once_is_refused_beside_the_name(
    session, client_as, meeting, champion
):
    response = upload(
        client_as(champion),
        meeting,
        make_pdf("x"),
        "x.pdf",
        presenter_id=str(champion.id),
        presenter_name="Someone Else",
    )
    assert 'id="presenter_name-error"' in text_of(response)
    assert session.scalar(select(func.count(Annexure.id))) == 0


def test_an_upload_without_the_csrf_token_is_refused(session, client_as, meeting, champion):
    client = client_as(champion)
    response = client.post(
        f"/meetings/{meeting.slug}/annexures/new",
        data={"file": (io.BytesIO(make_pdf("x")), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert session.scalar(select(func.count(Annexure.id))) == 0


def test_a_presenter_in_the_hub_is_shown_only_as_their_choice_allows(
    session, client_as, make_meeting, champion, member, other_organisation
):
    meeting = make_meeting()
    shy = factories.make_user(
        session, name="Hlengiwe Hidden", profile_visibility=ProfileVisibility.HIDDEN
    )
    invite(session, meeting, shy)
    attach(
        session,
        champion,
        meeting,
        "KM strategy",
        presenter_id=shy.id,
        presenting_organisation_id=other_organisation.id,
    )
    page = text_of(client_as(member).get(f"/meetings/{meeting.slug}"))
    assert annexure_lines(page) == ["A: KM strategy"]
    assert "Presented by a member of the network" in page
    assert "Hlengiwe" not in page
    # Her organisation beside "a member of the network" would point at her.
    assert "Msunduzi" not in page
    form_page = text_of(client_as(member).get(f"/meetings/{meeting.slug}/annexures/new"))
    assert "Hlengiwe" not in form_page


@pytest.fixture
def three(session, champion, meeting):
    for title in ("One", "Two", "Three"):
        attach(session, champion, meeting, title)
    return meeting


def move(client, meeting, annexure_id: int, index: int, direction: str):
    return factories.post(
        client,
        f"/meetings/{meeting.slug}/annexures/{annexure_id}/move",
        {"index": str(index), "direction": direction},
    )


def ids(session, meeting) -> dict[str, int]:
    """Return the meeting's annexures' ids by title, in letter order."""
    query = (
        select(Annexure.title, Annexure.id)
        .where(Annexure.meeting_id == meeting.id)
        .order_by(Annexure.position, Annexure.id)
    )
    return dict(session.execute(query).all())


def test_organisers_move_annexures_up_and_down(session, client_as, three, champion):
    client = client_as(champion)
    page = text_of(client.get(f"/meetings/{three.slug}"))
    # The first has no "up", the last no "down".
    assert page.count("Move up<span") == 2 and page.count("Move down<span") == 2
    assert move(client, three, ids(session, three)["Three"], 2, "up").status_code == 302
    page = text_of(client.get(f"/meetings/{three.slug}"))
    assert "“Three” is annexure B now." in page
    assert annexure_lines(page) == ["A: One", "B: Three", "C: Two"]


def test_a_move_from_a_page_opened_before_another_move_does_nothing(
    session, client_as, three, champion
):
    client = client_as(champion)
    move(client, three, ids(session, three)["Three"], 2, "up")
    # The page still showed "Two" as B: moving it up now would be a surprise.
    move(client, three, ids(session, three)["Two"], 1, "up")
    page = text_of(client.get(f"/meetings/{three.slug}"))
    assert "put in another order meanwhile, so nothing moved" in page
    assert annexure_lines(page) == ["A: One", "B: Three", "C: Two"]


def test_organisers_remove_an_annexure_and_the_rest_move_up_a_letter(
    session, client_as, three, champion
):
    client = client_as(champion)
    url = f"/meetings/{three.slug}/annexures/{ids(session, three)['One']}/remove"
    assert factories.post(client, url).status_code == 302
    page = text_of(client.get(f"/meetings/{three.slug}"))
    assert "“One” is removed" in page
    assert annexure_lines(page) == ["A: Two", "B: Three"]
    session.rollback()  # see what the request committed
    assert session.scalar(select(func.count(Attachment.id))) == 2
    # A second click finds it gone, and says so.
    factories.post(client, url)
    assert "removed already" in text_of(client.get(f"/meetings/{three.slug}"))


def test_people_who_see_the_meeting_but_do_not_organise_it_see_no_buttons(client_as, three, member):
    page = text_of(client_as(member).get(f"/meetings/{three.slug}"))
    assert annexure_lines(page) == ["A: One", "B: Two", "C: Three"]
    assert "Move up" not in page and "Remove" not in page and "Add an annexure" not in page


def state_changing_urls(session, meeting, title: str = "One") -> list[tuple[str, dict]]:
    first = ids(session, meeting)[title]
    return [
        (f"/meetings/{meeting.slug}/annexures/new", {}),
        (f"/meetings/{meeting.slug}/annexures/{first}/move", {"index": "0", "direction": "down"}),
        (f"/meetings/{meeting.slug}/annexures/{first}/remove", {}),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(session, client, three):
    for url, data in state_changing_urls(session, three):
        response = factories.post(client, url, data)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    session.rollback()  # see what the requests committed
    assert session.scalar(select(func.count(Annexure.id))) == 3


def test_members_who_do_not_organise_are_refused(session, client_as, three, member):
    client = client_as(member)
    assert client.get(f"/meetings/{three.slug}/annexures/new").status_code == 403
    for url, data in state_changing_urls(session, three):
        assert factories.post(client, url, data).status_code == 403
    session.rollback()  # see what the requests committed
    assert list(ids(session, three)) == ["One", "Two", "Three"]


def test_people_who_may_not_see_the_meeting_get_404(session, client_as, make_meeting, guest):
    meeting = make_meeting(visibility=MeetingVisibility.INVITED)
    attach(session, meeting.created_by, meeting, "One")
    client = client_as(guest)
    for url, data in state_changing_urls(session, meeting):
        assert factories.post(client, url, data).status_code == 404
    assert client.get(f"/meetings/{meeting.slug}/annexures/new").status_code == 404


def test_participants_add_annexures_once_held_but_only_organisers_arrange_them(
    session, client_as, make_meeting, champion, guest
):
    meeting = make_meeting(status=MeetingStatus.HELD)
    invite(session, meeting, guest, attended=True)
    client = client_as(guest)
    response = upload(client, meeting, make_pdf("Msunduzi"), "msunduzi.pdf", title="Msunduzi KM")
    assert response.status_code == 302
    attach(session, champion, meeting, "Two")
    page = text_of(client.get(f"/meetings/{meeting.slug}"))
    assert annexure_lines(page) == ["A: Msunduzi KM", "B: Two"]
    assert "Add an annexure" in page and "Move down" not in page
    for url, data in state_changing_urls(session, meeting, "Two")[1:]:
        assert factories.post(client, url, data).status_code == 403


def test_the_generic_upload_route_attaches_no_file_to_a_meeting(
    session, client_as, make_meeting, champion
):
    # An annexure is more than a file (a title, a presenter, a letter): a file posted to the
    # attachments area's own route would be stored, listed nowhere and lettered nothing.
    meeting = make_meeting(title="KMRG meeting in Mbombela")
    client = client_as(champion)
    stored = session.scalar(select(func.count()).select_from(Attachment))

    response = client.post(
        f"/attachments/meeting/{meeting.id}/new",
        data={
            "csrf_token": csrf_token(client),
            "file": (io.BytesIO(make_pdf("Slides")), "slides.pdf"),
            "title": "Slides",
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 404
    assert session.scalar(select(func.count()).select_from(Attachment)) == stored
