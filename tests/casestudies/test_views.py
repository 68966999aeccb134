"""The case study pages through the real app: lists, detail, drafting, history, workflow, feed."""

from __future__ import annotations

import re

import feedparser
import pytest
from sqlalchemy import select

from kmrg.audit.models import AuditEvent
from kmrg.auth.models import ProfileVisibility
from kmrg.casestudies import owners, services
from kmrg.casestudies.models import CaseStudy, CaseStudyStatus
from kmrg.organisations.models import OrganisationKind, Province
from tests import factories
from tests.casestudies.conftest import SECTIONS, write_case_study
from tests.factories import post, sign_in

SLUG = "revenue-collection-turnaround"


def reload(session, case_study_id: int) -> CaseStudy:
    session.rollback()
    session.expire_all()
    return session.get(CaseStudy, case_study_id)


def form_data(**overrides) -> dict:
    data = {
        "title": "Revenue collection turnaround",
        "summary": "How Buffalo City raised its collection rate by fixing bills first.",
        "start_year": "2008",
        "end_year": "2010",
        "period_note": "",
        "owners": "",
        "links": "",
        **SECTIONS,
    }
    data.update(overrides)
    return data


def version_on(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


# Listing and filters


def test_the_public_list_shows_only_published_case_studies(client, session, published, member):
    write_case_study(session, member, title="A secret draft")
    page = client.get("/case-studies/").get_data(as_text=True)
    assert "Revenue collection turnaround" in page
    assert "A secret draft" not in page
    assert "1 case study" in page
    # The status filter is for people who may see unpublished work; it is ignored otherwise.
    page = client.get("/case-studies/?status=draft").get_data(as_text=True)
    assert "A secret draft" not in page
    assert 'name="status"' not in page


def test_members_see_their_own_drafts_in_the_list_and_filter_by_status(
    client, session, published, member
):
    write_case_study(session, member, title="My own draft")
    sign_in(client, member)
    page = client.get("/case-studies/").get_data(as_text=True)
    assert "My own draft" in page and "Revenue collection turnaround" in page
    page = client.get("/case-studies/?status=draft").get_data(as_text=True)
    assert "My own draft" in page and "Revenue collection turnaround" not in page


def test_other_members_never_see_a_draft_in_the_list(client, session, draft, outsider_champion):
    sign_in(client, outsider_champion)
    page = client.get("/case-studies/?status=draft").get_data(as_text=True)
    assert "Revenue collection turnaround" not in page


@pytest.fixture
def catalogue(session, champion, admin, theme):
    """Published case studies in two provinces, of two municipal kinds, over different years."""
    durban = factories.make_organisation(
        session,
        code="ETH",
        name="eThekwini",
        kind=OrganisationKind.METROPOLITAN,
        province=Province.KZN,
    )
    waterberg = factories.make_organisation(
        session,
        code="DC36",
        name="Waterberg District",
        kind=OrganisationKind.DISTRICT,
        province=Province.LP,
    )
    ddm = factories.make_theme(session, "District Development Model")
    made = {}
    for title, organisation, years, themes in [
        ("Buffalo City billing", champion.organisation, (2008, 2010), [theme]),
        ("eThekwini One Plan", durban, (2019, None), [ddm]),
        ("Waterberg pilot", waterberg, (2020, 2022), [ddm]),
    ]:
        case_study = write_case_study(
            session,
            admin,
            title=title,
            organisation_id=organisation.id,
            start_year=years[0],
            end_year=years[1],
            theme_ids=[t.id for t in themes],
        )
        services.submit_case_study(session, admin, case_study)
        services.publish_case_study(session, _second_admin(session), case_study)
        session.commit()
        made[title] = case_study
    return made


def _second_admin(session):
    # Authors never review their own work: another administrator publishes the admin's.
    from kmrg.auth.models import Role, User

    found = session.scalar(select(User).where(User.email == "second.admin@example.org"))
    return found or factories.make_user(
        session, name="Second Admin", email="second.admin@example.org", role=Role.ADMIN
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Buffalo City billing", "eThekwini One Plan", "Waterberg pilot"}),
        ("theme=district-development-model", {"eThekwini One Plan", "Waterberg pilot"}),
        ("province=KZN", {"eThekwini One Plan"}),
        ("category=metropolitan", {"Buffalo City billing", "eThekwini One Plan"}),
        ("category=district", {"Waterberg pilot"}),
        ("category=local", set()),
        ("organisation=dc36", {"Waterberg pilot"}),
        ("year=2009", {"Buffalo City billing"}),
        ("year=2021", {"Waterberg pilot"}),
        ("year=2019", {"eThekwini One Plan"}),
        (
            "province=nowhere&year=abc&sort=bogus",
            {"Buffalo City billing", "eThekwini One Plan", "Waterberg pilot"},
        ),
    ],
)
def test_the_list_filters(client, catalogue, query, expected):
    page = client.get(f"/case-studies/?{query}").get_data(as_text=True)
    shown = {title for title in catalogue if f">{title}</a>" in page}
    assert shown == expected


