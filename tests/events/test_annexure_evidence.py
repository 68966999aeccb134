"""Presentations at held meetings as evidence on the presenter's expert profile, as visible as
the meeting: public meetings to everyone, members-only ones to members, invited-only ones to
their participants."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from kmrg.events import services
from kmrg.events.models import Annexure, Meeting, MeetingStatus, MeetingVisibility
from kmrg.experts.evidence import registered_evidence_providers
from kmrg.experts.search import build_expert_document
from tests import factories
from tests.events.conftest import invite, meeting_data
from tests.events.test_annexures import attach
from tests.experts.conftest import make_profile

TITLE = "KMRG meeting in Nelson Mandela Bay"
EVIDENCE = f"Presented at {TITLE}"


@pytest.fixture
def presenter(session: Session, other_organisation):
    return factories.make_user(session, name="Madeleine Presenter", organisation=other_organisation)


@pytest.fixture
def presented_at(session, make_meeting, champion, presenter):
    """Return a factory of meetings at which `presenter` presented annexure A."""

    def make(**details) -> Meeting:
        details.setdefault("status", MeetingStatus.HELD)
        meeting = make_meeting(title=TITLE, day=date(2024, 3, 4), **details)
        invite(session, meeting, presenter)
        attach(session, champion, meeting, "Msunduzi's KM approach", presenter_id=presenter.id)
        return meeting

    return make


def profile_page(client_as, viewer, profile) -> str:
    return client_as(viewer).get(f"/experts/{profile.slug}").get_data(as_text=True)


def test_a_presentation_at_a_public_meeting_is_evidence_for_everyone(
    session, client_as, presented_at, presenter
):
    meeting = presented_at(visibility=MeetingVisibility.PUBLIC)
    profile = make_profile(session, presenter)
    page = profile_page(client_as, None, profile)
    assert EVIDENCE in page
    assert f'href="/meetings/{meeting.slug}"' in page
    assert "Presenter" in page and "4 March 2024" in page
    assert EVIDENCE in build_expert_document(profile).matched_text()


@pytest.mark.parametrize(
    ("visibility", "shown_to"),
    [
        (MeetingVisibility.MEMBERS, {"anonymous": False, "member": True, "participant": True}),
        (MeetingVisibility.INVITED, {"anonymous": False, "member": False, "participant": True}),
    ],
)
def test_a_closed_meeting_s_presentation_is_shown_only_to_those_who_see_the_meeting(
    session, client_as, presented_at, presenter, member, guest, visibility, shown_to
):
    meeting = presented_at(visibility=visibility)
    invite(session, meeting, guest)
    profile = make_profile(session, presenter)
    viewers = {"anonymous": None, "member": member, "participant": guest}
    for role, viewer in viewers.items():
        assert (EVIDENCE in profile_page(client_as, viewer, profile)) is shown_to[role], role
    # Search documents carry public evidence only.
    assert EVIDENCE not in build_expert_document(profile).matched_text()


def test_a_meeting_still_planned_or_cancelled_is_no_evidence(
    session, client_as, presented_at, presenter, admin
):
    presented_at(status=MeetingStatus.PLANNED, visibility=MeetingVisibility.PUBLIC)
    profile = make_profile(session, presenter)
    assert EVIDENCE not in profile_page(client_as, admin, profile)


def test_two_presentations_at_one_meeting_are_one_item(
    session, client_as, presented_at, presenter, champion
):
    meeting = presented_at(visibility=MeetingVisibility.PUBLIC)
    attach(session, champion, meeting, "Workplan", presenter_id=presenter.id)
    profile = make_profile(session, presenter)
    assert profile_page(client_as, None, profile).count(EVIDENCE) == 1


def _dependents(model):
    provider = next(p for p in registered_evidence_providers() if p.name == "meeting_presentation")
    return provider.settled_dependents()[model]


def test_changes_to_a_meeting_or_annexure_re_index_its_presenters(
    session, presented_at, presenter, champion, guest
):
    meeting = presented_at(visibility=MeetingVisibility.PUBLIC)
    connection = session.connection()
    assert list(_dependents(Meeting)(meeting, connection)) == [presenter.id]
    annexure = session.scalars(select(Annexure)).one()
    invite(session, meeting, guest)
    found: set[int] = set()

    # Re-indexing is noted after the flush, when the replaced presenter is only in the history.
    def note(flushed, _context):
        found.update(_dependents(Annexure)(annexure, flushed.connection()))

    event.listen(session(), "after_flush", note)
    try:
        annexure.presenter_id = guest.id
        session.commit()
    finally:
        event.remove(session(), "after_flush", note)
    # The presenter it replaced loses the evidence, so both are re-indexed.
    assert found == {presenter.id, guest.id}


def test_making_the_meeting_members_only_takes_it_out_of_the_presenter_s_search_document(
    session, client_as, presented_at, presenter, champion
):
    meeting = presented_at(visibility=MeetingVisibility.PUBLIC)
    make_profile(session, presenter)
    client = client_as(None)
    found = client.get("/search", query_string={"q": "Nelson Mandela Bay"}).get_data(as_text=True)
    assert "Madeleine Presenter" in found
    data = meeting_data(title=TITLE, day=date(2024, 3, 4), host=meeting.host_organisation)
    services.update_meeting(session, champion, meeting, data, expected_version=meeting.version)
    session.commit()
    found = client.get("/search", query_string={"q": "Nelson Mandela Bay"}).get_data(as_text=True)
    assert "Madeleine Presenter" not in found
