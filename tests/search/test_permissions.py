"""Search never shows what a viewer may not see: a table of every document type × state × viewer.

For each record the table says who finds it. Two rules hold in every cell: what search finds,
the area's `can_view` allows (no leak through results, totals or facet counts), and an ordinary
viewer who may see a record finds it (the index's audience agrees with `can_view`). Records only
their own people may see (drafts, hidden profiles) are found by nobody: they are listed on their
people's own pages, and no audience of the index is exactly those people.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask_login import AnonymousUserMixin

from kmrg.auth.models import AccountStatus, ProfileVisibility, Role, User
from kmrg.casestudies.models import CaseStudyStatus
from kmrg.events.models import MeetingVisibility, Participant
from kmrg.events.services import MeetingData, SeriesData, create_meeting, create_series
from kmrg.experts.services import ExternalPerson, ProfileDetails, create_external_profile
from kmrg.lessons.models import LessonStatus
from kmrg.search.pipeline import get_pipeline
from kmrg.search.queries import SearchRequest, search_site
from tests import factories
from tests.experts.conftest import make_profile
from tests.search.world import add_case_study, add_lesson

EVERYONE = {"anonymous", "outsider", "author", "champion", "admin"}
MEMBERS = EVERYONE - {"anonymous"}
NOBODY: set[str] = set()


@pytest.fixture
def viewers(session, organisation, other_organisation) -> dict[str, Any]:
    return {
        "anonymous": AnonymousUserMixin(),
        "outsider": factories.make_user(
            session, name="Olwethu Outsider", organisation=other_organisation
        ),
        "author": factories.make_user(session, name="Andile Author", organisation=organisation),
        "champion": factories.make_user(
            session, name="Thandi Champion", role=Role.CHAMPION, organisation=organisation
        ),
        "admin": factories.make_user(session, name="Ayanda Admin", role=Role.ADMIN),
    }


def check_table(
    session, viewers: dict[str, Any], table: dict[str, tuple[Any, set[str]]], kind: str
) -> None:
    """Search each record's unique word as each viewer; compare with the table and can_view."""
    document_type = get_pipeline().registry.get(kind)
    problems = []
    for word, (record, expected) in table.items():
        for role, viewer in viewers.items():
            page = search_site(session, viewer, SearchRequest(text=word, filters={}))
            found = [r for r in page.results if r.doc_type == kind]
            if bool(found) != (role in expected):
                problems.append(f"{word}: {role} {'found' if found else 'did not find'} it")
            if found and not document_type.can_view(viewer, record):
                problems.append(f"{word}: {role} found it but may not see it")
            if page.total != len(page.results):
                problems.append(f"{word}: {role} was told of {page.total} results")
            type_facet = [facet for facet in page.facets if facet.name == "type"]
            counted = sum(option.count for facet in type_facet for option in facet.options)
            if counted != len(page.results):
                problems.append(f"{word}: {role}'s type facet counts {counted}")
    assert problems == []


def test_case_studies(session, viewers, organisation):
    author = viewers["author"]
    table = {}
    for status, expected in [
        (CaseStudyStatus.DRAFT, NOBODY),
        (CaseStudyStatus.SUBMITTED, NOBODY),
        (CaseStudyStatus.PUBLISHED, EVERYONE),
        (CaseStudyStatus.ARCHIVED, NOBODY),
    ]:
        word = f"casestudyword{status.value}"
        record = add_case_study(session, organisation, f"Case {word}", status=status)
        record.author_id = author.id
        session.commit()
        table[word] = (record, expected)

    check_table(session, viewers, table, "case_study")


def test_lessons(session, viewers, organisation):
    author = viewers["author"]
    draft_source = add_case_study(
        session, organisation, "Draft source", status=CaseStudyStatus.DRAFT
    )
    public_source = add_case_study(session, organisation, "Public source")
    cases: list[tuple[str, dict, set[str]]] = [
        ("standalonedraft", {"status": LessonStatus.DRAFT}, NOBODY),
        ("standalonepublished", {"status": LessonStatus.PUBLISHED}, EVERYONE),
        ("ofadraft", {"source": draft_source}, NOBODY),
        ("ofapublished", {"source": public_source}, EVERYONE),
    ]
    table = {}
    for word, options, expected in cases:
        record = add_lesson(
            session, organisation, f"Lesson {word}", "Text.", author=author, **options
        )
        table[word] = (record, expected)

    check_table(session, viewers, table, "lesson")


