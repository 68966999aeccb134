"""Endorsement pages through the real app: the form, hide/show/withdraw, refusals, e-mail."""

from __future__ import annotations

import re

import pytest
from flask import render_template
from flask_login import login_user, logout_user
from sqlalchemy import select

from kmrg.auth.models import ProfileVisibility
from kmrg.experts.endorsements import endorse_expert, hide_endorsement, visible_endorsements
from kmrg.experts.forms import ExpertActionForm
from kmrg.experts.models import Endorsement, ExpertiseLevel, area_key
from kmrg.experts.services import ExpertiseEntry
from tests import factories
from tests.experts.conftest import make_external_profile, make_profile
from tests.factories import post, sign_in

WORK = "We cleaned up the billing data of 40 000 accounts together in 2024."
METER = area_key(None, "Meter auditing")
NOTICE = (
    "The expert is told your name and organisation. Everyone else who can see this profile sees "
    "them only as far as your own profile allows"
)


def text(response) -> str:
    return response.get_data(as_text=True)


def endorsements_in_db(session) -> list[Endorsement]:
    session.rollback()
    session.expire_all()
    return list(session.scalars(select(Endorsement).order_by(Endorsement.id)))


@pytest.fixture
def profile(session, expert, theme):
    return make_profile(
        session,
        expert,
        expertise=[
            ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, skill="Meter auditing"),
            ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, theme=theme),
        ],
    )


@pytest.fixture
def colleague(session, other_organisation):
    return factories.make_user(session, name="Pieter van Wyk", organisation=other_organisation)


@pytest.fixture
def endorsed(session, profile, colleague):
    """The colleague's endorsement of the expert's meter auditing."""
    endorsement = endorse_expert(session, colleague, profile, METER, WORK)
    session.commit()
    return endorsement


def endorse_url(profile) -> str:
    return f"/experts/{profile.slug}/endorse"


def action_url(profile, endorsement, action: str) -> str:
    return f"/experts/{profile.slug}/endorsements/{endorsement.id}/{action}"


