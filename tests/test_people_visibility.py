"""Every place a person is named, for every profile visibility and every kind of viewer (POPIA).

One small world is built once for the module through the real services: for each visibility a
person can choose (and for a public person whose account was later disabled) a member and a KM
champion of their own municipality, who endorse an expert, write, own and review a case study,
edit it, promote its lesson, record an adaptation, keep an external expert's profile and write
to the expert's inbox. Each test fetches one page as one viewer and asserts what it shows of one
person: their name linked to their profile, their name alone (a person who addressed the viewer),
or nothing of their name and organisation at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kmrg.attachments.services import make_upload
from kmrg.auth.models import AccountStatus, ProfileVisibility, Role, User
from kmrg.casestudies import adaptation_services
from kmrg.casestudies import services as case_studies
from kmrg.casestudies.owners import OwnerEntry
from kmrg.communities import discussions
from kmrg.communities import services as communities
from kmrg.events import actions, agenda, attendance, minutes
from kmrg.events import services as meetings
from kmrg.events.annexures import AnnexureData, add_annexure
from kmrg.events.models import MeetingStatus, MeetingVisibility
from kmrg.experts.endorsements import endorse_expert
from kmrg.experts.models import ExpertiseLevel, area_key
from kmrg.experts.services import (
    ExpertiseEntry,
    ExternalPerson,
    ProfileDetails,
    create_external_profile,
)
from kmrg.extensions import db
from kmrg.inbox.services import ContactRequest, contact_expert
from kmrg.lessons import services as lessons
from kmrg.lessons.models import LessonStage
from kmrg.localtime import from_local, local_today
from kmrg.search.pipeline import get_pipeline
from tests import factories
from tests.attachments.files import make_pdf
from tests.casestudies.conftest import case_study_data
from tests.conftest import empty_database, make_app
from tests.experts.conftest import make_profile

# The choices a person makes, and a public person whose account was disabled afterwards.
STATES = ("hidden", "members", "public", "disabled")
VISIBILITY = {
    "hidden": ProfileVisibility.HIDDEN,
    "members": ProfileVisibility.MEMBERS,
    "public": ProfileVisibility.PUBLIC,
    "disabled": ProfileVisibility.PUBLIC,
}
# Names that appear nowhere else, so finding one on a page can only be that person.
MEMBER_NAMES = {
    "hidden": "Hlengiwe Hadebe",
    "members": "Mandisa Msimang",
    "public": "Palesa Phiri",
    "disabled": "Dumisani Dube",
}
CHAMPION_NAMES = {
    "hidden": "Hendrik Hugo",
    "members": "Mbali Mthethwa",
    "public": "Pumla Pillay",
    "disabled": "Dirk Daniels",
}
ORGANISATION_NAMES = {
    "hidden": "Hadeville Local Municipality",
    "members": "Mosiville Local Municipality",
    "public": "Parkton Local Municipality",
    "disabled": "Dunmore Local Municipality",
}
VIEWERS = ("anonymous", "member", "admin", "self", "expert")
METER = area_key(None, "Meter auditing")


@dataclass
class World:
    """Ids and slugs of what was built, so tests read pages without holding loaded objects."""

    people: dict[tuple[str, str], int]  # (kind, state) -> user id; kind is member or champion
    users: dict[str, int]  # viewer -> user id (member, admin, expert)
    expert_slug: str
    case_studies: dict[str, str]  # state -> slug of the case study its member wrote
    lessons: dict[str, int]  # state -> id of the lesson its champion promoted
    external_slugs: dict[str, str]  # state -> slug of the external profile its champion keeps
    organisation_codes: dict[str, str]
    adapted_slug: str  # the expert's organisation's case study every member adapted
    conversations: list[int]  # each member's conversation with the expert
    meeting_slug: str = ""  # a public meeting every member attended and commented the minutes of
    password: str = factories.PASSWORD
    meetings: dict[str, str] = field(default_factory=dict)  # state -> slug of its public meeting
    actions: dict[str, int] = field(default_factory=dict)  # state -> id of the member's action
    community_slug: str = ""  # a public community every member joined
    topics: dict[str, int] = field(default_factory=dict)  # state -> id of the member's topic


def _person(session, state: str, kind: str, organisation) -> User:
    names = MEMBER_NAMES if kind == "member" else CHAMPION_NAMES
    return factories.make_user(
        session,
        name=names[state],
        email=f"{kind}.{state}@example.org",
        role=Role.MEMBER if kind == "member" else Role.CHAMPION,
        organisation=organisation,
        job_title=f"{state.title()} {kind} officer",
        profile_visibility=VISIBILITY[state],
    )


def _publish(session, author: User, reviewer: User, **data: Any) -> Any:
    case_study = case_studies.create_case_study(session, author, case_study_data(**data))
    case_studies.submit_case_study(session, author, case_study)
    case_studies.publish_case_study(session, reviewer, case_study)
    return case_study


def build_world(session) -> World:
    """Build every place a person appears, once, through the real services; commit it."""
    theme = factories.make_theme(session, "Revenue collection")
    expert_town = factories.make_organisation(session, name="Expertville Local Municipality")
    outsider_town = factories.make_organisation(session, name="Outsider Local Municipality")
    admin = factories.make_user(session, name="Ayanda Admin", role=Role.ADMIN)
    outsider = factories.make_user(
        session,
        name="Olwethu Outsider",
        organisation=outsider_town,
        profile_visibility=ProfileVisibility.MEMBERS,
    )
    expert = factories.make_user(
        session,
        name="Thabo Tshabalala",
        organisation=expert_town,
        profile_visibility=ProfileVisibility.PUBLIC,
    )
    expert_champion = factories.make_user(
        session, name="Eunice Expertville", role=Role.CHAMPION, organisation=expert_town
    )
    profile = make_profile(
        session,
        expert,
        expertise=[ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, skill="Meter auditing")],
    )
    adapted = _publish(
        session,
        expert,
        expert_champion,
        title="Expertville meter audit",
        theme_ids=[theme.id],
    )
    series = meetings.create_series(session, admin, meetings.SeriesData(title="Meters forum"))
    session.commit()

    world = World(
        people={},
        users={"member": outsider.id, "admin": admin.id, "expert": expert.id},
        expert_slug=profile.slug,
        case_studies={},
        lessons={},
        external_slugs={},
        organisation_codes={},
        adapted_slug=adapted.slug,
        conversations=[],
    )
    for number, state in enumerate(STATES, start=1):
        town = factories.make_organisation(
            session, code=f"PV{number}", name=ORGANISATION_NAMES[state]
        )
        member = _person(session, state, "member", town)
        champion = _person(session, state, "champion", town)
        world.people[("member", state)] = member.id
        world.people[("champion", state)] = champion.id
        world.organisation_codes[state] = town.code

        endorse_expert(session, member, profile, METER, f"{state} colleague: we audited meters.")
        case_study = _publish(
            session,
            member,
            champion,
            title=f"Water losses in {town.name}",
            theme_ids=[theme.id],
            owners=[OwnerEntry(user=member, role="Project lead", is_contact=True)],
        )
        world.case_studies[state] = case_study.slug
        lesson = lessons.create_lesson(
            session,
            member,
            title=f"Count the meters first in {town.name}",
            driving_event="The meters were never counted.",
            lesson="Count them before anything else.",
            source=("case_study", case_study.id),
        )
        lessons.promote_lesson(session, champion, lesson, LessonStage.LESSON)
        world.lessons[state] = lesson.id
        adaptation_services.record_adaptation(
            session,
            member,
            adapted,
            what_changed=f"{town.name} used smaller zones.",
            what_happened="Losses fell.",
        )
        external = create_external_profile(
            session,
            champion,
            ExternalPerson(
                name=f"Professor {state.title()} Outsider",
                consent_note="Agreed by e-mail to a public profile.",
            ),
            _external_details(),
        )
        world.external_slugs[state] = external.slug
        conversation = contact_expert(
            session,
            member,
            profile,
            ContactRequest(subject=f"Meters in {town.name}", need="Could we talk about meters?"),
        )
        world.conversations.append(conversation.id)
        # A public meeting hosted elsewhere, where the champion facilitates and the member speaks.
        meeting = meetings.create_meeting(
            session,
            admin,
            series,
            meetings.MeetingData(
                title=f"Meters forum number {number}",
                starts_at=datetime(2031, 3, number, 7, tzinfo=UTC),
                ends_at=datetime(2031, 3, number, 14, tzinfo=UTC),
                host_organisation_id=expert_town.id,
                visibility=MeetingVisibility.PUBLIC,
            ),
        )
        agenda.add_session(
            session,
            admin,
            meeting,
            agenda.SessionData(
                title="Meter audits",
                facilitator_id=champion.id,
                speakers=[agenda.SpeakerEntry(user_id=member.id)],
            ),
        )
        world.meetings[state] = meeting.slug
        # The member owns an action of the meeting and notes its progress.
        action = actions.record_action(
            session,
            admin,
            meeting,
            actions.ActionData(description="Audit the meters", owner_user_id=member.id),
        )
        actions.note_progress(session, member, action, note="Half done.", expected_version=1)
        world.actions[state] = action.id
        # The member presented annexure A there, for their municipality.
        add_annexure(
            session,
            admin,
            meeting,
            make_upload(make_pdf("Water losses"), "slides.pdf"),
            AnnexureData(
                title="Water losses",
                presenter_id=member.id,
                presenting_organisation_id=town.id,
            ),
        )
        session.commit()
    world.meeting_slug = _meeting_everyone_attended(session, admin, world)
    _community_everyone_joined(session, admin, world)
    # Accounts are disabled after their owners did everything above, as happens when people leave.
    for kind in ("member", "champion"):
        session.get(User, world.people[(kind, "disabled")]).status = AccountStatus.DISABLED
    session.commit()
    return world


def _community_everyone_joined(session, admin: User, world: World) -> None:
    """Start a public community every member joined, each starting a topic the admin answers."""
    community = communities.create_community(
        session, admin, communities.CommunityData(name="Everyone's community")
    )
    for state in STATES:
        member = session.get(User, world.people[("member", state)])
        communities.join_community(session, member, community)
        topic = discussions.start_topic(
            session, member, community, title=f"Topic {state}", body="A question."
        )
        discussions.reply_to_topic(session, admin, topic, "An answer.")
        world.topics[state] = topic.id
    world.community_slug = community.slug
    session.commit()


def _meeting_everyone_attended(session, admin: User, world: World) -> str:
    """Hold a public meeting every member attended; each comments its minutes, then approved."""
    series = meetings.create_series(session, admin, meetings.SeriesData(title="Reference group"))
    day = local_today() - timedelta(days=30)
    meeting = meetings.create_meeting(
        session,
        admin,
        series,
        meetings.MeetingData(
            title="Meeting of every visibility",
            starts_at=from_local(day, time(9)),
            ends_at=from_local(day, time(16)),
            visibility=MeetingVisibility.PUBLIC,
        ),
    )
    session.flush()
    meetings.change_meeting_status(
        session, admin, meeting, MeetingStatus.HELD, expected_version=meeting.version
    )
    people = [session.get(User, world.people[("member", state)]) for state in STATES]
    for person in people:
        attendance.add_walk_in_member(session, admin, meeting, person)
    record = minutes.start_minutes(session, admin, meeting)
    minutes.save_minutes(session, admin, record, "We met.", expected_version=record.version)
    minutes.circulate_minutes(session, admin, record, expected_version=record.version)
    for number, person in enumerate(people, start=1):
        minutes.comment_on_minutes(session, person, record, f"Comment number {number}.")
    minutes.approve_minutes(session, admin, record, expected_version=record.version)
    session.commit()
    return meeting.slug


def _external_details() -> ProfileDetails:
    return ProfileDetails(
        headline="Municipal meters",
        expertise=[ExpertiseEntry(level=ExpertiseLevel.AUTHORITY, skill="Meter reading")],
        visibility=ProfileVisibility.PUBLIC,
    )


@pytest.fixture(scope="module")
def world_app(migrated: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = make_app(migrated, tmp_path_factory.mktemp("people"))
    with app.app_context():
        empty_database(db.engine)
        app.config["WORLD"] = build_world(db.session)
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        empty_database(db.engine)
        get_pipeline().backend.close()
        db.engine.dispose()


@pytest.fixture(scope="module")
def world(world_app: Flask) -> World:
    return world_app.config["WORLD"]


@pytest.fixture(scope="module")
def clients(world_app: Flask, world: World) -> dict[tuple[str, str | None], FlaskClient]:
    """A client per viewer, signed in once; "self" clients per person who may sign in."""
    made: dict[tuple[str, str | None], FlaskClient] = {}

    def signed_in(email: str) -> FlaskClient:
        client = world_app.test_client()
        response = factories.post(client, "/login", {"email": email, "password": world.password})
        assert response.status_code == 302, email
        return client

    with world_app.app_context():
        made[("anonymous", None)] = world_app.test_client()
        for viewer in ("member", "admin", "expert"):
            made[(viewer, None)] = signed_in(db.session.get(User, world.users[viewer]).email)
        for (kind, state), user_id in world.people.items():
            if state != "disabled":
                made[("self", f"{kind}.{state}")] = signed_in(db.session.get(User, user_id).email)
    return made


def client_for(clients, viewer: str, kind: str = "member", state: str = "") -> FlaskClient:
    """Return the viewer's client ("self" is the person of that kind and state)."""
    if viewer == "self":
        return clients[("self", f"{kind}.{state}")]
    return clients[(viewer, None)]


