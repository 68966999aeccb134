"""Invitations, answers, the register and certificates: the services and the pages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from kmrg.auth.models import AccountStatus, ProfileVisibility
from kmrg.events import attendance
from kmrg.events.models import Meeting, MeetingStatus, MeetingVisibility, Participant, Rsvp
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.localtime import local_today
from kmrg.mail.models import MailMessage
from kmrg.organisations.models import Organisation
from tests import factories
from tests.events.conftest import invite
from tests.factories import post


def text_of(response) -> str:
    return response.get_data(as_text=True)


def fresh(session, meeting: Meeting) -> Meeting:
    # End the test's own read transaction, then read what the requests committed.
    session.rollback()
    session.expire_all()
    return session.get(Meeting, meeting.id)


def mail_to(session, address: str) -> list[MailMessage]:
    session.rollback()
    return list(session.scalars(select(MailMessage).where(MailMessage.recipient == address)))


@pytest.fixture
def today_meeting(make_meeting) -> Meeting:
    """A planned meeting taking place today, so the register is open."""
    return make_meeting(title="KMRG meeting today", day=local_today())


# Services


def test_inviting_members_lists_them_and_queues_an_email_each(
    session, champion, meeting, member, guest
):
    invited = attendance.invite_members(session, champion, meeting, [member, guest, member])
    session.commit()
    assert {p.user_id for p in invited} == {member.id, guest.id}
    assert all(p.is_invited and p.invited_at and p.rsvp is Rsvp.PENDING for p in invited)
    assert guest.organisation_id in {p.organisation_id for p in invited}
    [message] = mail_to(session, guest.email)
    assert message.subject == f"Invitation: {meeting.title}"
    assert "Dear Zanele Guest" in message.body
    assert "hosted by Buffalo City Metropolitan Municipality" in message.body
    assert "from 09:00 SAST" in message.body
    assert f"http://hub.test/meetings/{meeting.slug}" in message.body
    assert len(mail_to(session, member.email)) == 1


def test_inviting_someone_twice_sends_one_invitation(session, champion, meeting, member):
    attendance.invite_members(session, champion, meeting, [member])
    session.commit()
    assert attendance.invite_members(session, champion, meeting, [member]) == []
    session.commit()
    assert len(mail_to(session, member.email)) == 1


def test_only_organisers_invite_and_only_active_people(session, meeting, member, guest, applicant):
    with pytest.raises(PermissionDenied):
        attendance.invite_members(session, member, meeting, [guest])
    session.rollback()
    with pytest.raises(ValidationError, match="active account"):
        attendance.invite_members(session, meeting.created_by, meeting, [applicant])


def test_inviting_an_organisation_invites_its_active_people_not_yet_invited(
    session, champion, meeting, guest, other_organisation
):
    colleague = factories.make_user(
        session, name="Ayesha Colleague", organisation=other_organisation
    )
    factories.make_user(
        session,
        name="Pending Person",
        organisation=other_organisation,
        status=AccountStatus.PENDING,
    )
    invite(session, meeting, guest)
    invited = attendance.invite_organisation(session, champion, meeting, other_organisation)
    session.commit()
    assert [p.user_id for p in invited] == [colleague.id]
    with pytest.raises(ValidationError, match="invited already"):
        attendance.invite_organisation(session, champion, meeting, other_organisation)


def test_a_guest_is_invited_by_name_without_email(session, champion, meeting):
    participant = attendance.invite_guest(
        session, champion, meeting, attendance.Guest("  Prof.  Ivan  Turok ", "HSRC")
    )
    session.commit()
    assert (participant.guest_name, participant.guest_organisation) == ("Prof. Ivan Turok", "HSRC")
    assert participant.user_id is None and participant.is_invited
    assert session.scalars(select(MailMessage)).all() == []
    with pytest.raises(ValidationError, match="on the list already"):
        attendance.invite_guest(session, champion, meeting, attendance.Guest("prof. ivan turok"))


def test_invitations_stop_once_the_meeting_is_held(session, champion, make_meeting, member):
    held = make_meeting(status=MeetingStatus.HELD)
    with pytest.raises(PermissionDenied):
        attendance.invite_members(session, champion, held, [member])


def test_an_invited_member_answers_while_the_meeting_is_planned(session, champion, meeting, member):
    invite(session, meeting, member)
    attendance.answer_invitation(session, member, meeting, Rsvp.MAYBE)
    session.commit()
    summary = attendance.summarise_attendance(fresh(session, meeting))
    assert summary.invited == 1 and summary.answers[Rsvp.MAYBE] == 1
    with pytest.raises(PermissionDenied):
        attendance.answer_invitation(session, champion, meeting, Rsvp.YES)


def test_the_register_ticks_who_came_and_adds_walk_ins(
    session, champion, today_meeting, member, guest, admin
):
    invite(session, today_meeting, member)
    invite(session, today_meeting, guest)
    listed = {p.user_id: p.id for p in today_meeting.participants}
    assert attendance.take_register(session, champion, today_meeting, {listed[member.id]}) == 1
    attendance.add_walk_in_member(session, champion, today_meeting, admin)
    attendance.add_walk_in_guest(
        session, champion, today_meeting, attendance.Guest("Kubeshni Govender-Jones", "Facilitator")
    )
    session.commit()
    meeting = fresh(session, today_meeting)
    came = attendance.attendees(meeting)
    assert [p.user_id for p in came] == [member.id, admin.id, None]
    assert came[-1].guest_name == "Kubeshni Govender-Jones" and not came[-1].is_invited
    assert attendance.summarise_attendance(meeting).attended == 3
    with pytest.raises(ValidationError, match="no longer on the list"):
        attendance.take_register(session, champion, meeting, {999_999})


def test_no_register_before_the_meeting_day(session, champion, meeting, member):
    invite(session, meeting, member)
    with pytest.raises(PermissionDenied):
        attendance.take_register(session, champion, meeting, {meeting.participants[0].id})


def test_someone_the_register_says_came_stays_on_the_list(session, champion, today_meeting, member):
    invite(session, today_meeting, member, attended=True)
    with pytest.raises(ValidationError, match="untick them"):
        attendance.remove_participant(session, champion, today_meeting.participants[0])


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "expected"),
    [
        ("2008-02-07T07:00", "2008-02-07T14:00", "7 February 2008"),
        ("2008-02-07T07:00", "2008-02-08T11:00", "7 and 8 February 2008"),
        ("2008-03-03T07:00", "2008-03-05T11:00", "3 to 5 March 2008"),
        ("2008-06-30T07:00", "2008-07-02T11:00", "30 June to 2 July 2008"),
        ("2008-12-31T07:00", "2009-01-01T11:00", "31 December 2008 to 1 January 2009"),
        # 23:30 UTC is already the next day in South Africa.
        ("2008-02-06T23:30", "2008-02-07T08:00", "7 February 2008"),
    ],
)
def test_meeting_days_are_said_in_south_african_time(starts_at, ends_at, expected):
    from datetime import UTC, datetime

    def utc(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    assert attendance.format_meeting_days(utc(starts_at), utc(ends_at)) == expected


# Pages: invitations and answers


def test_an_organiser_invites_people_from_the_attendance_page(
    session, client_as, champion, meeting, member, guest, other_organisation
):
    client = client_as(champion)
    page = text_of(client.get(f"/meetings/{meeting.slug}/attendance"))
    assert "Invitations to “Quarterly meeting in Buffalo City”" in page
    assert "Nobody is invited yet." in page
    assert f'value="{guest.id}"' in page and "Msunduzi Local Municipality" in page

    response = post(
        client, f"/meetings/{meeting.slug}/invitations/members", {"people": [str(guest.id)]}
    )
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "1 person invited." in page
    assert "Zanele Guest</a>, Msunduzi Local Municipality" in page
    assert "Not answered" in page
    assert len(mail_to(session, guest.email)) == 1

    response = post(
        client,
        f"/meetings/{meeting.slug}/invitations/guest",
        {"guest_name": "Sithole Mbanga", "guest_organisation": "SACN"},
    )
    page = text_of(client.get(response.location))
    assert "Sithole Mbanga is on the invitation list." in page
    assert "Sithole Mbanga, SACN" in page
    assert "2 invited: 0 attending" in page


def test_hidden_profiles_are_not_listed_by_name_but_come_with_their_organisation(
    session, client_as, champion, meeting, other_organisation
):
    hidden = factories.make_user(
        session,
        name="Hlengiwe Hidden",
        organisation=other_organisation,
        profile_visibility=ProfileVisibility.HIDDEN,
    )
    client = client_as(champion)
    assert "Hlengiwe Hidden" not in text_of(client.get(f"/meetings/{meeting.slug}/attendance"))
    response = post(
        client, f"/meetings/{meeting.slug}/invitations/members", {"people": [str(hidden.id)]}
    )
    assert response.status_code == 400
    assert "Choose people from the list." in text_of(response)
    response = post(
        client, f"/meetings/{meeting.slug}/invitations/organisation", {"organisation": "KZN225"}
    )
    page = text_of(client.get(response.location))
    assert "1 person invited." in page
    assert "Hlengiwe Hidden" not in page
    assert "A member of the network" in page
    assert len(mail_to(session, hidden.email)) == 1


def test_bad_invitations_say_why_and_save_nothing(session, client_as, champion, meeting):
    client = client_as(champion)
    response = post(client, f"/meetings/{meeting.slug}/invitations/guest", {"guest_name": " "})
    assert response.status_code == 400
    assert "This field is required." in text_of(response)
    response = post(
        client, f"/meetings/{meeting.slug}/invitations/organisation", {"organisation": "NOPE"}
    )
    assert response.status_code == 400
    assert "Not a valid choice." in text_of(response)
    assert fresh(session, meeting).participants == []


def test_an_invited_member_answers_on_the_meeting_page(session, client_as, meeting, member):
    invite(session, meeting, member)
    client = client_as(member)
    page = text_of(client.get(f"/meetings/{meeting.slug}"))
    assert "You are invited. Will you attend?" in page
    response = post(client, f"/meetings/{meeting.slug}/rsvp", {"answer": "yes"})
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Your answer is saved: attending." in page
    assert "Your answer so far: attending." in page
    assert fresh(session, meeting).participants[0].rsvp is Rsvp.YES


def test_an_answer_must_be_chosen(session, client_as, meeting, member):
    invite(session, meeting, member)
    client = client_as(member)
    response = post(client, f"/meetings/{meeting.slug}/rsvp", {"answer": "pending"})
    assert "Choose whether you will attend." in text_of(client.get(response.location))
    assert fresh(session, meeting).participants[0].rsvp is Rsvp.PENDING


def test_organisers_see_the_counts_on_the_meeting_page(
    session, client_as, champion, meeting, member
):
    invite(session, meeting, member)
    attendance.answer_invitation(session, member, meeting, Rsvp.NO)
    session.commit()
    page = text_of(client_as(champion).get(f"/meetings/{meeting.slug}"))
    assert "1 invited: 0 attending, 0 maybe, 1 not attending, 0 not answered." in page
    assert "Take the register" not in page  # not before the day
    assert "1 invited" not in text_of(client_as(member).get(f"/meetings/{meeting.slug}"))


# Pages: the register and certificates


def test_the_register_on_the_day(session, client_as, champion, today_meeting, member, guest):
    invite(session, today_meeting, member)
    invite(session, today_meeting, guest)
    client = client_as(champion)
    assert "Take the register" in text_of(client.get(f"/meetings/{today_meeting.slug}"))
    page = text_of(client.get(f"/meetings/{today_meeting.slug}/register"))
    assert "Tick everyone who attended" in page
    member_entry = next(p for p in today_meeting.participants if p.user_id == member.id)

    response = post(
        client, f"/meetings/{today_meeting.slug}/register", {"attended": [str(member_entry.id)]}
    )
    assert response.status_code == 302
    assert "The register is saved: 1 attended." in text_of(client.get(response.location))
    response = post(
        client,
        f"/meetings/{today_meeting.slug}/register/guest",
        {"guest_name": "Bongani Matomela", "guest_organisation": "DPSA"},
    )
    assert "Bongani Matomela is registered as present." in text_of(client.get(response.location))

    page = text_of(client_as(guest).get(f"/meetings/{today_meeting.slug}"))
    assert "Who attended (2)" in page
    assert "Sipho Member</a>, Buffalo City Metropolitan Municipality" in page
    assert "Bongani Matomela, DPSA" in page
    assert "your certificate" not in page  # the guest member did not come


def test_a_walk_in_member_is_chosen_from_the_list(
    session, client_as, champion, today_meeting, guest
):
    client = client_as(champion)
    response = post(
        client, f"/meetings/{today_meeting.slug}/register/member", {"person": str(guest.id)}
    )
    assert "Zanele Guest is registered as present." in text_of(client.get(response.location))
    [entry] = fresh(session, today_meeting).participants
    assert entry.attended and not entry.is_invited
    response = post(client, f"/meetings/{today_meeting.slug}/register/member", {"person": "0"})
    assert response.status_code == 400
    assert "Choose a person from the list." in text_of(response)


@pytest.fixture
def attended_meeting(session, make_meeting, member, guest, admin) -> Meeting:
    """A held public meeting of a series convened by SALGA, which the member attended."""
    salga = factories.make_organisation(session, code="SALGA", name="SALGA")
    meeting = make_meeting(
        title="KMRG meeting in Buffalo City",
        day=date(2008, 2, 7),
        days=2,
        status=MeetingStatus.HELD,
        visibility=MeetingVisibility.PUBLIC,
    )
    meeting.series.organisation_id = salga.id
    session.commit()
    invite(session, meeting, member, attended=True)
    invite(session, meeting, guest, attended=False)
    return meeting


def certificate_url(meeting: Meeting, user) -> str:
    participant = next(p for p in meeting.participants if p.user_id == user.id)
    return f"/meetings/{meeting.slug}/certificate/{participant.id}"


def test_an_attendee_prints_their_certificate(client_as, attended_meeting, member):
    client = client_as(member)
    meeting_page = text_of(client.get(f"/meetings/{attended_meeting.slug}"))
    url = certificate_url(attended_meeting, member)
    assert f'href="{url}"' in meeting_page
    response = client.get(url)
    assert response.status_code == 200
    page = text_of(response)
    assert "Certificate of attendance" in page
    assert '<h1 id="certificate-name">Sipho Member</h1>' in page
    assert "Buffalo City Metropolitan Municipality" in page
    assert "KMRG meeting in Buffalo City" in page
    assert "on 7 and 8 February 2008, hosted by Buffalo City Metropolitan Municipality" in page
    assert "Issued by SALGA" in page
    assert "css/certificate.css" in page


@pytest.mark.parametrize(
    ("viewer", "whose", "status"),
    [
        ("member", "member", 200),
        ("champion", "member", 200),
        ("admin", "member", 200),
        ("guest", "member", 404),  # another participant
        ("outsider_champion", "member", 404),
        ("guest", "guest", 404),  # on the list but did not come
        ("champion", "guest", 404),
    ],
)
def test_who_may_open_a_certificate(request, client_as, attended_meeting, viewer, whose, status):
    url = certificate_url(attended_meeting, request.getfixturevalue(whose))
    assert client_as(request.getfixturevalue(viewer)).get(url).status_code == status


def test_certificates_need_signing_in_and_a_real_attendee(client, attended_meeting, member):
    response = client.get(certificate_url(attended_meeting, member))
    assert response.status_code == 302 and "/login" in response.location
    assert client.get(f"/meetings/{attended_meeting.slug}/certificate/999999").status_code == 302


def test_a_certificate_of_someone_from_another_meeting_is_404(
    client_as, make_meeting, attended_meeting, member, admin
):
    other = make_meeting(title="Another meeting", status=MeetingStatus.HELD)
    participant = next(p for p in attended_meeting.participants if p.user_id == member.id)
    url = f"/meetings/{other.slug}/certificate/{participant.id}"
    assert client_as(admin).get(url).status_code == 404


def test_an_organiser_is_not_shown_a_hidden_attendees_name(
    session, client_as, champion, attended_meeting, other_organisation
):
    hidden = factories.make_user(session, name="Hlengiwe Hidden", organisation=other_organisation)
    invite(session, attended_meeting, hidden, attended=True)
    page = text_of(client_as(champion).get(certificate_url(attended_meeting, hidden)))
    assert "Hlengiwe Hidden" not in page and "Msunduzi" not in page
    assert "does not show you their name" in page
    own = text_of(client_as(hidden).get(certificate_url(attended_meeting, hidden)))
    assert '<h1 id="certificate-name">Hlengiwe Hidden</h1>' in own


def test_a_guest_certificate_names_the_guest(session, client_as, champion, attended_meeting):
    guest_entry = attendance.add_walk_in_guest(
        session, champion, attended_meeting, attendance.Guest("Sithole Mbanga", "SACN")
    )
    session.commit()
    url = f"/meetings/{attended_meeting.slug}/certificate/{guest_entry.id}"
    page = text_of(client_as(champion).get(url))
    assert '<h1 id="certificate-name">Sithole Mbanga</h1>' in page
    assert '<p class="certificate-organisation">SACN</p>' in page


# Every state-changing URL: signed out, refused, missing


def attendance_posts(meeting: Meeting, participant: Participant) -> list[tuple[str, dict]]:
    base = f"/meetings/{meeting.slug}"
    return [
        (f"{base}/invitations/members", {"people": ["1"]}),
        (f"{base}/invitations/organisation", {"organisation": "BUF"}),
        (f"{base}/invitations/guest", {"guest_name": "Someone"}),
        (f"{base}/participants/{participant.id}/remove", {}),
        (f"{base}/register", {"attended": [str(participant.id)]}),
        (f"{base}/register/member", {"person": "1"}),
        (f"{base}/register/guest", {"guest_name": "Someone"}),
    ]


@pytest.fixture
def listed(session, today_meeting, guest) -> Participant:
    invite(session, today_meeting, guest)
    return today_meeting.participants[0]


def test_every_attendance_post_needs_signing_in(client, today_meeting, listed):
    for url, data in [
        *attendance_posts(today_meeting, listed),
        (f"/meetings/{today_meeting.slug}/rsvp", {"answer": "yes"}),
    ]:
        response = post(client, url, data)
        assert response.status_code == 302 and "/login" in response.location, url


def test_every_attendance_post_is_refused_to_a_member(
    session, client_as, member, today_meeting, listed
):
    client = client_as(member)
    for url, data in attendance_posts(today_meeting, listed):
        assert post(client, url, data).status_code == 403, url
    # Not invited: no answer to give.
    assert (
        post(client, f"/meetings/{today_meeting.slug}/rsvp", {"answer": "yes"}).status_code == 403
    )
    assert client.get(f"/meetings/{today_meeting.slug}/attendance").status_code == 403
    assert client.get(f"/meetings/{today_meeting.slug}/register").status_code == 403
    assert fresh(session, today_meeting).participants[0].attended is False


def test_an_invited_only_meeting_is_404_to_outsiders(
    session, client_as, make_meeting, outsider_champion, guest
):
    hidden = make_meeting(day=local_today(), visibility=MeetingVisibility.INVITED)
    invite(session, hidden, guest)
    client = client_as(outsider_champion)
    for url, data in attendance_posts(hidden, hidden.participants[0]):
        assert post(client, url, data).status_code == 404, url
    assert client.get(f"/meetings/{hidden.slug}/attendance").status_code == 404


def test_a_participant_of_another_meeting_cannot_be_removed_here(
    client_as, champion, make_meeting, today_meeting, listed
):
    other = make_meeting(title="Another meeting")
    url = f"/meetings/{other.slug}/participants/{listed.id}/remove"
    assert post(client_as(champion), url).status_code == 404


def test_an_organiser_removes_someone_invited_by_mistake(
    session, client_as, champion, meeting, guest, other_organisation: Organisation
):
    invite(session, meeting, guest)
    participant_id = meeting.participants[0].id
    client = client_as(champion)
    response = post(client, f"/meetings/{meeting.slug}/participants/{participant_id}/remove")
    assert "Taken off the list." in text_of(client.get(response.location))
    assert fresh(session, meeting).participants == []
