"""Registration, sign-in, sign-out and passwords through the real app."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from flask_login.utils import decode_cookie, encode_cookie
from sqlalchemy import select

from kmrg.auth.models import AccountStatus, Throttle, User
from kmrg.extensions import db
from tests.conftest import make_app
from tests.factories import PASSWORD, csrf_token, post, sign_in


def reload(user: User) -> User:
    # End the test's own read transaction so it sees what the requests committed.
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_register_page_lists_organisations_to_pick_from(client, organisation):
    page = client.get("/register").get_data(as_text=True)
    assert "Buffalo City Metropolitan Municipality (BUF)" in page


def test_registration_leaves_the_account_pending(client, organisation, outbox):
    response = post(
        client,
        "/register",
        {
            "name": "Lindiwe Zulu",
            "email": "lindiwe@example.org",
            "organisation": "Buffalo City Metropolitan Municipality (BUF)",
            "job_title": "Records manager",
            "password": "river-stone-harvest-7",
            "confirm": "river-stone-harvest-7",
        },
    )
    assert response.status_code == 200
    assert "waiting for approval" in response.get_data(as_text=True)
    user = db.session.query(User).filter_by(email="lindiwe@example.org").one()
    assert user.status is AccountStatus.PENDING
    assert any(m["To"] == "lindiwe@example.org" for m in outbox)

    login = post(
        client, "/login", {"email": "lindiwe@example.org", "password": "river-stone-harvest-7"}
    )
    assert "waiting for approval" in login.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_registration_answers_the_same_whether_or_not_the_address_is_taken(
    client, organisation, member, outbox
):
    def apply(email: str):
        data = {
            "name": "Lindiwe Zulu",
            "email": email,
            "organisation": "Buffalo City Metropolitan Municipality (BUF)",
            "password": "river-stone-harvest-7",
            "confirm": "river-stone-harvest-7",
        }
        return post(client, "/register", data)

    taken, free = apply(member.email.upper()), apply("lindiwe@example.org")

    assert taken.status_code == free.status_code == 200
    assert taken.get_data(as_text=True) == free.get_data(as_text=True)
    assert "Check your e-mail" in taken.get_data(as_text=True)
    assert "already" not in taken.get_data(as_text=True)
    to_owner = [m for m in outbox if m["To"] == member.email]
    assert [m["Subject"] for m in to_owner] == ["Someone tried to register with your address"]
    assert db.session.query(User).filter_by(email=member.email).one().name == member.name


def test_registration_with_an_unknown_organisation_changes_nothing(client, organisation):
    response = post(
        client,
        "/register",
        {
            "name": "Lindiwe Zulu",
            "email": "lindiwe@example.org",
            "organisation": "Atlantis",
            "password": "river-stone-harvest-7",
            "confirm": "river-stone-harvest-7",
        },
    )
    assert "Choose your organisation from the list" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


def test_sign_in_and_out(client, member):
    response = sign_in(client, member)
    assert response.headers["Location"] == "/"
    assert "Welcome, Sipho Member" in client.get("/").get_data(as_text=True)
    assert client.get("/account").status_code == 200

    response = post(client, "/logout")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, member):
    response = post(client, "/login", {"email": member.email, "password": "wrong-password"})
    assert "do not match an account" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_sign_in_throttles_store_keys_nobody_can_check_guesses_against(
    migrated, tmp_path, client, member
):
    post(client, "/login", {"email": member.email, "password": "wrong-password"})

    db.session.rollback()
    stored = dict(db.session.execute(select(Throttle.scope, Throttle.key)).all())
    counted = {"sign-in-account": member.email, "sign-in-address": "127.0.0.1"}
    assert stored.keys() == counted.keys()
    for scope, value in counted.items():
        # Neither the value nor its plain hash, which anyone could compute from a guess.
        assert stored[scope] not in {value, hashlib.sha256(value.encode()).hexdigest()}

    # Keyed with the secret: a Hub with another secret counts the same account under another key.
    other_hub = make_app(migrated, tmp_path / "other", SECRET_KEY="another-secret-key")
    post(other_hub.test_client(), "/login", {"email": member.email, "password": "wrong"})
    db.session.rollback()
    keys = db.session.scalars(select(Throttle.key).where(Throttle.scope == "sign-in-account"))
    assert len(set(keys)) == 2


def test_logout_makes_every_earlier_session_cookie_stop_working(app, member):
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, member)
    sign_in(laptop, member)
    stolen_cookie = phone.get_cookie("kmrg_session", domain="hub.test").value

    post(laptop, "/logout")

    assert phone.get("/account").status_code == 302
    replay = app.test_client()
    replay.set_cookie("kmrg_session", stolen_cookie, domain="hub.test")
    assert replay.get("/account").status_code == 302


def test_remember_me_cookie_stops_working_after_password_change(app, member):
    browser = app.test_client()
    post(browser, "/login", {"email": member.email, "password": PASSWORD, "remember": "y"})
    remember = browser.get_cookie("kmrg_remember", domain="hub.test")
    assert remember is not None
    other = app.test_client()
    sign_in(other, member)

    response = post(
        other,
        "/account/password",
        {
            "pw-csrf_token": csrf_token(other),
            "pw-current_password": PASSWORD,
            "pw-password": "a-fresh-passphrase-9",
            "pw-confirm": "a-fresh-passphrase-9",
        },
    )
    assert response.status_code == 302
    assert other.get("/account").status_code == 200  # the changer stays signed in

    replay = app.test_client()
    replay.set_cookie("kmrg_remember", remember.value, domain="hub.test")
    assert replay.get("/account").status_code == 302


def remembered_for(app, member, days: float) -> str:
    """Return a remember-me cookie as the Hub would have issued it `days` ago."""
    browser = app.test_client()
    post(browser, "/login", {"email": member.email, "password": PASSWORD, "remember": "y"})
    user_id, token, began = decode_cookie(
        browser.get_cookie("kmrg_remember", domain="hub.test").value
    ).split(":")
    aged = int(began) - int(timedelta(days=days).total_seconds())
    return encode_cookie(f"{user_id}:{token}:{aged}")


@pytest.mark.parametrize(("days", "signed_in"), [(29, True), (31, False)])
def test_the_server_refuses_a_remember_me_cookie_older_than_30_days(app, member, days, signed_in):
    # A copy of the cookie a thief kept past the date the browser was told to forget it.
    replay = app.test_client()
    replay.set_cookie("kmrg_remember", remembered_for(app, member, days), domain="hub.test")
    assert (replay.get("/account").status_code == 200) is signed_in


def test_a_remember_me_cookie_without_the_date_its_sign_in_began_is_refused(app, member):
    # The Hub's cookies before sign-ins were dated: validly signed, but of no known age.
    replay = app.test_client()
    replay.set_cookie("kmrg_remember", encode_cookie(member.get_id()), domain="hub.test")
    assert replay.get("/account").status_code == 302


HOSTILE_NEXT = [
    "//evil.example",
    "///evil.example",
    "http:///evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "/\t/evil.example",
    " //evil.example",
    "/%0d%0aSet-Cookie:x=1",
    "data:text/html,<script>alert(1)</script>",
    "http://hub.test.evil.example/",
    "\u200b//evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_next_never_leaves_the_hub(client, member, target):
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": member.email, "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location and "javascript" not in location.lower()


def test_next_within_the_hub_is_followed(client, member):
    page = client.get("/login?next=/organisations/BUF").get_data(as_text=True)
    assert 'value="/organisations/BUF"' in page
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": member.email,
            "password": PASSWORD,
            "next": "/organisations/BUF",
        },
    )
    assert response.headers["Location"] == "/organisations/BUF"


def test_password_reset_by_emailed_link(client, member, outbox):
    post(client, "/password/reset", {"email": member.email})
    message = outbox[-1]
    link = re.search(r"https?://\S+/password/reset/\S+", message.get_content()).group(0)
    path = link.split("hub.test", 1)[1]

    form = client.get(path)
    assert form.status_code == 200
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', form.get_data(as_text=True)
    ).group(1)
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "password": "new-secret-phrase-1",
            "confirm": "new-secret-phrase-1",
        },
    )
    assert response.headers["Location"] == "/login"
    sign_in(client, member, "new-secret-phrase-1")

    again = client.get(path)
    assert again.status_code == 302  # a used link is dead


def test_reset_request_does_not_reveal_whether_an_account_exists(client, member):
    known = post(client, "/password/reset", {"email": member.email}).get_data(as_text=True)
    unknown = post(client, "/password/reset", {"email": "ghost@example.org"}).get_data(as_text=True)
    assert "Check your e-mail" in known and "Check your e-mail" in unknown


def test_champion_approves_from_the_applications_page(client, champion, applicant, outbox):
    sign_in(client, champion)
    page = client.get("/admin/users/pending").get_data(as_text=True)
    assert applicant.name in page

    response = post(client, f"/admin/users/{applicant.id}/approve", {"back": "applications"})
    assert response.headers["Location"] == "/admin/users/pending"
    assert reload(applicant).status is AccountStatus.ACTIVE
    assert outbox[-1]["To"] == applicant.email


def test_champion_of_another_organisation_gets_403(client, outsider_champion, applicant):
    sign_in(client, outsider_champion)
    assert applicant.name not in client.get("/admin/users/pending").get_data(as_text=True)
    response = post(client, f"/admin/users/{applicant.id}/approve")
    assert response.status_code == 403
    assert reload(applicant).status is AccountStatus.PENDING


def test_member_cannot_reach_user_management(client, member):
    sign_in(client, member)
    assert client.get("/admin/users/").status_code == 403
    assert client.get("/admin/users/pending").status_code == 403


def test_admin_disables_a_user_who_is_then_signed_out(app, admin, member):
    victim = app.test_client()
    sign_in(victim, member)
    boss = app.test_client()
    sign_in(boss, admin)
    response = post(boss, f"/admin/users/{member.id}/disable")
    assert response.status_code == 302
    assert victim.get("/account").status_code == 302
    login = post(victim, "/login", {"email": member.email, "password": PASSWORD})
    assert "disabled" in login.get_data(as_text=True)


def test_admin_changes_role(client, admin, member):
    sign_in(client, admin)
    post(client, f"/admin/users/{member.id}/role", {"role": "champion"})
    assert reload(member).role.value == "champion"


def test_account_page_changes_visibility(client, member):
    sign_in(client, member)
    page = client.get("/account").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = post(
        client,
        "/account",
        {
            "name": "Sipho Member",
            "job_title": "Analyst",
            "profile_visibility": "public",
            "version": version,
        },
    )
    assert response.status_code == 302
    assert reload(member).profile_visibility.value == "public"

    stale = post(
        client,
        "/account",
        {
            "name": "Overwritten",
            "job_title": "",
            "profile_visibility": "hidden",
            "version": version,
        },
    )
    assert "changed elsewhere" in stale.get_data(as_text=True)
    assert 'value="Overwritten"' in stale.get_data(as_text=True)  # their text is kept
    assert reload(member).name == "Sipho Member"


def test_person_page_respects_visibility(client, member):
    assert client.get(f"/people/{member.id}").status_code == 404  # members-only, anonymous
    sign_in(client, member)
    assert client.get(f"/people/{member.id}").status_code == 200


STATE_CHANGING = [
    "/logout",
    "/admin/users/{id}/approve",
    "/admin/users/{id}/disable",
    "/admin/users/{id}/enable",
    "/admin/users/{id}/role",
    "/admin/users/{id}/organisation",
]


@pytest.mark.parametrize("path", STATE_CHANGING)
def test_state_changing_urls_refuse_get(client, admin, applicant, path):
    sign_in(client, admin)
    assert client.get(path.format(id=applicant.id)).status_code == 405


@pytest.mark.parametrize(
    "path",
    [*STATE_CHANGING, "/login", "/register", "/account", "/account/password", "/password/reset"],
)
def test_state_changing_urls_require_csrf(client, admin, applicant, path):
    sign_in(client, admin)
    response = client.post(path.format(id=applicant.id), data={"role": "admin"})
    assert response.status_code == 400
    assert reload(applicant).status is AccountStatus.PENDING


@pytest.mark.parametrize("path", ["/admin/users/{id}/approve", "/admin/users/{id}/disable"])
def test_anonymous_is_sent_to_sign_in(client, applicant, path):
    response = post(client, path.format(id=applicant.id))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unknown_user_is_404(client, admin):
    sign_in(client, admin)
    assert client.get("/admin/users/99999").status_code == 404
    assert post(client, "/admin/users/99999/approve").status_code == 404