def may_open_profile(viewer: str, state: str) -> bool:
    """Whether the viewer may open the person's profile: the rule every place must follow."""
    if viewer == "admin":
        return True
    if state == "disabled":
        return False
    if viewer == "self":
        return True
    if viewer == "anonymous":
        return state == "public"
    return state in ("public", "members")


@pytest.fixture(scope="module")
def page() -> Any:
    """Fetch a page once per viewer for the whole module (every person on it is checked)."""
    fetched: dict[tuple[int, str], tuple[int, str]] = {}

    def fetch(client: FlaskClient, path: str) -> tuple[int, str]:
        key = (id(client), path)
        if key not in fetched:
            response = client.get(path)
            fetched[key] = (response.status_code, response.get_data(as_text=True))
        return fetched[key]

    return fetch


def link_to(world: World, kind: str, state: str) -> str:
    return f'<a href="/people/{world.people[(kind, state)]}">'


def assert_shown(
    html: str, world: World, kind: str, state: str, *, linked: bool, with_organisation: bool
) -> None:
    name = (MEMBER_NAMES if kind == "member" else CHAMPION_NAMES)[state]
    assert name in html
    if linked:
        assert f"{link_to(world, kind, state)}{name}</a>" in html
    else:
        assert link_to(world, kind, state) not in html
    if with_organisation:
        assert ORGANISATION_NAMES[state] in html


