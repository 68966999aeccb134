"""No cache keeps what a signed-in person was shown (issue 9): every page of the Hub, requested
signed in, says `Cache-Control: no-store`; public pages stay cacheable for anonymous visitors.

The tables run over every GET route in the app's URL map, on the demo content (loaded once for
the module), so a new page is covered without editing this file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.attachments.models import Attachment
from kmrg.auth.models import Role, User
from kmrg.casestudies.models import CaseStudy, CaseStudyStatus
from kmrg.communities.models import Topic
from kmrg.demo import load_demo
from kmrg.events import agenda, attendance, minutes, outcomes
from kmrg.events import services as meeting_services
from kmrg.events.models import Meeting, MeetingStatus
from kmrg.experts.models import ExpertProfile
from kmrg.extensions import db
from kmrg.inbox.models import Conversation
from kmrg.lessons.models import Lesson
from kmrg.localtime import from_local, local_today
from kmrg.mail.models import MailMessage
from kmrg.mail.services import queue_message
from kmrg.security import PRIVATE_PATHS
from kmrg.themes.models import Theme
from tests.conftest import _created_apps, empty_database, make_app
from tests.factories import post


@dataclass
class DemoHub:
    app: Flask
    password: str
    people: dict[str, str]  # role in the story -> e-mail
    paths: dict[str, str]  # endpoint -> a path to it with real records


def _an_action_id(session: Session) -> int:
    """Return an action item's id, recording one of a meeting of its own while the demo has none."""
    from datetime import timedelta

    from kmrg.auth.models import Role
    from kmrg.events import actions
    from kmrg.events import services as meeting_services
    from kmrg.events.models import ActionItem
    from kmrg.localtime import from_local, local_today

    found = session.scalars(select(ActionItem.id)).first()
    if found is not None:
        return found
    admin = session.scalars(select(User).where(User.role == Role.ADMIN)).first()
    series = meeting_services.create_series(
        session, admin, meeting_services.SeriesData(title="Private pages actions")
    )
    day = local_today() - timedelta(days=10)
    meeting = meeting_services.create_meeting(
        session,
        admin,
        series,
        meeting_services.MeetingData(
            title="Private pages actions meeting",
            starts_at=from_local(day),
            ends_at=from_local(day) + timedelta(hours=6),
        ),
    )
    session.flush()
    action = actions.record_action(
        session,
        admin,
        meeting,
        actions.ActionData(description="Send the template", owner_user_id=admin.id),
    )
    session.commit()
    return action.id


def _a_meeting(session: Session) -> Meeting:
    """Return a held meeting with a session, an attendee, an outcome and draft minutes.

    Built here, through the services, while the demo has no meeting that far along.
    """
    meeting = session.scalars(
        select(Meeting).where(Meeting.status == MeetingStatus.MINUTES_DRAFT)
    ).first()
    if (
        meeting is not None
        and meeting.sessions
        and meeting.outcomes
        and any(p.attended for p in meeting.participants)
    ):
        return meeting
    admin = session.scalars(select(User).where(User.role == Role.ADMIN)).first()
    series = meeting_services.create_series(
        session, admin, meeting_services.SeriesData(title="Private pages series")
    )
    day = local_today() - timedelta(days=30)
    meeting = meeting_services.create_meeting(
        session,
        admin,
        series,
        meeting_services.MeetingData(
            title="Private pages meeting",
            starts_at=from_local(day, time(9)),
            ends_at=from_local(day, time(16)),
        ),
    )
    session.flush()
    meeting_services.change_meeting_status(
        session, admin, meeting, MeetingStatus.HELD, expected_version=meeting.version
    )
    agenda.add_session(session, admin, meeting, agenda.SessionData(title="Welcome"))
    attendance.add_walk_in_member(session, admin, meeting, admin)
    outcomes.record_outcome(session, admin, meeting, outcomes.OutcomeData(text="Agreed."))
    record = minutes.start_minutes(session, admin, meeting)
    minutes.save_minutes(session, admin, record, "Minutes.", expected_version=record.version)
    session.commit()
    return meeting


def _a_topic(session: Session) -> Topic:
    """Return a topic with a reply, started in a community of its own while the demo has none."""
    from kmrg.communities import discussions
    from kmrg.communities import services as community_services

    topic = session.scalars(select(Topic)).first()
    if topic is not None and len(topic.posts) > 1:
        return topic
    admin = session.scalars(select(User).where(User.role == Role.ADMIN)).first()
    community = community_services.create_community(
        session, admin, community_services.CommunityData(name="Private pages community")
    )
    topic = discussions.start_topic(session, admin, community, title="A topic", body="Words.")
    discussions.reply_to_topic(session, admin, topic, "A reply.")
    session.commit()
    return topic


