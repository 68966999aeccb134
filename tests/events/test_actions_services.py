"""Action items through their services: recording, editing, progress, and closing by a record."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.auth.models import ProfileVisibility
from kmrg.casestudies.models import CaseStudyStatus
from kmrg.events import actions
from kmrg.events.fulfilment import RecordRef, find_record, fulfilment_of, ref_from_address
from kmrg.events.models import ActionStatus, MeetingStatus, MeetingVisibility
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.lessons.models import LessonStatus
from kmrg.models import StaleEditError
from tests import factories
from tests.lessons.conftest import make_case_study, make_lesson

DUE = date(2031, 5, 30)


def data(**overrides) -> actions.ActionData:
    values = {"description": "Circulate the draft business plan to members", "due_on": DUE}
    values.update(overrides)
    return actions.ActionData(**values)


@pytest.fixture
def held(make_meeting):
    return make_meeting(title="KMRG meeting in East London", status=MeetingStatus.HELD)


@pytest.fixture
def action(session, champion, held, guest):
    recorded = actions.record_action(session, champion, held, data(owner_user_id=guest.id))
    session.commit()
    return recorded


# Recording and editing.


def test_an_organiser_records_an_action_for_a_person(session, champion, held, guest):
    recorded = actions.record_action(session, champion, held, data(owner_user_id=guest.id))
    session.commit()

    assert recorded.status is ActionStatus.OPEN
    assert recorded.owner_user_id == guest.id and recorded.owner_organisation_id is None
    assert recorded.due_on == DUE and recorded.created_by_id == champion.id
    logged = select(AuditEvent.action).where(
        AuditEvent.target_type == "meeting_actions", AuditEvent.target_id == str(recorded.id)
    )
    assert list(session.scalars(logged)) == ["meeting_action.created"]


def test_an_action_may_be_owned_by_an_organisation(session, champion, held, other_organisation):
    recorded = actions.record_action(
        session, champion, held, data(owner_organisation_id=other_organisation.id, due_on=None)
    )
    assert recorded.owner_organisation_id == other_organisation.id and recorded.due_on is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": "  "}, "description", "Say what has to be done."),
        ({"description": "x" * 2001}, "description", "under 2000 characters"),
        ({}, "owner", "one person or one organisation"),
        ({"owner_user_id": "both"}, "owner", "one person or one organisation"),
        ({"owner_user_id": 999_999}, "owner", "Choose a person from the list."),
        ({"owner_organisation_id": 999_999}, "owner", "Choose an organisation from the list."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    session, champion, held, guest, other_organisation, overrides, field, message
):
    if overrides.get("owner_user_id") == "both":
        overrides = {"owner_user_id": guest.id, "owner_organisation_id": other_organisation.id}
    with pytest.raises(ValidationError) as refused:
        actions.record_action(session, champion, held, data(**overrides))
    assert refused.value.field == field and message in refused.value.message
    session.rollback()
    assert held.actions == []


def test_a_person_who_hides_their_profile_cannot_be_chosen_by_a_member(
    session, guest, make_meeting, organisation
):
    hidden = factories.make_user(session, name="Hidden Person", organisation=organisation)
    held = make_meeting(status=MeetingStatus.HELD)
    from tests.events.conftest import invite

    invite(session, held, guest)
    with pytest.raises(ValidationError, match="Choose a person from the list"):
        actions.record_action(session, guest, held, data(owner_user_id=hidden.id))


def test_the_owner_must_be_able_to_see_an_invited_only_meeting(
    session, champion, make_meeting, member
):
    private = make_meeting(status=MeetingStatus.HELD, visibility=MeetingVisibility.INVITED)
    with pytest.raises(ValidationError, match="may not see this meeting"):
        actions.record_action(session, champion, private, data(owner_user_id=member.id))


def test_a_member_without_a_part_in_the_meeting_may_not_record(session, member, held, guest):
    with pytest.raises(PermissionDenied):
        actions.record_action(session, member, held, data(owner_user_id=guest.id))


def test_an_edit_from_a_stale_form_is_refused(session, champion, admin, action, other_organisation):
    opened_at = action.version
    actions.edit_action(
        session,
        admin,
        action,
        data(description="Send it by Friday", owner_user_id=action.owner_user_id),
        expected_version=opened_at,
    )
    session.commit()
    with pytest.raises(StaleEditError):
        actions.edit_action(
            session,
            champion,
            action,
            data(owner_organisation_id=other_organisation.id),
            expected_version=opened_at,
        )
    session.rollback()
    assert action.description == "Send it by Friday" and action.owner_organisation_id is None


def test_the_owner_may_not_edit_what_the_action_says(session, guest, action):
    with pytest.raises(PermissionDenied):
        actions.edit_action(
            session, guest, action, data(owner_user_id=guest.id), expected_version=action.version
        )


# Progress.


def test_the_owner_notes_progress_and_moves_the_status(session, guest, action):
    update = actions.note_progress(
        session,
        guest,
        action,
        note="Draft sent to the secretariat.",
        status=ActionStatus.IN_PROGRESS,
        expected_version=action.version,
    )
    session.commit()
    assert action.status is ActionStatus.IN_PROGRESS and action.closed_at is None
    assert update.body == "Draft sent to the secretariat." and update.author_id == guest.id

    actions.note_progress(
        session, guest, action, note="", status=ActionStatus.DONE, expected_version=action.version
    )
    session.commit()
    assert action.status is ActionStatus.DONE and action.closed_at is not None
    assert [u.status for u in action.updates] == [ActionStatus.IN_PROGRESS, ActionStatus.DONE]


def test_a_note_alone_needs_no_fresh_version_but_a_move_does(session, guest, champion, action):
    opened_at = action.version
    actions.note_progress(session, champion, action, note="Chased by phone.", expected_version=0)
    session.commit()
    with pytest.raises(StaleEditError):
        actions.note_progress(
            session, guest, action, note="", status=ActionStatus.DROPPED, expected_version=opened_at
        )


def test_progress_needs_a_note_or_a_new_status(session, guest, action):
    with pytest.raises(ValidationError, match="Write what happened"):
        actions.note_progress(
            session, guest, action, note=" ", status=ActionStatus.OPEN, expected_version=1
        )


def test_a_closed_action_can_only_be_reopened(session, guest, action):
    actions.note_progress(
        session, guest, action, note="", status=ActionStatus.DROPPED, expected_version=1
    )
    session.commit()
    with pytest.raises(ValidationError, match="cannot become done"):
        actions.note_progress(
            session, guest, action, note="", status=ActionStatus.DONE, expected_version=2
        )
    session.rollback()
    actions.note_progress(
        session, guest, action, note="Revived.", status=ActionStatus.OPEN, expected_version=2
    )
    assert action.status is ActionStatus.OPEN and action.closed_at is None


def test_someone_else_may_not_note_progress(session, member, action):
    with pytest.raises(PermissionDenied):
        actions.note_progress(session, member, action, note="Me too", expected_version=1)


# Closing by the record that fulfils it.


def test_an_action_is_closed_by_a_published_case_study(
    session, app, guest, action, organisation, member
):
    case_study = make_case_study(
        session, organisation, title="Revenue turnaround", status=CaseStudyStatus.PUBLISHED
    )
    found = actions.close_with_record(
        session,
        guest,
        action,
        RecordRef("case_study", case_study.id),
        note="Written up.",
        expected_version=action.version,
    )
    session.commit()
    assert found.title == "Revenue turnaround" and found.kind == "Case study"
    # Outside a request (here) the address is absolute; in a request it is the path.
    assert found.url.endswith(f"/case-studies/{case_study.slug}")
    assert action.status is ActionStatus.DONE
    assert (action.fulfilled_by_type, action.fulfilled_by_id) == ("case_study", case_study.id)
    assert fulfilment_of(session, member, action) == found


def test_a_record_the_actor_may_not_see_or_that_is_missing_is_refused(
    session, app, guest, action, organisation
):
    draft = make_case_study(session, organisation, title="Still a draft")
    for ref in (
        RecordRef("case_study", draft.id),
        RecordRef("lesson", 999_999),
        RecordRef("no_such_type", 1),
        RecordRef("attachment", 999_999),
    ):
        with pytest.raises(ValidationError, match="does not exist, or you may not see it"):
            actions.close_with_record(session, guest, action, ref, expected_version=action.version)
        session.rollback()
    assert action.status is ActionStatus.OPEN and action.fulfilled_by_type == ""


def test_the_fulfilling_record_is_shown_only_to_those_who_may_see_it(
    session, app, champion, action, organisation, guest
):
    lesson = make_lesson(
        session,
        organisation,
        title="Bill correctly first",
        author=champion,
        status=LessonStatus.PUBLISHED,
    )
    actions.close_with_record(
        session,
        champion,
        action,
        RecordRef("lesson", lesson.id),
        expected_version=action.version,
    )
    session.commit()
    assert fulfilment_of(session, guest, action).title == "Bill correctly first"
    # The lesson is withdrawn to a draft later: its readers lose the link, its author keeps it.
    lesson.status = LessonStatus.DRAFT
    session.commit()
    assert fulfilment_of(session, guest, action) is None
    assert fulfilment_of(session, champion, action) is not None


def test_reopening_forgets_what_fulfilled_the_action(session, app, guest, action, organisation):
    case_study = make_case_study(session, organisation, status=CaseStudyStatus.PUBLISHED)
    actions.close_with_record(
        session, guest, action, RecordRef("case_study", case_study.id), expected_version=1
    )
    session.commit()
    actions.note_progress(
        session,
        guest,
        action,
        note="Not what was asked.",
        status=ActionStatus.OPEN,
        expected_version=action.version,
    )
    assert (action.fulfilled_by_type, action.fulfilled_by_id) == ("", None)


# Finding a record by the address of its page.


def test_a_pasted_hub_address_names_its_record(session, app, organisation, member):
    case_study = make_case_study(session, organisation, status=CaseStudyStatus.PUBLISHED)
    lesson = make_lesson(session, organisation, status=LessonStatus.PUBLISHED)
    member.profile_visibility = ProfileVisibility.PUBLIC
    session.commit()
    assert ref_from_address(
        session, f"http://hub.test/case-studies/{case_study.slug}?tab=lessons#top"
    ) == RecordRef("case_study", case_study.id)
    assert ref_from_address(session, f"/lessons/{lesson.id}") == RecordRef("lesson", lesson.id)
    assert ref_from_address(session, f"/people/{member.id}") == RecordRef("profile", member.id)
    assert ref_from_address(session, "/attachments/7/plan.pdf") == RecordRef("attachment", 7)
    for elsewhere in (
        f"https://evil.example.org/case-studies/{case_study.slug}",
        "javascript:alert(1)",
        "/case-studies/no-such-case-study",
        "/meetings/actions/",
        "case-studies",
        "",
    ):
        assert ref_from_address(session, elsewhere) is None, elsewhere


def test_find_record_applies_the_areas_own_permission(session, app, organisation, member):
    hidden = factories.make_user(session, name="Hidden Person", organisation=organisation)
    assert find_record(session, member, RecordRef("profile", hidden.id)) is None
    assert find_record(session, member, RecordRef("profile", member.id)).title == member.name