def test_the_list_sorts_by_title_or_newest(client, catalogue):
    page = client.get("/case-studies/?sort=title").get_data(as_text=True)
    titles = re.findall(r'/case-studies/[a-z0-9-]+">([^<]+)</a>', page)
    assert titles == ["Buffalo City billing", "eThekwini One Plan", "Waterberg pilot"]
    page = client.get("/case-studies/").get_data(as_text=True)
    titles = re.findall(r'/case-studies/[a-z0-9-]+">([^<]+)</a>', page)
    assert titles == ["Waterberg pilot", "eThekwini One Plan", "Buffalo City billing"]


def test_the_list_is_paginated(client, session, admin, organisation, monkeypatch):
    from kmrg.casestudies.views import case_studies as views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    for number in range(3):
        case_study = write_case_study(
            session, admin, title=f"Case {number}", organisation_id=organisation.id
        )
        services.submit_case_study(session, admin, case_study)
        services.publish_case_study(session, _second_admin(session), case_study)
    session.commit()
    first = client.get("/case-studies/?sort=title").get_data(as_text=True)
    assert "Case 0" in first and "Case 2" not in first and "Page 1 of 2" in first
    second = client.get("/case-studies/?sort=title&page=2").get_data(as_text=True)
    assert "Case 2" in second and "Case 0" not in second


# Detail visibility


@pytest.mark.parametrize("role", ["anonymous", "outsider_champion", "colleague"])
@pytest.mark.parametrize("state", ["draft", "submitted", "archived"])
def test_unpublished_case_studies_are_not_found_by_others(request, client, session, role, state):
    request.getfixturevalue(state)
    if role == "colleague":
        sign_in(
            client,
            factories.make_user(session, organisation=request.getfixturevalue("organisation")),
        )
    elif role != "anonymous":
        sign_in(client, request.getfixturevalue(role))
    assert client.get(f"/case-studies/{SLUG}").status_code == 404
    assert client.get(f"/case-studies/{SLUG}/history").status_code == 404


@pytest.mark.parametrize("role", ["member", "champion", "admin"])
def test_a_draft_is_seen_by_its_author_the_champion_and_administrators(
    request, client, draft, role
):
    sign_in(client, request.getfixturevalue(role))
    response = client.get(f"/case-studies/{SLUG}")
    assert response.status_code == 200
    assert "Status: Draft" in response.get_data(as_text=True)


