"""Minutes: started after the meeting, revised, circulated for comment, approved — services and
pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kmrg.events import minutes as minutes_services
from kmrg.events.models import Meeting, MeetingStatus, MeetingVisibility, Minutes, MinutesStatus
from kmrg.events.services import change_meeting_status
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.mail.models import MailMessage
from kmrg.models import StaleEditError
from tests.events.conftest import invite
from tests.factories import post


def text_of(response) -> str:
    return response.get_data(as_text=True)


def fresh(session, meeting: Meeting) -> Meeting:
    session.rollback()
    session.expire_all()
    return session.get(Meeting, meeting.id)


@pytest.fixture
def held(make_meeting, session, member, guest) -> Meeting:
    """A held meeting that the member attended and the guest was invited to."""
    meeting = make_meeting(title="KMRG meeting in Cape Town", status=MeetingStatus.HELD)
    invite(session, meeting, member, attended=True)
    invite(session, meeting, guest)
    return meeting


def drafted(session, champion, meeting: Meeting, *bodies: str) -> Minutes:
    """Start the meeting's minutes and save each body in turn; commit."""
    record = minutes_services.start_minutes(session, champion, meeting)
    for body in bodies:
        minutes_services.save_minutes(
            session, champion, record, body, expected_version=record.version
        )
    session.commit()
    return record


def circulated(session, champion, meeting: Meeting) -> Minutes:
    record = drafted(session, champion, meeting, "The group agreed to meet in **Tshwane**.")
    minutes_services.circulate_minutes(session, champion, record, expected_version=record.version)
    session.commit()
    return record


# Services


def test_starting_the_minutes_puts_the_meeting_in_minutes_draft(session, champion, held):
    record = minutes_services.start_minutes(session, champion, held)
    session.commit()
    assert record.status is MinutesStatus.DRAFT and record.body == ""
    assert fresh(session, held).status is MeetingStatus.MINUTES_DRAFT
    with pytest.raises(ValidationError, match="started already"):
        minutes_services.start_minutes(session, champion, fresh(session, held))


def test_minutes_wait_until_the_meeting_is_held(session, champion, meeting):
    with pytest.raises(PermissionDenied):
        minutes_services.start_minutes(session, champion, meeting)


def test_every_save_is_a_numbered_revision(session, champion, admin, held):
    record = drafted(session, champion, held, "First draft.")
    revision = minutes_services.save_minutes(
        session, admin, record, "First draft, corrected.", expected_version=record.version
    )
    session.commit()
    assert revision.number == 2 and revision.editor_id == admin.id
    assert [r.body for r in record.revisions] == ["First draft.", "First draft, corrected."]
    assert record.body_html == "<p>First draft, corrected.</p>"
    unchanged = minutes_services.save_minutes(
        session, admin, record, "First draft, corrected.\r\n", expected_version=record.version
    )
    assert unchanged is None


def test_a_stale_save_is_refused(session, champion, held):
    record = drafted(session, champion, held, "First draft.")
    opened_at = record.version
    minutes_services.save_minutes(session, champion, record, "Theirs.", expected_version=opened_at)
    session.commit()
    with pytest.raises(StaleEditError):
        minutes_services.save_minutes(
            session, champion, record, "Mine.", expected_version=opened_at
        )
    assert record.body == "Theirs."


def test_circulating_emails_the_participants_with_accounts(session, champion, held, member, guest):
    record = drafted(session, champion, held, "Draft.")
    told = minutes_services.circulate_minutes(
        session, champion, record, expected_version=record.version
    )
    session.commit()
    assert told == 2
    assert record.status is MinutesStatus.CIRCULATED and record.circulated_at is not None
    messages = session.scalars(select(MailMessage).order_by(MailMessage.recipient)).all()
    assert sorted(m.recipient for m in messages) == sorted([member.email, guest.email])
    assert all(m.subject == "Minutes for comment: KMRG meeting in Cape Town" for m in messages)
    assert f"http://hub.test/meetings/{held.slug}/minutes" in messages[0].body


def test_empty_minutes_are_not_circulated(session, champion, held):
    record = drafted(session, champion, held)
    with pytest.raises(ValidationError, match="Write the minutes"):
        minutes_services.circulate_minutes(
            session, champion, record, expected_version=record.version
        )


def test_participants_comment_while_circulated(session, champion, held, member, outsider_champion):
    record = circulated(session, champion, held)
    comment = minutes_services.comment_on_minutes(session, member, record, "Add *Tshwane's* offer.")
    session.commit()
    assert comment.body_html == "<p>Add <em>Tshwane's</em> offer.</p>"
    with pytest.raises(PermissionDenied):
        minutes_services.comment_on_minutes(session, outsider_champion, record, "Me too.")
    with pytest.raises(ValidationError, match="Write your comment"):
        minutes_services.comment_on_minutes(session, member, record, "   ")


