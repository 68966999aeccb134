"""The "Contact this expert" partial for the profile page (inbox/_contact_expert.html)."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_login import login_user

from kmrg.auth.models import ProfileVisibility
from tests.experts.conftest import make_profile
from tests.inbox.conftest import make_external_profile

INCLUDE = '{% include "inbox/_contact_expert.html" %}'


def _render(app, user, profile) -> str:
    with app.test_request_context("/"):
        if user is not None:
            login_user(user)
        return render_template_string(INCLUDE, profile=profile)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member", "Contact this expert"),
        ("expert", None),
        ("anonymous", "Sign in to contact this expert"),
    ],
)
def test_the_button_shows_for_those_who_may_write(
    app, session, request, expert, member, who, expected
):
    profile = make_profile(session, expert, visibility=ProfileVisibility.PUBLIC)
    user = None if who == "anonymous" else request.getfixturevalue(who)
    html = _render(app, user, profile)
    if expected is None:
        assert "contact" not in html.lower()
    else:
        assert expected in html
        assert f"/experts/{profile.slug}/contact" in html


def test_an_external_profile_without_an_address_says_why(app, session, member, champion):
    profile = make_external_profile(session, champion, email="")
    html = _render(app, member, profile)
    assert "Contact this expert" not in html
    assert "has not recorded an e-mail address" in html
