"""Account services, called directly: no HTTP."""

from __future__ import annotations

import pytest

from kmrg.audit.models import AuditEvent
from kmrg.auth import services
from kmrg.auth.models import AccountStatus, ProfileVisibility, Role, User
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import StaleEditError
from tests.factories import PASSWORD

SECRET = "test-secret-key-not-for-production"


def register(session, organisation, **overrides):
    data = {
        "name": "Lindiwe Zulu",
        "email": "Lindiwe.Zulu@Example.org ",
        "organisation": organisation,
        "job_title": "Records manager",
        "password": "river-stone-harvest-7",
    }
    data.update(overrides)
    return services.register_user(session, **data)


def test_registration_creates_a_pending_member_and_tells_applicant_and_approvers(
    session, organisation, champion, admin, outbox
):
    user = register(session, organisation)
    session.commit()

    assert user.status is AccountStatus.PENDING
    assert user.role is Role.MEMBER
    assert user.email == "lindiwe.zulu@example.org"
    assert user.profile_visibility is ProfileVisibility.HIDDEN
    recipients = sorted(message["To"] for message in outbox)
    assert recipients == sorted([user.email, champion.email, admin.email])
    to_applicant = next(m for m in outbox if m["To"] == user.email)
    assert "waiting for approval" in to_applicant.get_content()


def test_registration_sends_nothing_when_the_transaction_rolls_back(session, organisation, outbox):
    register(session, organisation)
    session.rollback()

    assert outbox == []
    assert session.query(User).count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-address"}, "valid e-mail"),
        ({"password": "short"}, "at least 10"),
        ({"password": "lindiwe.zulu-is-me"}, "does not contain your name"),
        ({"name": "   "}, "Enter your name"),
    ],
)
def test_registration_refuses_bad_input(session, organisation, overrides, message):
    with pytest.raises(ValidationError, match=message):
        register(session, organisation, **overrides)


def test_registration_with_a_taken_address_emails_its_owner_instead(
    session, organisation, champion, member, outbox
):
    assert register(session, organisation, email=member.email.upper()) is None
    session.commit()

    assert session.query(User).filter(User.email == member.email).one() is member
    assert session.query(User).count() == 2  # nobody new, nobody asked to approve anyone
    assert [m["To"] for m in outbox] == [member.email]
    assert outbox[0]["Subject"] == "Someone tried to register with your address"
    body = outbox[0].get_content()
    assert "You already have an account, so no new one was made." in body
    assert "/password/reset" in body


def test_registration_with_a_taken_address_still_checks_the_password(session, organisation, member):
    with pytest.raises(ValidationError, match="at least 10"):
        register(session, organisation, email=member.email, password="short")


def test_repeated_registrations_e_mail_the_owner_at_most_three_times_a_day(
    session, organisation, member, outbox
):
    for _ in range(5):
        register(session, organisation, email=member.email)
        session.commit()
    assert [m["To"] for m in outbox] == [member.email] * 3


def test_champion_approves_applicant_of_own_organisation(session, champion, applicant, outbox):
    services.approve_user(session, champion, applicant)
    session.commit()

    assert applicant.status is AccountStatus.ACTIVE
    assert applicant.approved_by_id == champion.id
    assert [m["To"] for m in outbox] == [applicant.email]
    assert "approved" in outbox[0]["Subject"]
    event = session.query(AuditEvent).filter_by(action="user.approved").one()
    assert event.actor_id == champion.id
    assert event.target_label == applicant.name


def test_champion_of_another_organisation_cannot_approve(session, outsider_champion, applicant):
    with pytest.raises(PermissionDenied):
        services.approve_user(session, outsider_champion, applicant)
    assert applicant.status is AccountStatus.PENDING


def test_authenticate_accepts_only_the_right_password(session, member):
    assert services.authenticate(session, member.email.upper(), PASSWORD) is member
    assert services.authenticate(session, member.email, PASSWORD + "x") is None
    assert services.authenticate(session, "nobody@example.org", PASSWORD) is None


def test_password_change_rotates_the_session_token(session, member, outbox):
    token = member.session_token
    services.change_password(session, member, PASSWORD, "a-brand-new-passphrase")
    session.commit()

    assert member.session_token != token
    assert services.authenticate(session, member.email, "a-brand-new-passphrase") is member
    assert outbox[-1]["Subject"].endswith("password was changed")


def test_password_change_needs_the_current_password(session, member):
    with pytest.raises(ValidationError, match="current password"):
        services.change_password(session, member, "wrong-password-1", "a-brand-new-passphrase")


def test_reset_token_works_once(session, member):
    token = services.make_password_reset_token(member, SECRET)
    services.reset_password(session, token, "another-fine-passphrase", SECRET, 3600)
    session.commit()

    assert services.authenticate(session, member.email, "another-fine-passphrase") is member
    with pytest.raises(ValidationError, match="expired or was already used"):
        services.reset_password(session, token, "yet-another-passphrase", SECRET, 3600)


def test_reset_token_with_wrong_signature_is_refused(session, member):
    token = services.make_password_reset_token(member, "some-other-secret")
    with pytest.raises(ValidationError):
        services.user_for_reset_token(session, token, SECRET, 3600)


def test_reset_request_for_unknown_address_sends_nothing(session, outbox):
    services.request_password_reset(session, "ghost@example.org", SECRET, lambda t: t)
    session.commit()
    assert outbox == []


def test_admin_disables_an_account_and_ends_its_sessions(session, admin, member):
    token = member.session_token
    services.disable_user(session, admin, member)
    session.commit()

    assert member.status is AccountStatus.DISABLED
    assert member.session_token != token


def test_admin_cannot_disable_or_demote_themselves(session, admin):
    with pytest.raises(PermissionDenied):
        services.disable_user(session, admin, admin)
    with pytest.raises(PermissionDenied):
        services.change_role(session, admin, admin, Role.MEMBER)


def test_champion_needs_an_organisation(session, admin):
    from tests.factories import make_user

    loner = make_user(session, name="No Org")
    with pytest.raises(ValidationError, match="organisation"):
        services.change_role(session, admin, loner, Role.CHAMPION)


def test_role_and_organisation_changes_are_audited(session, admin, member, other_organisation):
    services.change_role(session, admin, member, Role.CHAMPION)
    services.assign_organisation(session, admin, member, other_organisation)
    session.commit()

    actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions == ["user.role_changed", "user.organisation_changed"]
    assert member.role is Role.CHAMPION
    assert member.organisation_id == other_organisation.id


def test_stale_account_edit_is_refused(session, member):
    stale_version = member.version
    services.update_account(
        session,
        member,
        name="Sipho M",
        job_title="",
        profile_visibility=ProfileVisibility.PUBLIC,
        expected_version=stale_version,
    )
    session.commit()
    with pytest.raises(StaleEditError):
        services.update_account(
            session,
            member,
            name="Sipho X",
            job_title="",
            profile_visibility=ProfileVisibility.HIDDEN,
            expected_version=stale_version,
        )
    assert member.name == "Sipho M"


def test_create_active_user_from_the_command_line(session, organisation):
    user = services.create_active_user(
        session,
        None,
        name="Cli Person",
        email="cli@example.org",
        role=Role.CHAMPION,
        organisation=organisation,
        password="command-line-secret",
    )
    session.commit()
    assert user.is_active
    event = session.query(AuditEvent).filter_by(action="user.created").one()
    assert event.actor_label.startswith("system")
