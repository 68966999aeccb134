"""The meetings' write side, called directly: series, meetings, stale edits and statuses."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.events import services
from kmrg.events.models import Meeting, MeetingStatus, MeetingVisibility
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.localtime import local_today
from kmrg.models import StaleEditError
from tests.events.conftest import meeting_data, record_meeting


def actions_logged(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# Series


def test_an_admin_starts_a_series_with_a_slug_and_rendered_description(session, admin):
    series = services.create_series(
        session, admin, services.SeriesData(title="KMRG quarterly", description="*Each* quarter")
    )
    session.commit()
    assert series.slug == "kmrg-quarterly"
    assert series.description_html == "<p><em>Each</em> quarter</p>"
    assert "meeting_series.created" in actions_logged(session)


@pytest.mark.parametrize("role", ["champion", "member"])
def test_only_admins_start_a_series(request, session, role):
    with pytest.raises(PermissionDenied):
        services.create_series(
            session, request.getfixturevalue(role), services.SeriesData(title="Mine")
        )


def test_a_series_needs_a_title(session, admin):
    with pytest.raises(ValidationError) as refused:
        services.create_series(session, admin, services.SeriesData(title="  "))
    assert refused.value.field == "title"


def test_a_stale_series_edit_is_refused(session, admin, series):
    opened = series.version
    services.update_series(
        session, admin, series, services.SeriesData(title="Renamed"), expected_version=opened
    )
    session.commit()
    with pytest.raises(StaleEditError):
        services.update_series(
            session, admin, series, services.SeriesData(title="Mine"), expected_version=opened
        )
    assert series.title == "Renamed"


# Meetings


def test_a_champion_records_a_meeting(session, champion, series, organisation):
    meeting = services.create_meeting(
        session,
        champion,
        series,
        meeting_data(
            title="Meeting in East London",
            day=date(2031, 3, 4),
            host=organisation,
            aims="  First aim \n\n Second aim  ",
            notes="**Bring** the plan.",
        ),
    )
    session.commit()
    assert meeting.slug == "meeting-in-east-london"
    assert meeting.status is MeetingStatus.PLANNED
    assert meeting.created_by_id == champion.id
    assert meeting.host_organisation_id == organisation.id
    # 09:00 SAST is 07:00 UTC.
    assert meeting.starts_at.hour == 7
    assert meeting.aim_list == ["First aim", "Second aim"]
    assert meeting.notes_html == "<p><strong>Bring</strong> the plan.</p>"
    assert "meeting.created" in actions_logged(session)


def test_members_do_not_record_meetings(session, member, series):
    with pytest.raises(PermissionDenied):
        services.create_meeting(session, member, series, meeting_data())


def test_a_meeting_slug_never_takes_a_word_the_urls_use(session, champion, series):
    meeting = services.create_meeting(session, champion, series, meeting_data(title="Series"))
    session.commit()
    assert meeting.slug != "series"


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"title": " "}, "title"),
        ({"starts": time(16, 0), "ends": time(9, 0)}, "ends_on"),
        ({"days": 15}, "ends_on"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
    ],
)
def test_bad_meeting_details_are_refused_and_nothing_is_saved(
    session, champion, series, details, field
):
    with pytest.raises(ValidationError) as refused:
        services.create_meeting(session, champion, series, meeting_data(**details))
    assert refused.value.field == field
    session.rollback()
    assert session.scalars(select(Meeting)).all() == []


def test_an_organiser_edits_a_meeting_and_a_stale_edit_is_refused(
    session, champion, admin, meeting
):
    opened = meeting.version
    services.update_meeting(
        session, admin, meeting, meeting_data(title="Moved to Cape Town"), expected_version=opened
    )
    session.commit()
    with pytest.raises(StaleEditError):
        services.update_meeting(
            session, champion, meeting, meeting_data(title="Mine"), expected_version=opened
        )
    assert meeting.title == "Moved to Cape Town"


@pytest.mark.parametrize("role", ["member", "outsider_champion"])
def test_people_who_do_not_organise_it_cannot_edit_a_meeting(request, session, meeting, role):
    with pytest.raises(PermissionDenied):
        services.update_meeting(
            session,
            request.getfixturevalue(role),
            meeting,
            meeting_data(title="Mine"),
            expected_version=meeting.version,
        )


# Statuses

PAST = local_today() - timedelta(days=3)
FUTURE = local_today() + timedelta(days=3)


@pytest.mark.parametrize(
    ("start", "day", "target", "allowed"),
    [
        (MeetingStatus.PLANNED, PAST, MeetingStatus.HELD, True),
        (MeetingStatus.PLANNED, FUTURE, MeetingStatus.HELD, False),  # not yet started
        (MeetingStatus.PLANNED, FUTURE, MeetingStatus.CANCELLED, True),
        (MeetingStatus.PLANNED, PAST, MeetingStatus.MINUTES_DRAFT, False),
        (MeetingStatus.PLANNED, PAST, MeetingStatus.MINUTES_APPROVED, False),
        (MeetingStatus.HELD, PAST, MeetingStatus.MINUTES_DRAFT, True),
        (MeetingStatus.HELD, PAST, MeetingStatus.PLANNED, True),
        (MeetingStatus.HELD, PAST, MeetingStatus.MINUTES_APPROVED, False),
        (MeetingStatus.HELD, PAST, MeetingStatus.CANCELLED, False),
        (MeetingStatus.MINUTES_DRAFT, PAST, MeetingStatus.MINUTES_APPROVED, True),
        (MeetingStatus.MINUTES_DRAFT, PAST, MeetingStatus.HELD, True),
        (MeetingStatus.MINUTES_DRAFT, PAST, MeetingStatus.CANCELLED, False),
        (MeetingStatus.MINUTES_APPROVED, PAST, MeetingStatus.MINUTES_DRAFT, False),
        (MeetingStatus.MINUTES_APPROVED, PAST, MeetingStatus.CANCELLED, False),
        (MeetingStatus.CANCELLED, FUTURE, MeetingStatus.PLANNED, True),
        (MeetingStatus.CANCELLED, FUTURE, MeetingStatus.HELD, False),
    ],
)
def test_status_transitions(session, champion, series, start, day, target, allowed):
    meeting = record_meeting(session, champion, series, status=start, day=day)
    if allowed:
        services.change_meeting_status(
            session, champion, meeting, target, expected_version=meeting.version
        )
        session.commit()
        assert meeting.status is target
    else:
        with pytest.raises(ValidationError):
            services.change_meeting_status(
                session, champion, meeting, target, expected_version=meeting.version
            )
        assert meeting.status is start


def test_a_status_change_from_a_stale_page_is_refused(session, champion, admin, series):
    meeting = record_meeting(session, champion, series, day=PAST)
    opened = meeting.version
    services.change_meeting_status(
        session, admin, meeting, MeetingStatus.HELD, expected_version=opened
    )
    session.commit()
    with pytest.raises(StaleEditError):
        services.change_meeting_status(
            session, champion, meeting, MeetingStatus.MINUTES_DRAFT, expected_version=opened
        )
    assert meeting.status is MeetingStatus.HELD


def test_only_organisers_change_a_status(session, member, meeting):
    with pytest.raises(PermissionDenied):
        services.change_meeting_status(
            session, member, meeting, MeetingStatus.CANCELLED, expected_version=meeting.version
        )


# Publishing an imported draft


def test_publishing_a_draft_makes_it_visible_and_twice_changes_nothing(
    session, champion, make_meeting
):
    meeting = make_meeting(is_draft=True, visibility=MeetingVisibility.PUBLIC)
    services.publish_meeting(session, champion, meeting, expected_version=meeting.version)
    session.commit()
    assert meeting.is_draft is False
    version = meeting.version
    services.publish_meeting(session, champion, meeting, expected_version=version)
    session.commit()
    assert meeting.version == version
    assert actions_logged(session).count("meeting.published") == 1


def test_only_organisers_publish_a_draft(session, outsider_champion, make_meeting):
    meeting = make_meeting(is_draft=True)
    with pytest.raises(PermissionDenied):
        services.publish_meeting(
            session, outsider_champion, meeting, expected_version=meeting.version
        )