def test_approval_makes_the_minutes_read_only_and_the_meeting_minutes_approved(
    session, champion, admin, held
):
    record = circulated(session, champion, held)
    minutes_services.approve_minutes(session, admin, record, expected_version=record.version)
    session.commit()
    assert record.status is MinutesStatus.APPROVED
    assert record.approved_by_id == admin.id and record.approved_at is not None
    assert fresh(session, held).status is MeetingStatus.MINUTES_APPROVED
    record = fresh(session, held).minutes
    with pytest.raises(PermissionDenied):
        minutes_services.save_minutes(
            session, admin, record, "Rewritten.", expected_version=record.version
        )


def test_started_minutes_lead_the_meetings_status(session, client_as, champion, held):
    record = drafted(session, champion, held, "Draft.")
    meeting = fresh(session, held)
    for status in (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED):
        with pytest.raises(ValidationError, match="minutes"):
            change_meeting_status(
                session, champion, meeting, status, expected_version=meeting.version
            )
        session.rollback()
    page = text_of(client_as(champion).get(f"/meetings/{held.slug}"))
    assert 'value="minutes_approved"' not in page and 'value="held"' not in page
    assert fresh(session, held).minutes.id == record.id


def test_without_minutes_the_meeting_moves_freely(session, champion, make_meeting):
    meeting = make_meeting(status=MeetingStatus.MINUTES_DRAFT)
    change_meeting_status(
        session, champion, meeting, MeetingStatus.MINUTES_APPROVED, expected_version=meeting.version
    )
    session.commit()
    assert fresh(session, meeting).status is MeetingStatus.MINUTES_APPROVED


def test_sending_back_to_draft_allows_editing_again(session, champion, held):
    record = circulated(session, champion, held)
    minutes_services.return_minutes_to_draft(
        session, champion, record, expected_version=record.version
    )
    session.commit()
    assert record.status is MinutesStatus.DRAFT and record.circulated_at is None
    assert minutes_services.save_minutes(
        session, champion, record, "Better.", expected_version=record.version
    )


def test_a_step_from_an_old_page_is_refused(session, champion, held):
    record = circulated(session, champion, held)
    with pytest.raises(StaleEditError):
        minutes_services.approve_minutes(
            session, champion, record, expected_version=record.version - 1
        )


# Pages


def test_an_organiser_writes_circulates_and_approves_the_minutes(
    session, client_as, champion, admin, held, member
):
    client = client_as(champion)
    page = text_of(client.get(f"/meetings/{held.slug}"))
    assert "Nobody has started the minutes yet." in page
    response = post(client, f"/meetings/{held.slug}/minutes/start", {"version": str(held.version)})
    assert response.location.endswith(f"/meetings/{held.slug}/minutes/edit")
    page = text_of(client.get(response.location))
    assert "The minutes are started" in page

    record = fresh(session, held).minutes
    response = post(
        client,
        f"/meetings/{held.slug}/minutes/edit",
        {"body": "## Session 1\n\nThe group met in Cape Town.", "version": str(record.version)},
    )
    page = text_of(client.get(response.location))
    assert "The minutes are saved as revision 1." in page
    assert "<h2>Session 1</h2>" in page
    assert "Only the meeting's organisers see draft minutes" in page
    # Draft minutes are not the participants' yet.
    assert client_as(member).get(f"/meetings/{held.slug}/minutes").status_code == 404

    record = fresh(session, held).minutes
    response = post(
        client, f"/meetings/{held.slug}/minutes/circulate", {"version": str(record.version)}
    )
    page = text_of(client.get(response.location))
    assert "The minutes are circulated for comment; 2 participants were e-mailed a link." in page

    member_client = client_as(member)
    page = text_of(member_client.get(f"/meetings/{held.slug}/minutes"))
    assert "The group met in Cape Town." in page and "Add my comment" in page
    response = post(
        member_client, f"/meetings/{held.slug}/minutes/comments", {"body": "Name the venue."}
    )
    page = text_of(member_client.get(response.location))
    assert "Your comment is added." in page
    assert "Name the venue." in page and "Sipho Member" in page

    record = fresh(session, held).minutes
    response = post(
        client_as(admin),
        f"/meetings/{held.slug}/minutes/approve",
        {"version": str(record.version)},
    )
    page = text_of(client.get(response.location))
    assert "Approved minutes can no longer be changed." in page
    assert "Edit the minutes" not in page
    meeting_page = text_of(client.get(f"/meetings/{held.slug}"))
    assert "Minutes approved" in meeting_page and "Read the minutes" in meeting_page