def assert_not_shown(html: str, world: World, kind: str, state: str, *, organisation: bool) -> None:
    name = (MEMBER_NAMES if kind == "member" else CHAMPION_NAMES)[state]
    assert name not in html
    assert link_to(world, kind, state) not in html
    # Nor any part of the name: a surname alone, or the job title, would point at them.
    for word in name.split():
        assert word not in html
    assert f"{state.title()} {kind} officer" not in html
    if organisation:
        assert ORGANISATION_NAMES[state] not in html


# -- Places on public pages: (place, kind of person, path, whether their organisation is shown) --

PLACES = {
    "endorsement": ("member", lambda w, s: f"/experts/{w.expert_slug}", True),
    "case study author and owner": (
        "member",
        lambda w, s: f"/case-studies/{w.case_studies[s]}",
        False,
    ),
    "case study reviewer": ("champion", lambda w, s: f"/case-studies/{w.case_studies[s]}", False),
    "revision editor": ("member", lambda w, s: f"/case-studies/{w.case_studies[s]}/history", False),
    "lesson promoter": ("champion", lambda w, s: f"/lessons/{w.lessons[s]}", False),
    "adaptation recorder": ("member", lambda w, s: f"/case-studies/{w.adapted_slug}", False),
    "external profile keeper": ("champion", lambda w, s: f"/experts/{w.external_slugs[s]}", False),
    "meeting speaker": ("member", lambda w, s: f"/meetings/{w.meetings[s]}", True),
    "meeting facilitator": ("champion", lambda w, s: f"/meetings/{w.meetings[s]}", True),
    "action owner and progress author": (
        "member",
        lambda w, s: f"/meetings/actions/{w.actions[s]}",
        False,
    ),
    # Owners' organisations are offered as a filter only where the owner is named.
    "open actions page": ("member", lambda w, s: "/meetings/actions/", True),
    "annexure presenter": ("member", lambda w, s: f"/meetings/{w.meetings[s]}", True),
    "organisation's members": (
        "member",
        lambda w, s: f"/organisations/{w.organisation_codes[s]}",
        False,
    ),
    "organisation's champions": (
        "champion",
        lambda w, s: f"/organisations/{w.organisation_codes[s]}",
        False,
    ),
    "meeting attendee": ("member", lambda w, s: f"/meetings/{w.meeting_slug}", True),
    "minutes commenter": ("member", lambda w, s: f"/meetings/{w.meeting_slug}/minutes", False),
    "community member and topic author": (
        "member",
        lambda w, s: f"/communities/{w.community_slug}",
        False,
    ),
    "discussion post author": (
        "member",
        lambda w, s: f"/communities/{w.community_slug}/topics/{w.topics[s]}",
        False,
    ),
}
# The person addressed the viewer (wrote an endorsement of the viewer's own profile).
ADDRESSED = {("endorsement", "expert")}
# An inactive member's endorsement counts for nothing and is not shown at all.
# (An organisation lists its active people only.)
LEFT_OUT_WHEN_DISABLED = {"endorsement", "organisation's members", "organisation's champions"}


