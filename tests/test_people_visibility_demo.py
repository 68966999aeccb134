"""The demo world named its members to the public through endorsements (issue 9, item 2).

The demo is loaded once for the module, as `kmrg demo` loads it; each test reads real pages.
Members who keep their profile to members (or to themselves) endorsed public experts; the
public must not learn their names from those endorsements, nor from any case study or lesson.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from kmrg.auth.models import AccountStatus, ProfileVisibility, User
from kmrg.casestudies.models import CaseStudy, CaseStudyStatus
from kmrg.demo import load_demo
from kmrg.experts.models import Endorsement, ExpertProfile
from kmrg.extensions import db
from kmrg.lessons.models import Lesson
from kmrg.search.pipeline import get_pipeline
from tests.conftest import empty_database, make_app
from tests.factories import post

PASSWORD = "demo-password-for-tests"
MEMBER_EMAIL = "member.nmb@example.org"  # an ordinary member, who endorsed nobody


@pytest.fixture(scope="module")
def demo_app(migrated: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = make_app(migrated, tmp_path_factory.mktemp("people-demo"))
    with app.app_context():
        empty_database(db.engine)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("KMRG_DEMO_PASSWORD", PASSWORD)
            load_demo(db.session)
        db.session.commit()
        get_pipeline().rebuild()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        empty_database(db.engine)
        get_pipeline().backend.close()
        db.engine.dispose()


@pytest.fixture(scope="module")
def endorsements(demo_app: Flask) -> list[tuple[str, str, ProfileVisibility, str | None]]:
    """(expert page, endorser's name and visibility, expert's e-mail if a member) of each one."""
    with demo_app.app_context():
        rows = db.session.scalars(select(Endorsement).join(Endorsement.profile))
        return [
            (
                f"/experts/{e.profile.slug}",
                e.endorser.name,
                e.endorser.profile_visibility,
                e.profile.user.email if e.profile.user is not None else None,
            )
            for e in rows
            if e.profile.visibility is ProfileVisibility.PUBLIC and not e.is_hidden
        ]


def test_the_demo_has_members_who_keep_their_name_from_the_public_endorsing_public_experts(
    endorsements,
):
    private = {
        name for _page, name, seen_by, _ in endorsements if seen_by is not ProfileVisibility.PUBLIC
    }
    assert len(private) >= 3, private


def test_the_public_sees_only_the_endorsers_who_chose_to_be_public(demo_app, endorsements):
    client = demo_app.test_client()
    for page, name, seen_by, _expert in endorsements:
        html = client.get(page).get_data(as_text=True)
        assert (name in html) is (seen_by is ProfileVisibility.PUBLIC), (page, name, seen_by)
        if seen_by is not ProfileVisibility.PUBLIC:
            assert "a member of the network" in html


def test_members_see_the_endorsers_who_let_members_see_them(demo_app, endorsements):
    client = demo_app.test_client()
    assert post(client, "/login", {"email": MEMBER_EMAIL, "password": PASSWORD}).status_code == 302
    for page, name, seen_by, _expert in endorsements:
        html = client.get(page).get_data(as_text=True)
        assert (name in html) is (seen_by is not ProfileVisibility.HIDDEN), (page, name, seen_by)


def test_the_expert_sees_everyone_who_endorsed_them(demo_app, endorsements):
    for page, name, _seen_by, expert in endorsements:
        if expert is None:
            continue  # an external expert has no account (tests/test_people_visibility.py)
        client = demo_app.test_client()
        assert post(client, "/login", {"email": expert, "password": PASSWORD}).status_code == 302
        assert name in client.get(page).get_data(as_text=True), (page, name)


def test_no_published_page_names_a_member_who_is_not_public(demo_app):
    with demo_app.app_context():
        private = [
            user.name
            for user in db.session.scalars(select(User))
            if user.profile_visibility is not ProfileVisibility.PUBLIC
            or user.status is not AccountStatus.ACTIVE
        ]
        # A public expert profile is its person's own choice to be found as an expert.
        listed = {
            profile.name
            for profile in db.session.scalars(select(ExpertProfile))
            if profile.visibility is ProfileVisibility.PUBLIC
        }
        slugs = db.session.scalars(
            select(CaseStudy.slug).where(CaseStudy.status == CaseStudyStatus.PUBLISHED)
        ).all()
        lesson_ids = db.session.scalars(select(Lesson.id)).all()
    paths = [f"/case-studies/{slug}" for slug in slugs]
    paths += [f"/case-studies/{slug}/history" for slug in slugs]
    paths += [f"/lessons/{number}" for number in lesson_ids]
    paths += ["/", "/case-studies/feed.atom"]
    client = demo_app.test_client()
    for path in paths:
        response = client.get(path)
        if response.status_code == 404:
            continue  # a lesson the public may not see
        html = response.get_data(as_text=True)
        for name in private:
            if name not in listed:
                assert name not in html, (path, name)
