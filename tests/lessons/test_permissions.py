"""Who may see, write, promote and publish lessons: role-by-state tables."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from kmrg.casestudies.models import CaseStudyStatus
from kmrg.lessons import permissions
from kmrg.lessons.models import LessonStage, LessonStatus
from tests.lessons.conftest import make_case_study, make_lesson

ROLES = ["anonymous", "applicant", "author", "member", "champion", "outsider_champion", "admin"]


@pytest.fixture
def anonymous():
    return AnonymousUserMixin()


@pytest.fixture
def author(session, organisation):
    from tests import factories

    return factories.make_user(session, name="Ann Author", organisation=organisation)


def _user(request, role):
    return request.getfixturevalue(role)


# State of the lesson: standalone draft/published, or drawn from a draft/published case study.
STATES = ["standalone draft", "standalone published", "source draft", "source published"]


@pytest.fixture
def lesson_in(session, organisation, author):
    def build(state: str):
        kind, _, status = state.partition(" ")
        source = None
        if kind == "source":
            source = make_case_study(
                session,
                organisation,
                author=author,
                status=CaseStudyStatus.PUBLISHED
                if status == "published"
                else CaseStudyStatus.DRAFT,
            )
        return make_lesson(
            session,
            organisation,
            author=author,
            source=source,
            status=LessonStatus.PUBLISHED
            if kind == "standalone" and status == "published"
            else LessonStatus.DRAFT,
        )

    return build


VIEW = {
    # role:              s-draft s-published src-draft src-published
    "anonymous":         (False, True, False, True),
    "applicant":         (False, True, False, True),
    "author":            (True, True, True, True),
    "member":            (False, True, False, True),
    "champion":          (True, True, True, True),
    "outsider_champion": (False, True, False, True),
    "admin":             (True, True, True, True),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_who_sees_a_lesson(request, lesson_in, role, state):
    lesson = lesson_in(state)
    expected = VIEW[role][STATES.index(state)]
    assert permissions.can_view_lesson(_user(request, role), lesson) is expected


EDIT = {
    "anonymous": (False, False, False, False),
    "applicant": (False, False, False, False),
    "author": (True, True, True, True),
    "member": (False, False, False, False),
    "champion": (True, True, True, True),
    "outsider_champion": (False, False, False, False),
    "admin": (True, True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_who_edits_a_lesson(request, lesson_in, role, state):
    lesson = lesson_in(state)
    expected = EDIT[role][STATES.index(state)]
    assert permissions.can_edit_lesson(_user(request, role), lesson) is expected


PUBLISH = {
    "anonymous": (False, False, False, False),
    "applicant": (False, False, False, False),
    "author": (False, False, False, False),
    "member": (False, False, False, False),
    "champion": (True, False, False, False),
    "outsider_champion": (False, False, False, False),
    "admin": (True, False, False, False),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_who_publishes_a_lesson(request, lesson_in, role, state):
    lesson = lesson_in(state)
    expected = PUBLISH[role][STATES.index(state)]
    assert permissions.can_publish_lesson(_user(request, role), lesson) is expected


PROMOTE = {
    # role:              observation lesson validated
    "anonymous":         (False, False, False),
    "applicant":         (False, False, False),
    "author":            (False, False, False),
    "member":            (False, False, False),
    "champion":          (True, True, False),
    "outsider_champion": (False, False, False),
    "admin":             (True, True, False),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("stage", list(LessonStage))
def test_who_promotes_a_lesson(request, session, organisation, role, stage):
    lesson = make_lesson(session, organisation, stage=stage)
    expected = PROMOTE[role][list(LessonStage).index(stage)]
    assert permissions.can_promote_lesson(_user(request, role), lesson) is expected


CREATE = {
    "anonymous": False,
    "applicant": False,
    "author": True,
    "member": True,
    "champion": True,
    "outsider_champion": True,
    "admin": True,
}


@pytest.mark.parametrize("role", ROLES)
def test_who_writes_lessons(request, role):
    assert permissions.can_create_lesson(_user(request, role)) is CREATE[role]