# Every viewer of every person, but the disabled themselves (they cannot sign in).
VIEWS = [(s, v) for s in STATES for v in VIEWERS if (s, v) != ("disabled", "self")]


@pytest.mark.parametrize(("state", "viewer"), VIEWS)
@pytest.mark.parametrize("place", PLACES)
def test_a_person_is_named_only_as_far_as_they_chose(clients, world, page, place, state, viewer):
    kind, path_of, with_organisation = PLACES[place]
    client = client_for(clients, viewer, kind, state)
    status, html = page(client, path_of(world, state))
    assert status == 200
    if state == "disabled" and place in LEFT_OUT_WHEN_DISABLED:
        assert_not_shown(html, world, kind, state, organisation=with_organisation)
    elif may_open_profile(viewer, state):
        assert_shown(html, world, kind, state, linked=True, with_organisation=with_organisation)
    elif (place, viewer) in ADDRESSED:
        assert_shown(html, world, kind, state, linked=False, with_organisation=with_organisation)
    else:
        assert_not_shown(html, world, kind, state, organisation=with_organisation)


# -- Messages: between their two participants only -------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_the_expert_sees_who_wrote_to_them_with_their_organisation(clients, world, page, state):
    status, html = page(client_for(clients, "expert"), "/inbox/")
    assert status == 200
    # They wrote to the expert knowing their name and organisation go with the message.
    linked = may_open_profile("expert", state)
    assert_shown(html, world, "member", state, linked=linked, with_organisation=True)