def test_a_published_case_study_is_public_and_names_its_reviewer_and_date(
    client, session, published, champion
):
    champion.profile_visibility = ProfileVisibility.PUBLIC
    session.commit()
    response = client.get(f"/case-studies/{SLUG}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Revenue collection turnaround</h1>" in page
    assert "Reviewed" in page
    assert f'by <a href="/people/{champion.id}">Thandi Champion</a> on' in page
    assert "Meter readers got handheld devices" in page
    assert "Status:" not in page  # no workflow box for readers
    assert 'action="/case-studies/' not in page


def test_a_reviewer_who_chose_privacy_is_not_named_to_the_public(client, published):
    page = client.get(f"/case-studies/{SLUG}").get_data(as_text=True)
    assert "Thandi Champion" not in page
    assert "by a KM champion on" in page


def test_owners_are_shown_only_as_far_as_they_chose(client, session, member, champion):
    entries = owners.parse_owner_lines(
        session,
        f"{champion.email} | KM champion | contact\nPat Outsider | Consultant",
        actor=member,
    )
    case_study = write_case_study(session, member, owners=entries)
    services.submit_case_study(session, member, case_study)
    services.publish_case_study(session, champion, case_study)
    session.commit()
    page = client.get(f"/case-studies/{SLUG}").get_data(as_text=True)
    assert "Pat Outsider" in page and "Consultant" in page
    assert "Thandi Champion" not in page and champion.email not in page
    assert "1 person in the Hub who chose not to be listed" in page


def test_the_author_sees_the_reviewers_comments_when_returned(client, returned, member):
    sign_in(client, member)
    page = client.get(f"/case-studies/{SLUG}").get_data(as_text=True)
    assert "Returned for changes" in page
    assert "Add the 2010 figures, please." in page
    edit = client.get(f"/case-studies/{SLUG}/edit").get_data(as_text=True)
    assert "Add the 2010 figures, please." in edit


def test_an_unknown_case_study_is_not_found(client):
    assert client.get("/case-studies/nothing-here").status_code == 404


# Drafting and editing


def test_anonymous_visitors_are_sent_to_sign_in_to_write(client):
    response = client.get("/case-studies/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_member_drafts_a_case_study(client, session, member, theme):
    sign_in(client, member)
    page = client.get("/case-studies/new").get_data(as_text=True)
    assert "Buffalo City Metropolitan Municipality" in page
    response = post(client, "/case-studies/new", form_data(themes=[str(theme.id)]))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/case-studies/{SLUG}"
    case_study = session.scalar(select(CaseStudy))
    assert case_study.status is CaseStudyStatus.DRAFT
    assert case_study.author_id == member.id
    assert [t.slug for t in case_study.themes] == ["revenue-collection"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your draft “Revenue collection turnaround” is saved." in page


def test_a_member_cannot_slip_in_another_organisation(client, session, member, other_organisation):
    sign_in(client, member)
    response = post(client, "/case-studies/new", form_data(organisation=str(other_organisation.id)))
    assert response.status_code == 302
    # Not theirs to choose: the posted organisation is ignored.
    assert session.scalar(select(CaseStudy)).organisation_id == member.organisation_id


def test_invalid_input_is_shown_beside_the_field(client, session, member):
    sign_in(client, member)
    response = post(client, "/case-studies/new", form_data(owners="ghost@example.org | Manager"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "nobody in the Hub has the address ghost@example.org" in page
    assert session.scalar(select(CaseStudy)) is None


def test_the_author_edits_a_draft(client, session, draft, member):
    sign_in(client, member)
    page = client.get(f"/case-studies/{SLUG}/edit").get_data(as_text=True)
    response = post(
        client,
        f"/case-studies/{SLUG}/edit",
        form_data(title="Revenue collection, revisited", version=version_on(page)),
    )
    assert response.status_code == 302
    assert reload(session, draft.id).title == "Revenue collection, revisited"
    assert reload(session, draft.id).slug == SLUG


def test_a_concurrent_edit_is_refused_and_the_typed_text_kept(
    client, session, draft, member, champion
):
    sign_in(client, member)
    opened = version_on(client.get(f"/case-studies/{SLUG}/edit").get_data(as_text=True))
    # Meanwhile the champion saves their own change.
    services.update_case_study(
        session,
        champion,
        draft,
        services.CaseStudyData(
            title="The champion's title", summary=draft.summary, sections=draft.section_texts()
        ),
        expected_version=draft.version,
    )
    session.commit()
    response = post(
        client,
        f"/case-studies/{SLUG}/edit",
        form_data(title="The member's title", results="My careful new results.", version=opened),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved this case study after you opened it" in page
    assert 'value="The member&#39;s title"' in page
    assert "My careful new results." in page
    assert reload(session, draft.id).title == "The champion's title"
    # Saving again, on purpose, with the fresh version replaces theirs.
    response = post(
        client,
        f"/case-studies/{SLUG}/edit",
        form_data(title="The member's title", version=version_on(page)),
    )
    assert response.status_code == 302
    assert reload(session, draft.id).title == "The member's title"


def test_a_form_without_a_version_is_refused_as_stale(client, session, draft, member):
    sign_in(client, member)
    response = post(client, f"/case-studies/{SLUG}/edit", form_data(title="No version"))
    assert "NOT saved" in response.get_data(as_text=True)
    assert reload(session, draft.id).title == "Revenue collection turnaround"


@pytest.mark.parametrize("role", ["outsider_champion", "colleague"])
def test_others_may_not_edit(request, client, session, published, role):
    user = (
        factories.make_user(session, organisation=request.getfixturevalue("organisation"))
        if role == "colleague"
        else request.getfixturevalue(role)
    )
    sign_in(client, user)
    assert client.get(f"/case-studies/{SLUG}/edit").status_code == 403


def test_the_author_may_not_edit_once_submitted(client, submitted, member):
    sign_in(client, member)
    assert client.get(f"/case-studies/{SLUG}/edit").status_code == 403


# History


def test_the_history_lists_revisions_and_shows_the_changed_words(client, session, draft, member):
    services.update_case_study(
        session,
        member,
        draft,
        services.CaseStudyData(
            title=draft.title,
            summary=draft.summary,
            sections={
                **draft.section_texts(),
                "results": "Collection rose from 61 to 84 percent <b>fast</b>.",
            },
        ),
        expected_version=draft.version,
    )
    session.commit()
    sign_in(client, member)
    page = client.get(f"/case-studies/{SLUG}/history").get_data(as_text=True)
    assert "<caption>Revisions, newest first</caption>" in page
    assert page.count('<th scope="row">') == 2
    page = client.get(f"/case-studies/{SLUG}/history?from=1&to=2").get_data(as_text=True)
    assert "Changes from revision 1 to revision 2" in page
    assert "<h3>Results and evidence</h3>" in page
    assert "from 61 to <del>78 </del><ins>84 </ins>percent" in page
    # Authors' text is escaped inside the markup of the diff, never turned into markup.
    assert "<del>in two years.</del><ins>&lt;b&gt;fast&lt;/b&gt;.</ins>" in page
    assert "<h3>Context</h3>" not in page  # unchanged sections are left out


def test_comparing_a_missing_revision_is_not_found(client, published):
    assert client.get(f"/case-studies/{SLUG}/history?from=1&to=9").status_code == 404


# The workflow through its buttons

ACTIONS = ["submit", "publish", "return", "archive"]


def test_the_champion_publishes_what_the_author_submitted(client, session, draft, member, champion):
    sign_in(client, member)
    response = post(client, f"/case-studies/{SLUG}/submit")
    assert response.headers["Location"] == f"/case-studies/{SLUG}"
    assert reload(session, draft.id).status is CaseStudyStatus.SUBMITTED
    post(client, "/logout")
    sign_in(client, champion)
    page = client.get(f"/case-studies/{SLUG}").get_data(as_text=True)
    assert "Publish" in page and "Return for changes" in page
    post(client, f"/case-studies/{SLUG}/publish")
    case_study = reload(session, draft.id)
    assert case_study.status is CaseStudyStatus.PUBLISHED
    assert case_study.reviewer_id == champion.id


def test_the_champion_returns_with_comments(client, session, submitted, champion):
    sign_in(client, champion)
    post(client, f"/case-studies/{SLUG}/return", {"comments": "Name your sources."})
    case_study = reload(session, submitted.id)
    assert case_study.is_returned and case_study.review_comments == "Name your sources."


def test_returning_without_comments_is_refused_with_a_message(client, session, submitted, champion):
    sign_in(client, champion)
    response = post(client, f"/case-studies/{SLUG}/return", {"comments": ""}, follow_redirects=True)
    assert "Tell the author what to change." in response.get_data(as_text=True)
    assert reload(session, submitted.id).status is CaseStudyStatus.SUBMITTED


@pytest.mark.parametrize("action", ACTIONS)
def test_workflow_actions_refuse_get(client, published, champion, action):
    sign_in(client, champion)
    assert client.get(f"/case-studies/{SLUG}/{action}").status_code == 405


@pytest.mark.parametrize("action", ACTIONS)
def test_workflow_actions_refuse_a_post_without_csrf_token(
    client, session, submitted, champion, action
):
    sign_in(client, champion)
    response = client.post(f"/case-studies/{SLUG}/{action}", data={"comments": "x"})
    assert response.status_code == 400
    assert reload(session, submitted.id).status is CaseStudyStatus.SUBMITTED


@pytest.mark.parametrize("path", ["/case-studies/new", f"/case-studies/{SLUG}/edit"])
def test_forms_refuse_a_post_without_csrf_token(client, session, draft, member, path):
    sign_in(client, member)
    assert client.post(path, data=form_data(title="Sneaky", version="1")).status_code == 400
    assert reload(session, draft.id).title == "Revenue collection turnaround"


@pytest.mark.parametrize("action", ACTIONS)
def test_workflow_actions_need_a_signed_in_user(client, published, action):
    response = post(client, f"/case-studies/{SLUG}/{action}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("action", ["publish", "return", "archive"])
def test_the_author_cannot_review(client, session, submitted, member, action):
    sign_in(client, member)
    assert post(client, f"/case-studies/{SLUG}/{action}", {"comments": "ok"}).status_code == 403
    assert reload(session, submitted.id).status is CaseStudyStatus.SUBMITTED


def test_a_champion_elsewhere_does_not_even_learn_it_exists(client, submitted, outsider_champion):
    sign_in(client, outsider_champion)
    assert post(client, f"/case-studies/{SLUG}/publish").status_code == 404


def test_archiving_takes_it_out_of_public_view(client, session, published, champion):
    sign_in(client, champion)
    post(client, f"/case-studies/{SLUG}/archive")
    assert reload(session, published.id).status is CaseStudyStatus.ARCHIVED
    client.get("/")
    assert client.get(f"/case-studies/{SLUG}").status_code == 200  # the champion still sees it
    post(client, "/logout")
    assert client.get(f"/case-studies/{SLUG}").status_code == 404
    assert session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
        "case_study.archived"
    )


# The feed


def test_the_feed_is_valid_atom_of_published_case_studies_only(client, session, catalogue, member):
    write_case_study(session, member, title="Unpublished draft")
    response = client.get("/case-studies/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Case studies · KMRG Knowledge Hub"
    titles = [entry.title for entry in feed.entries]
    assert set(titles) == {"Buffalo City billing", "eThekwini One Plan", "Waterberg pilot"}
    entry = next(e for e in feed.entries if e.title == "eThekwini One Plan")
    assert entry.link == "http://hub.test/case-studies/ethekwini-one-plan"
    assert entry.author == "eThekwini"
    assert [tag.term for tag in entry.tags] == ["district-development-model"]
    assert entry.summary == "How Buffalo City raised its collection rate by fixing bills first."


def test_the_feed_escapes_what_authors_typed(client, session, admin, organisation):
    case_study = write_case_study(
        session,
        admin,
        title="Rates & taxes <script>alert(1)</script>",
        summary='Fees < costs & "quotes" ]]> end',
        organisation_id=organisation.id,
    )
    services.submit_case_study(session, admin, case_study)
    services.publish_case_study(session, _second_admin(session), case_study)
    session.commit()
    feed = feedparser.parse(client.get("/case-studies/feed.atom").data)
    assert not feed.bozo
    assert feed.entries[0].title == "Rates & taxes <script>alert(1)</script>"
    assert "<script>" not in client.get("/case-studies/feed.atom").get_data(as_text=True)


def test_an_empty_feed_is_still_valid(client):
    feed = feedparser.parse(client.get("/case-studies/feed.atom").data)
    assert not feed.bozo and feed.entries == []
