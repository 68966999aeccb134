"""The expert pages through the real app: directory, profile, form, confirm and vCard."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kmrg.auth.models import ProfileVisibility
from kmrg.experts.models import ContactVisibility, ExpertiseLevel, ExpertProfile, Language
from kmrg.experts.services import ExpertiseEntry
from kmrg.models import utcnow
from kmrg.organisations.models import Province
from tests import factories
from tests.experts.conftest import make_profile
from tests.factories import post, sign_in

FORM = {
    "headline": "Water loss in small towns",
    "biography": "Cut *non-revenue water* by a third.",
    "expertise-0-theme": "",
    "expertise-0-skill": "Pressure management",
    "expertise-0-level": "authority",
    "province": "KZN",
    "languages": ["zu", "sasl"],
    "availability": ["offers_site_visits"],
    "days_per_quarter": "4",
    "preferred_channel": "email",
    "visibility": "members",
    "email_visibility": "members",
    "phone": "033 392 3000",
    "phone_visibility": "nobody",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def reload(session, profile: ExpertProfile) -> ExpertProfile:
    session.rollback()
    session.expire_all()
    return session.get(ExpertProfile, profile.id)


def test_anonymous_sees_a_public_profile_but_never_its_contacts(client, session, expert):
    profile = make_profile(session, expert)
    page = text(client.get(f"/experts/{profile.slug}"))
    assert "Zanele Mokoena" in page
    assert "Revenue enhancement in a mid-size metro" in page
    assert "<em>billing clean-up</em>" in page
    assert "Meter auditing" in page and "Authority" in page
    assert "isiXhosa" in page and "Mentoring" in page
    assert "zanele@example.org" not in page
    assert "705 1234" not in page
    assert ".vcf" not in page


def test_a_member_sees_the_contacts_the_expert_shares(client, session, expert, member):
    profile = make_profile(session, expert, phone_visibility=ContactVisibility.NOBODY)
    sign_in(client, member)
    page = text(client.get(f"/experts/{profile.slug}"))
    assert "zanele@example.org" in page
    assert "705 1234" not in page
    assert f"/experts/{profile.slug}.vcf" in page


@pytest.mark.parametrize(
    ("visibility", "viewer", "status"),
    [
        (ProfileVisibility.HIDDEN, None, 404),
        (ProfileVisibility.HIDDEN, "member", 404),
        (ProfileVisibility.HIDDEN, "expert", 200),
        (ProfileVisibility.HIDDEN, "admin", 200),
        (ProfileVisibility.MEMBERS, None, 404),
        (ProfileVisibility.MEMBERS, "member", 200),
        (ProfileVisibility.PUBLIC, None, 200),
    ],
)
def test_profile_status_by_visibility(request, client, session, expert, visibility, viewer, status):
    profile = make_profile(session, expert, visibility=visibility)
    if viewer:
        sign_in(client, request.getfixturevalue(viewer))
    assert client.get(f"/experts/{profile.slug}").status_code == status


def test_an_unknown_profile_is_404(client):
    assert client.get("/experts/nobody-here").status_code == 404


def test_the_directory_lists_only_what_the_viewer_may_see(client, session, organisation, member):
    for name, visibility in [
        ("Public Person", ProfileVisibility.PUBLIC),
        ("Members Person", ProfileVisibility.MEMBERS),
        ("Hidden Person", ProfileVisibility.HIDDEN),
    ]:
        user = factories.make_user(session, name=name, organisation=organisation)
        make_profile(session, user, visibility=visibility)
    page = text(client.get("/experts/"))
    assert "Public Person" in page
    assert "Members Person" not in page and "Hidden Person" not in page
    sign_in(client, member)
    page = text(client.get("/experts/"))
    assert "Public Person" in page and "Members Person" in page
    assert "Hidden Person" not in page


def test_the_directory_filters_by_theme_province_language_and_availability(
    client, session, organisation, theme
):
    alpha = factories.make_user(session, name="Alpha Expert", organisation=organisation)
    make_profile(
        session,
        alpha,
        expertise=[ExpertiseEntry(level=ExpertiseLevel.PRACTITIONER, theme=theme)],
        province=Province.EC,
        languages=[Language.XHOSA],
        availability=["offers_peer_assist"],
    )
    beta = factories.make_user(session, name="Beta Expert", organisation=organisation)
    make_profile(
        session,
        beta,
        province=Province.WC,
        languages=[Language.AFRIKAANS],
        availability=["offers_speaking"],
    )
    for query, shown in [
        ({"theme": theme.slug}, "Alpha"),
        ({"province": "WC"}, "Beta"),
        ({"language": "xh"}, "Alpha"),
        ({"availability": "offers_speaking"}, "Beta"),
    ]:
        page = text(client.get("/experts/", query_string=query))
        hidden = "Beta" if shown == "Alpha" else "Alpha"
        assert f"{shown} Expert" in page, query
        assert f"{hidden} Expert" not in page, query
    # Unknown values are ignored rather than failing.
    page = text(client.get("/experts/", query_string={"province": "XX", "availability": "x"}))
    assert "Alpha Expert" in page and "Beta Expert" in page


def test_the_directory_paginates(client, session, organisation):
    for number in range(21):
        user = factories.make_user(session, name=f"Expert {number:02d}", organisation=organisation)
        make_profile(session, user)
    assert "Expert 20" not in text(client.get("/experts/"))
    assert "Expert 20" in text(client.get("/experts/", query_string={"page": 2}))


def test_a_stale_profile_shows_its_badge(client, session, expert):
    profile = make_profile(session, expert)
    profile.confirmed_at = utcnow() - timedelta(days=400)
    session.commit()
    assert "Not confirmed for a year" in text(client.get(f"/experts/{profile.slug}"))
    assert "Not confirmed for a year" in text(client.get("/experts/"))


def test_a_member_creates_their_profile(client, session, expert):
    sign_in(client, expert)
    form_page = text(client.get("/experts/new"))
    assert '<option selected value="EC">' in form_page  # seeded from the organisation
    response = post(client, "/experts/new", FORM)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/experts/zanele-mokoena")
    page = text(client.get("/experts/zanele-mokoena"))
    assert "Water loss in small towns" in page
    assert "Pressure management" in page and "KwaZulu-Natal" in page
    assert "South African Sign Language" in page and "Site visits" in page
    # Asking for the form again leads to the existing profile.
    assert client.get("/experts/new").headers["Location"].endswith("/experts/zanele-mokoena/edit")


def test_an_invalid_form_shows_the_error_and_keeps_the_text(client, session, expert):
    sign_in(client, expert)
    response = post(client, "/experts/new", {**FORM, "phone": "call me"})
    assert response.status_code == 200
    page = text(response)
    assert "Write the phone number with digits" in page
    assert "Cut *non-revenue water* by a third." in page


def test_creating_requires_sign_in(client):
    response = client.get("/experts/new")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_owner_edits_their_profile(client, session, expert):
    profile = make_profile(session, expert)
    sign_in(client, expert)
    form_page = text(client.get(f"/experts/{profile.slug}/edit"))
    assert "Meter auditing" in form_page
    response = post(
        client, f"/experts/{profile.slug}/edit", {**FORM, "version": str(profile.version)}
    )
    assert response.status_code == 302
    profile = reload(session, profile)
    assert profile.headline == "Water loss in small towns"
    assert profile.visibility is ProfileVisibility.MEMBERS


def test_a_stale_edit_is_refused_and_keeps_the_text(client, session, expert):
    profile = make_profile(session, expert)
    sign_in(client, expert)
    response = post(
        client,
        f"/experts/{profile.slug}/edit",
        {**FORM, "headline": "My unsaved words", "version": str(profile.version - 1)},
    )
    assert response.status_code == 200
    page = text(response)
    assert "nothing was saved" in page
    assert "My unsaved words" in page
    assert reload(session, profile).headline == "Revenue enhancement in a mid-size metro"


@pytest.mark.parametrize(("viewer", "status"), [("member", 403), ("admin", 403)])
def test_others_may_not_edit(request, client, session, expert, viewer, status):
    profile = make_profile(session, expert)
    sign_in(client, request.getfixturevalue(viewer))
    assert client.get(f"/experts/{profile.slug}/edit").status_code == status
    assert post(client, f"/experts/{profile.slug}/confirm").status_code == status


def test_editing_a_hidden_profile_of_someone_else_is_404(client, session, expert, member):
    profile = make_profile(session, expert, visibility=ProfileVisibility.HIDDEN)
    sign_in(client, member)
    assert client.get(f"/experts/{profile.slug}/edit").status_code == 404


def test_the_owner_confirms_their_profile(client, session, expert):
    profile = make_profile(session, expert)
    profile.confirmed_at = utcnow() - timedelta(days=400)
    session.commit()
    sign_in(client, expert)
    response = post(client, f"/experts/{profile.slug}/confirm")
    assert response.status_code == 302
    assert not reload(session, profile).is_stale


def test_state_changing_urls_refuse_get_and_posts_without_csrf(client, session, expert):
    profile = make_profile(session, expert)
    sign_in(client, expert)
    url = f"/experts/{profile.slug}/confirm"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 400
    assert client.post(f"/experts/{profile.slug}/edit", data=FORM).status_code == 400
    assert reload(session, profile).headline == "Revenue enhancement in a mid-size metro"


def test_a_post_without_csrf_creates_nothing(client, session, expert):
    sign_in(client, expert)
    response = client.post("/experts/new", data=FORM)
    assert response.status_code == 400
    assert session.query(ExpertProfile).count() == 0


def test_the_vcard_holds_what_the_member_may_see(client, session, expert, member):
    profile = make_profile(session, expert, headline="Billing; tariffs, and debt")
    sign_in(client, member)
    response = client.get(f"/experts/{profile.slug}.vcf")
    assert response.status_code == 200
    assert response.mimetype == "text/vcard"
    assert "attachment" in response.headers["Content-Disposition"]
    card = text(response)
    assert "VERSION:4.0\r\n" in card
    assert "FN:Zanele Mokoena\r\n" in card
    assert "ORG:Buffalo City Metropolitan Municipality\r\n" in card
    assert "NOTE:Billing\\; tariffs\\, and debt\r\n" in card
    assert "EMAIL;TYPE=work:zanele@example.org\r\n" in card
    assert "+27 43 705 1234" in card


def test_the_vcard_leaves_out_fields_the_expert_hides(client, session, expert, member):
    profile = make_profile(session, expert, phone_visibility=ContactVisibility.NOBODY)
    sign_in(client, member)
    card = text(client.get(f"/experts/{profile.slug}.vcf"))
    assert "EMAIL" in card and "TEL" not in card


def test_the_vcard_is_refused_to_anonymous_and_when_nothing_is_shared(
    client, session, expert, member
):
    profile = make_profile(session, expert)
    assert client.get(f"/experts/{profile.slug}.vcf").status_code == 404
    profile.email_visibility = ContactVisibility.NOBODY
    profile.phone_visibility = ContactVisibility.NOBODY
    session.commit()
    sign_in(client, member)
    assert client.get(f"/experts/{profile.slug}.vcf").status_code == 404


def test_the_profile_page_gathers_evidence_endorsements_and_the_contact_button(
    client, session, expert, champion, member, theme
):
    from kmrg.experts.endorsements import endorse_expert
    from tests.experts.test_search import _publish_case_study_owned_by

    profile = make_profile(
        session,
        expert,
        expertise=[ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, theme=theme)],
    )
    _publish_case_study_owned_by(session, expert, champion, theme)
    endorse_expert(
        session,
        member,
        profile,
        f"theme:{theme.id}",
        "We cleaned the indigent register together in 2023; she led the data work.",
    )
    session.commit()

    sign_in(client, member)
    page = client.get(f"/experts/{profile.slug}").get_data(as_text=True)
    assert "Indigent register rebuilt ward by ward" in page  # evidence from the Hub's records
    assert "We cleaned the indigent register together in 2023" in page
    assert "Sipho Member" in page  # the endorser, by name
    assert f"/experts/{profile.slug}/contact" in page

    anonymous = client.application.test_client()
    public_page = anonymous.get(f"/experts/{profile.slug}").get_data(as_text=True)
    assert "Indigent register rebuilt ward by ward" in public_page
    assert "Sign in to contact this expert" in public_page