@pytest.mark.parametrize("viewer", ["anonymous", "member", "admin"])
def test_nobody_else_opens_a_conversation(clients, world, viewer):
    client = client_for(clients, viewer)
    for number in world.conversations:
        response = client.get(f"/inbox/{number}")
        expected = (302, 404) if viewer == "anonymous" else (404,)
        assert response.status_code in expected
        html = response.get_data(as_text=True)
        for state in STATES:
            assert MEMBER_NAMES[state] not in html


# -- Search, the JSON API and the feed: nothing indexed that the person did not make public --


def _results(client: FlaskClient, query: str) -> dict[str, Any]:
    response = client.get("/api/v1/search", query_string={"q": query})
    assert response.status_code == 200
    return response.get_json()


def findable(viewer: str, state: str) -> bool:
    """Tell whether search finds the person: a listed (not hidden) profile the viewer may see."""
    return state in ("members", "public") and may_open_profile(viewer, state)


@pytest.mark.parametrize(("state", "viewer"), VIEWS)
@pytest.mark.parametrize("kind", ["member", "champion"])
def test_search_finds_a_person_only_as_far_as_they_chose(clients, world, page, kind, state, viewer):
    client = client_for(clients, viewer, kind, state)
    name = (MEMBER_NAMES if kind == "member" else CHAMPION_NAMES)[state]
    for query in (name, name.split()[-1]):
        found = _results(client, query)
        shown = [r for r in found["results"] if name in r["title"] or name in r["snippet"]]
        status, html = page(client, f"/search?q={query}")
        assert status == 200
        if findable(viewer, state):
            assert [r["url"] for r in shown] == [f"/people/{world.people[(kind, state)]}"]
            assert link_to(world, kind, state) in html
        else:
            # Not a result of any kind, nor a snippet, nor a count: nothing says they exist.
            assert found["total"] == 0 and found["results"] == []
            assert link_to(world, kind, state) not in html
    if not findable(viewer, state):
        # Nor a did-you-mean that spells their name for someone who typed it nearly right.
        surname = name.split()[-1]
        suggestion = _results(client, surname[:-1] + "x")["suggestion"]
        assert suggestion is None or surname.lower() not in suggestion["query"].lower()


def test_the_feed_and_the_home_page_name_nobody(clients, world, page):
    anonymous = client_for(clients, "anonymous")
    for path in ("/case-studies/feed.atom", "/", "/case-studies/", "/lessons/", "/experts/"):
        status, html = page(anonymous, path)
        assert status == 200, path
        for state in ("hidden", "members", "disabled"):
            for names in (MEMBER_NAMES, CHAMPION_NAMES):
                assert names[state] not in html, (path, state)


# -- Templates cannot forget: a person's name or profile link is printed only by person() ------

TEMPLATES = Path(__file__).parent.parent / "templates"
# A User reached from a record, printed by name, or a hand-made link to a profile.
NAMED_BY_HAND = re.compile(
    r"url_for\(['\"]auth\.show_person|\.(user|author|reviewer|editor|promoted_by|recorded_by"
    r"|managed_by|starter|sender|recipient|endorser|approved_by)\.name\b"
)


def test_templates_name_people_only_through_person():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if NAMED_BY_HAND.search(line)
    ]
    assert found == [], "use {{ person(user) }} (kmrg/auth/people.py):\n" + "\n".join(found)