def _paths(app: Flask, session: Session) -> dict[str, str]:
    """Return one path per GET route, filled in with demo records where the route takes any."""
    case_study = session.scalars(
        select(CaseStudy).where(CaseStudy.status == CaseStudyStatus.PUBLISHED)
    ).first()
    attachment = session.scalars(select(Attachment)).first()
    message_id = session.scalars(select(MailMessage.id)).first()
    if message_id is None:
        message_id = queue_message(session, "someone@example.org", "Stored", "A message.").id
        session.commit()
    meeting = _a_meeting(session)
    topic = _a_topic(session)
    values = {
        "topic_id": topic.id,
        "post_id": topic.posts[1].id,
        "code": "BUF",
        "user_id": session.scalars(select(User.id)).first(),
        "lesson_id": session.scalars(select(Lesson.id)).first(),
        "conversation_id": session.scalars(select(Conversation.id)).first(),
        "attachment_id": attachment.id,
        "display_name": attachment.display_name,
        "message_id": message_id,
        "token": "not-a-real-token",
        "action_id": _an_action_id(session),
        "session_id": meeting.sessions[0].id,
        "participant_id": meeting.participants[0].id,
        "outcome_id": meeting.outcomes[0].id,
    }
    slugs = {
        "themes": session.scalars(select(Theme.slug)).first(),
        "experts": session.scalars(select(ExpertProfile.slug)).first(),
        "inbox": session.scalars(select(ExpertProfile.slug)).first(),
        "events": meeting.slug,
        "meeting_series": meeting.series.slug,
        "communities": topic.community.slug,
    }
    paths = {}
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
                continue
            area = rule.endpoint.split(".")[0]
            if rule.rule.startswith("/meetings/series/"):
                area = "meeting_series"
            arguments = {
                name: slugs.get(area, case_study.slug) if name == "slug" else values[name]
                for name in rule.arguments
            }
            paths[rule.endpoint] = url_for(rule.endpoint, **arguments)
    return paths


@pytest.fixture(scope="module")
def demo_hub(migrated: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoHub]:
    app = make_app(migrated, tmp_path_factory.mktemp("demo"))
    _created_apps.remove(app)  # lives for the whole module; closed below
    with app.app_context():
        credentials = load_demo(db.session)
        db.session.commit()
        starter = db.session.scalars(select(Conversation)).first().starter
        people = {
            "admin": credentials.admin_email,
            "champion": credentials.champion_email,
            "member in a conversation": starter.email,
        }
        paths = _paths(app, db.session)
        db.session.remove()
    yield DemoHub(app, credentials.password, people, paths)
    with app.app_context():
        db.session.remove()
        empty_database(db.engine)
        app.extensions["kmrg.search"].backend.close()
        db.engine.dispose()


def signed_in(hub: DemoHub, role: str):
    client = hub.app.test_client()
    response = post(client, "/login", {"email": hub.people[role], "password": hub.password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.mark.parametrize("role", ["admin", "champion", "member in a conversation"])
def test_every_page_a_signed_in_person_gets_says_no_store(demo_hub, role):
    client = signed_in(demo_hub, role)
    answers = {}
    for endpoint, path in sorted(demo_hub.paths.items()):
        with client.get(path) as response:  # closes a downloaded file's handle
            answers[endpoint] = (
                response.status_code,
                response.mimetype,
                response.headers.get("Cache-Control", ""),
            )
    assert answers  # the table is the URL map: every GET route but static files
    cacheable = {e: a for e, a in answers.items() if "no-store" not in a[2]}
    assert cacheable == {}, f"{len(cacheable)} of {len(answers)} responses may be cached"
    assert all(status < 500 for status, _, _ in answers.values()), answers
    # Real pages, not only refusals: HTML and JSON both covered.
    pages = [a for a in answers.values() if a[0] == 200]
    assert {"text/html", "application/json"} <= {mimetype for _, mimetype, _ in pages}
    if role == "admin":
        assert len(pages) >= 0.8 * len(answers), answers


def test_private_paths_say_no_store_even_to_a_visitor_signed_out(demo_hub):
    client = demo_hub.app.test_client()
    private = {e: p for e, p in demo_hub.paths.items() if p.startswith(PRIVATE_PATHS)}
    assert {"auth.account", "inbox.list_conversations", "admin.dashboard"} <= private.keys()
    for path in private.values():
        with client.get(path) as response:
            assert response.headers.get("Cache-Control") == "no-store", path


def test_public_pages_stay_cacheable_for_anonymous_visitors(demo_hub):
    client = demo_hub.app.test_client()
    public = {e: p for e, p in demo_hub.paths.items() if not p.startswith(PRIVATE_PATHS)}
    shown = {}
    for endpoint, path in public.items():
        with client.get(path) as response:
            # The view itself keeps a contact card out of caches (personal information).
            if response.status_code == 200 and endpoint != "experts.download_vcard":
                shown[endpoint] = response.headers.get("Cache-Control", "")
    assert {"home.index", "casestudies.list_case_studies", "api.list_organisations"} <= set(shown)
    assert {e: c for e, c in shown.items() if "no-store" in c} == {}


def test_signing_in_and_out_are_not_cached(demo_hub):
    client = demo_hub.app.test_client()
    signing_in = post(
        client,
        "/login",
        {"email": demo_hub.people["champion"], "password": demo_hub.password, "remember": "y"},
    )
    assert signing_in.status_code == 302
    assert "kmrg_session=" in " ".join(signing_in.headers.getlist("Set-Cookie"))
    assert signing_in.headers["Cache-Control"] == "no-store"

    signing_out = post(client, "/logout")
    assert signing_out.status_code == 302
    assert any(c.startswith("kmrg_remember=;") for c in signing_out.headers.getlist("Set-Cookie"))
    assert signing_out.headers["Cache-Control"] == "no-store"