def test_a_member_endorses_an_area_and_the_expert_is_told(
    client, session, profile, member, expert, outbox
):
    sign_in(client, member)
    page = text(client.get(endorse_url(profile)))
    assert "Endorse Zanele Mokoena" in page
    assert NOTICE in page
    assert '<option value="skill:meter auditing">Meter auditing</option>' in page
    assert "Revenue collection" in page

    response = post(client, endorse_url(profile), {"area": METER, "statement": f" {WORK}\n"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/experts/{profile.slug}#endorsements")
    (stored,) = endorsements_in_db(session)
    assert (stored.endorser_id, stored.area_key, stored.statement) == (member.id, METER, WORK)

    (message,) = outbox
    assert message["To"] == expert.email
    assert message["Subject"] == "Sipho Member endorsed your expertise in Meter auditing"
    body = message.get_content()
    assert "Sipho Member (Buffalo City Metropolitan Municipality)" in body
    assert WORK in body
    assert f"http://hub.test/experts/{profile.slug}#endorsements" in body


def test_the_endorsement_shows_with_the_endorsers_name_organisation_and_date(
    client, session, profile, endorsed, member, colleague
):
    # Named because the endorser lets members see their profile (tests/test_people_visibility.py).
    colleague.profile_visibility = ProfileVisibility.MEMBERS
    session.commit()
    sign_in(client, member)
    page = text(client.get(endorse_url(profile)))
    section = page[page.index('id="endorsements"') :]
    assert '<h2 id="endorsements-heading">Endorsements</h2>' in section
    assert "Meter auditing" in section and "(1 endorsement)" in section
    assert WORK in section
    assert "Pieter van Wyk" in section and "Msunduzi Local Municipality" in section
    assert f"{endorsed.created_at.day} {endorsed.created_at:%B %Y}" in section
    # Not theirs to change, withdraw or hide.
    assert "Withdraw" not in section and "Change" not in section and "Hide" not in section


def test_endorsing_the_same_area_again_changes_the_sentence(
    client, session, profile, endorsed, colleague, outbox
):
    outbox.clear()  # the e-mail about the first endorsement
    sign_in(client, colleague)
    page = text(client.get(f"{endorse_url(profile)}?area={METER}"))
    assert "Meter auditing (you endorsed this: saving changes your sentence)" in page
    assert f"\n{WORK}</textarea>" in page
    assert "Choosing one of those again changes your sentence" in page

    again = "We audited 2 000 bulk meters in East London together."
    response = post(client, endorse_url(profile), {"area": METER, "statement": again})
    assert response.status_code == 302
    assert [e.statement for e in endorsements_in_db(session)] == [again]
    page = text(
        client.get(response.headers["Location"].split("#")[0].replace("http://hub.test", ""))
    )
    assert "Your endorsement now says what you wrote." in page
    assert outbox == []  # the expert heard of it the first time only


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"area": METER, "statement": "Good."}, "at least 20 characters"),
        ({"area": METER, "statement": ""}, "Say in a sentence what work you did together."),
        ({"area": METER, "statement": "x" * 501}, "Keep it to 500 characters"),
        ({"area": "skill:plumbing", "statement": WORK}, "Choose one of the areas"),
        ({"statement": WORK}, "Choose one of the areas"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_changes_nothing(
    client, session, profile, member, outbox, data, message
):
    sign_in(client, member)
    response = post(client, endorse_url(profile), data)
    assert response.status_code == 200
    page = text(response)
    assert message in page and 'class="field-error"' in page
    assert endorsements_in_db(session) == []
    assert outbox == []


def test_a_statement_is_shown_as_typed_never_as_markup(client, session, profile, member):
    sign_in(client, member)
    statement = "We fixed <script>alert(1)</script> *tariffs* together in Mthatha."
    post(client, endorse_url(profile), {"area": METER, "statement": statement})
    page = text(client.get(endorse_url(profile)))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *tariffs*" in page
    assert "<script>alert(1)" not in page and "<em>tariffs</em>" not in page


def test_a_post_without_the_csrf_token_is_refused(client, session, profile, member):
    sign_in(client, member)
    response = client.post(endorse_url(profile), data={"area": METER, "statement": WORK})
    assert response.status_code == 400
    assert endorsements_in_db(session) == []


def test_actions_without_the_csrf_token_are_refused(client, session, profile, endorsed, expert):
    sign_in(client, expert)
    assert client.post(action_url(profile, endorsed, "hide")).status_code == 400
    assert not endorsements_in_db(session)[0].is_hidden


def test_signed_out_visitors_are_sent_to_sign_in(client, session, profile, endorsed):
    for response in (
        client.get(endorse_url(profile)),
        post(client, endorse_url(profile), {"area": METER, "statement": WORK}),
        post(client, action_url(profile, endorsed, "hide")),
        post(client, action_url(profile, endorsed, "withdraw")),
    ):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert [e.statement for e in endorsements_in_db(session)] == [WORK]


def test_a_profile_the_viewer_may_not_see_does_not_exist_for_them(
    client, session, profile, endorsed, member
):
    profile.visibility = ProfileVisibility.HIDDEN
    session.commit()
    sign_in(client, member)
    assert client.get(endorse_url(profile)).status_code == 404
    for action in ("hide", "show", "withdraw"):
        assert post(client, action_url(profile, endorsed, action)).status_code == 404
    assert post(client, "/experts/nobody-here/endorse", {"area": METER}).status_code == 404


def test_an_endorsement_of_another_profile_is_not_found_here(
    client, session, profile, endorsed, member, expert
):
    other = make_profile(session, member)
    sign_in(client, expert)
    assert post(client, action_url(other, endorsed, "hide")).status_code == 404
    assert not endorsements_in_db(session)[0].is_hidden


def test_the_expert_does_not_endorse_themself(client, session, profile, expert):
    sign_in(client, expert)
    assert client.get(endorse_url(profile)).status_code == 403
    assert post(client, endorse_url(profile), {"area": METER, "statement": WORK}).status_code == 403
    assert endorsements_in_db(session) == []


def test_the_wrong_person_is_refused_each_action(client, session, profile, endorsed, member):
    sign_in(client, member)
    for action in ("hide", "show", "withdraw"):
        assert post(client, action_url(profile, endorsed, action)).status_code == 403
    (kept,) = endorsements_in_db(session)
    assert kept.statement == WORK and not kept.is_hidden


def test_the_expert_hides_and_shows_an_endorsement(
    client, session, profile, endorsed, expert, member
):
    sign_in(client, expert)
    response = post(client, action_url(profile, endorsed, "hide"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#endorsements")
    assert endorsements_in_db(session)[0].is_hidden

    other = factories.make_user(session, name="Gugu Reader")
    reader = client.application.test_client()
    sign_in(reader, other)
    page = text(reader.get(endorse_url(profile)))
    assert WORK not in page and "Nobody has endorsed Zanele Mokoena yet." in page

    assert post(client, action_url(profile, endorsed, "show")).status_code == 302
    assert not endorsements_in_db(session)[0].is_hidden
    assert WORK in text(reader.get(endorse_url(profile)))


def test_the_endorser_withdraws_their_endorsement(client, session, profile, endorsed, colleague):
    sign_in(client, colleague)
    page = text(client.get(endorse_url(profile)))
    assert f'action="/experts/{profile.slug}/endorsements/{endorsed.id}/withdraw"' in page
    assert f'href="/experts/{profile.slug}/endorse?area=skill:meter+auditing"' in page
    response = post(client, action_url(profile, endorsed, "withdraw"))
    assert response.status_code == 302
    assert endorsements_in_db(session) == []


def test_a_profile_without_areas_has_nothing_to_endorse(client, session, member):
    bare = make_profile(session, factories.make_user(session, name="Lwazi Bare"), expertise=[])
    sign_in(client, member)
    page = text(client.get(endorse_url(bare)))
    assert "Lwazi Bare lists no areas of expertise yet, so there is nothing to endorse." in page
    assert "<textarea" not in page


def test_the_champion_keeping_an_external_profile_is_told(
    client, session, champion, member, outbox
):
    external = make_external_profile(session, champion)
    sign_in(client, member)
    key = area_key(None, "Property rates")
    response = post(client, endorse_url(external), {"area": key, "statement": WORK})
    assert response.status_code == 302
    (message,) = outbox
    assert message["To"] == champion.email
    assert (
        message["Subject"] == "Sipho Member endorsed Prof. Nandi Dube’s expertise in Property rates"
    )
    assert "whose profile you keep" in message.get_content()


def render_partial(app, profile, viewer, **context) -> str:
    """Render the profile page's partial the way show_expert will, signed in as `viewer`."""
    with app.test_request_context(f"/experts/{profile.slug}"):
        # The test's app context (and its `g`) outlives this request: say who is signed in.
        if viewer is not None:
            login_user(viewer)
        else:
            logout_user()
        from kmrg.extensions import db

        return render_template(
            "experts/_endorsements.html",
            profile=profile,
            endorsements=visible_endorsements(db.session, profile, viewer),
            action_form=ExpertActionForm(),
            **context,
        )


def test_the_partial_shows_the_expert_their_hidden_endorsement_with_show_buttons(
    app, session, profile, endorsed, expert, member
):
    visible = endorse_expert(
        session, member, profile, METER, "We ran the Mdantsane meter audit together."
    )
    hide_endorsement(session, expert, endorsed)
    session.commit()

    html = render_partial(app, profile, expert, can_endorse=False)
    assert html.count("Hidden — only you see this") == 1
    assert re.search(rf"endorsements/{endorsed.id}/show\"[^>]*>\s*<input[^>]+csrf_token", html)
    assert f"endorsements/{visible.id}/hide" in html
    assert 'aria-label="Hide Sipho Member’s endorsement of Meter auditing"' in html
    assert "(1 endorsement)" in html  # the hidden one counts for nothing

    public = render_partial(app, profile, None, can_endorse=False)
    assert WORK not in public and "Hidden" not in public
    assert "We ran the Mdantsane meter audit together." in public
    # Sipho lets only members see his profile: the public sees neither name nor organisation.
    assert "Sipho Member" not in public and "Buffalo City Metropolitan Municipality" not in public
    assert "— a member of the network," in " ".join(public.split())
    assert "/hide" not in public and "/withdraw" not in public


def test_the_partial_invites_those_who_may_endorse(app, session, profile, member):
    html = render_partial(app, profile, member, can_endorse=True)
    assert "Nobody has endorsed Zanele Mokoena yet." in html
    assert f'href="/experts/{profile.slug}/endorse"' in html
    assert "/endorse" not in render_partial(app, profile, member, can_endorse=False)


def test_an_endorsement_of_an_area_the_expert_removed_is_not_changed_from_the_form(
    client, session, profile, endorsed, colleague, expert, theme
):
    from kmrg.experts.services import ProfileDetails, update_expert_profile

    update_expert_profile(
        session,
        expert,
        profile,
        ProfileDetails(
            headline=profile.headline,
            visibility=profile.visibility,
            expertise=[ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, theme=theme)],
        ),
        expected_version=profile.version,
    )
    session.commit()
    sign_in(client, colleague)
    page = text(client.get(f"{endorse_url(profile)}?area={METER}"))
    assert "Meter auditing" not in page and WORK not in page
    response = post(client, endorse_url(profile), {"area": METER, "statement": "Changed words."})
    assert "Choose one of the areas" in text(response)
    assert [e.statement for e in endorsements_in_db(session)] == [WORK]


# On the profile page (the lead's show.html includes the partial).


def test_an_endorsement_made_through_the_form_appears_on_the_profile_page(
    client, session, profile, member
):
    sign_in(client, member)
    page = text(client.get(f"/experts/{profile.slug}"))
    assert f'href="/experts/{profile.slug}/endorse"' in page  # the invitation
    response = post(client, endorse_url(profile), {"area": METER, "statement": WORK})
    page = text(client.get(response.headers["Location"]))
    assert "Thank you: your endorsement of Zanele Mokoena is shown." in page
    section = page[page.index('id="endorsements"') :]
    assert WORK in section
    assert "Sipho Member" in section and "Buffalo City Metropolitan Municipality" in section

    anonymous = text(client.application.test_client().get(f"/experts/{profile.slug}"))
    assert WORK in anonymous and "Buffalo City Metropolitan Municipality" in anonymous
    assert f'href="/experts/{profile.slug}/endorse"' not in anonymous


def test_on_the_profile_page_the_expert_hides_and_only_they_still_see_it(
    client, session, profile, endorsed, expert
):
    sign_in(client, expert)
    page = text(client.get(f"/experts/{profile.slug}"))
    assert f'href="/experts/{profile.slug}/endorse"' not in page  # nobody endorses themself
    assert f'action="/experts/{profile.slug}/endorsements/{endorsed.id}/hide"' in page
    response = post(client, action_url(profile, endorsed, "hide"))
    page = text(client.get(response.headers["Location"]))
    assert "Pieter van Wyk’s endorsement is hidden: only you see it" in page
    assert "Hidden — only you see this" in page and WORK in page
    assert f'action="/experts/{profile.slug}/endorsements/{endorsed.id}/show"' in page

    public = text(client.application.test_client().get(f"/experts/{profile.slug}"))
    assert WORK not in public and "Pieter van Wyk" not in public
    assert "Nobody has endorsed Zanele Mokoena yet." in public


def test_an_administrator_hides_an_endorsement_that_only_the_expert_then_sees(
    client, session, profile, endorsed, admin
):
    sign_in(client, admin)
    response = post(client, action_url(profile, endorsed, "hide"))
    page = text(client.get(response.headers["Location"]))
    assert "Pieter van Wyk’s endorsement is hidden: only the expert sees it" in page
    assert WORK not in page
    assert endorsements_in_db(session)[0].is_hidden