def test_a_double_clicked_approval_says_so(session, client_as, champion, held):
    record = circulated(session, champion, held)
    client = client_as(champion)
    version = str(record.version)
    post(client, f"/meetings/{held.slug}/minutes/approve", {"version": version})
    response = post(client, f"/meetings/{held.slug}/minutes/approve", {"version": version})
    page = text_of(client.get(response.location))
    assert "they are now approved" in page and "nothing was done" in page


def test_a_stale_edit_keeps_the_typed_text_and_says_why(session, client_as, champion, held):
    record = drafted(session, champion, held, "Theirs.")
    old_version = record.version - 1
    response = post(
        client_as(champion),
        f"/meetings/{held.slug}/minutes/edit",
        {"body": "My own words.", "version": str(old_version)},
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "your changes were NOT saved" in page
    assert "My own words." in page
    assert fresh(session, held).minutes.body == "Theirs."


def test_the_history_compares_revisions(session, client_as, champion, held, member):
    drafted(session, champion, held, "The group met in Cape Town.", "The group met in Tshwane.")
    client = client_as(champion)
    page = text_of(client.get(f"/meetings/{held.slug}/minutes/history?from=1&to=2"))
    assert "Changes from revision 1 to revision 2" in page
    assert "<del>Cape Town.</del>" in page and "<ins>Tshwane.</ins>" in page
    assert "Thandi Champion" in page
    assert client.get(f"/meetings/{held.slug}/minutes/history?from=1&to=9").status_code == 404
    # Drafts' history is the organisers'.
    circulated_record = fresh(session, held).minutes
    minutes_services.circulate_minutes(
        session, champion, circulated_record, expected_version=circulated_record.version
    )
    session.commit()
    assert client_as(member).get(f"/meetings/{held.slug}/minutes/history").status_code == 404


def test_approved_minutes_are_read_by_whoever_sees_the_meeting(
    session, client_as, client, champion, make_meeting
):
    public = make_meeting(status=MeetingStatus.HELD, visibility=MeetingVisibility.PUBLIC)
    record = circulated(session, champion, public)
    assert client.get(f"/meetings/{public.slug}/minutes").status_code == 404
    minutes_services.approve_minutes(session, champion, record, expected_version=record.version)
    session.commit()
    page = text_of(client.get(f"/meetings/{public.slug}/minutes"))
    assert "The group agreed to meet in <strong>Tshwane</strong>." in page
    assert "Add my comment" not in page


def minutes_posts(meeting: Meeting, version: int) -> list[tuple[str, dict]]:
    base = f"/meetings/{meeting.slug}/minutes"
    return [
        (f"{base}/start", {"version": str(version)}),
        (f"{base}/edit", {"body": "Changed.", "version": str(version)}),
        (f"{base}/circulate", {"version": str(version)}),
        (f"{base}/approve", {"version": str(version)}),
        (f"{base}/return", {"version": str(version)}),
        (f"{base}/comments", {"body": "A comment."}),
    ]


def test_every_minutes_post_needs_signing_in(client, session, champion, held):
    record = circulated(session, champion, held)
    for url, data in minutes_posts(held, record.version):
        response = post(client, url, data)
        assert response.status_code == 302 and "/login" in response.location, url


@pytest.mark.parametrize("status", [MinutesStatus.DRAFT, MinutesStatus.CIRCULATED])
def test_minutes_steps_are_refused_to_a_participant(
    session, client_as, champion, held, member, status
):
    record = circulated(session, champion, held)
    if status is MinutesStatus.DRAFT:
        minutes_services.return_minutes_to_draft(
            session, champion, record, expected_version=record.version
        )
        session.commit()
    client = client_as(member)
    refused = [url for url, _ in minutes_posts(held, record.version)]
    for url, data in minutes_posts(held, record.version)[1:-1]:
        expected = 404 if status is MinutesStatus.DRAFT else 403
        assert post(client, url, data).status_code == expected, url
    # Starting is refused on the meeting itself; commenting only outside circulation.
    assert post(client, refused[0], {"version": "1"}).status_code == 403
    comment_status = post(client, refused[-1], {"body": "Hi"}).status_code
    assert comment_status == (404 if status is MinutesStatus.DRAFT else 302)
    assert fresh(session, held).minutes.status is status


def test_minutes_of_an_invited_only_meeting_are_404_to_outsiders(
    session, client_as, champion, make_meeting, outsider_champion
):
    hidden = make_meeting(status=MeetingStatus.HELD, visibility=MeetingVisibility.INVITED)
    record = circulated(session, champion, hidden)
    client = client_as(outsider_champion)
    for url, data in minutes_posts(hidden, record.version):
        assert post(client, url, data).status_code == 404, url
    assert client.get(f"/meetings/{hidden.slug}/minutes").status_code == 404