def _person(
    visibility: ProfileVisibility, status: AccountStatus = AccountStatus.ACTIVE
) -> Callable:
    def make(session, organisation, word: str) -> User:
        return factories.make_user(
            session,
            name=f"Person {word.title()}",
            organisation=organisation,
            profile_visibility=visibility,
            status=status,
        )

    return make


def test_people(session, viewers, organisation):
    cases = [
        ("publicperson", _person(ProfileVisibility.PUBLIC), EVERYONE),
        ("memberperson", _person(ProfileVisibility.MEMBERS), MEMBERS),
        ("hiddenperson", _person(ProfileVisibility.HIDDEN), NOBODY),
        ("pendingperson", _person(ProfileVisibility.PUBLIC, AccountStatus.PENDING), NOBODY),
        ("disabledperson", _person(ProfileVisibility.PUBLIC, AccountStatus.DISABLED), NOBODY),
    ]
    table = {word: (make(session, organisation, word), expected) for word, make, expected in cases}

    check_table(session, viewers, table, "profile")


def test_experts(session, viewers, organisation):
    table = {}
    for word, visibility, expected in [
        ("publicexpert", ProfileVisibility.PUBLIC, EVERYONE),
        ("memberexpert", ProfileVisibility.MEMBERS, MEMBERS),
        ("hiddenexpert", ProfileVisibility.HIDDEN, NOBODY),
    ]:
        person = factories.make_user(session, name=f"Member {word}", organisation=organisation)
        table[word] = (
            make_profile(session, person, headline=word, visibility=visibility),
            expected,
        )
    disabled = factories.make_user(session, name="Gone Away", organisation=organisation)
    profile = make_profile(session, disabled, headline="disabledexpert")
    disabled.status = AccountStatus.DISABLED
    session.commit()
    table["disabledexpert"] = (profile, NOBODY)
    for word, visibility, expected in [
        ("externalpublic", ProfileVisibility.PUBLIC, EVERYONE),
        ("externalmembers", ProfileVisibility.MEMBERS, MEMBERS),
    ]:
        external = create_external_profile(
            session,
            viewers["champion"],
            ExternalPerson(name=f"Prof {word.title()}", consent_note="Agreed by e-mail, 3 March."),
            ProfileDetails(headline=word, visibility=visibility),
        )
        session.commit()
        table[word] = (external, expected)

    check_table(session, viewers, table, "expert")


def test_meetings(session, viewers, organisation, admin):
    series = create_series(session, admin, SeriesData(title="Quarterly meetings"))
    table = {}
    for word, visibility, is_draft, expected in [
        ("publicmeeting", MeetingVisibility.PUBLIC, False, EVERYONE),
        ("membersmeeting", MeetingVisibility.MEMBERS, False, MEMBERS),
        # Not even the invited find it: no audience of the index is exactly them.
        ("invitedmeeting", MeetingVisibility.INVITED, False, NOBODY),
        ("draftmeeting", MeetingVisibility.PUBLIC, True, NOBODY),
    ]:
        meeting = create_meeting(
            session,
            admin,
            series,
            MeetingData(
                title=f"Meeting {word}",
                starts_at=datetime(2030, 5, 6, 7, tzinfo=UTC),
                ends_at=datetime(2030, 5, 6, 14, tzinfo=UTC),
                host_organisation_id=organisation.id,
                visibility=visibility,
            ),
            is_draft=is_draft,
        )
        session.add(Participant(meeting=meeting, user_id=viewers["outsider"].id))
        session.commit()
        table[word] = (meeting, expected)

    check_table(session, viewers, table, "meeting")
