"""Who may do what with a case study, as (role × workflow state) tables."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from kmrg.casestudies import permissions
from kmrg.casestudies.models import CaseStudy, CaseStudyStatus

ROLES = ["anonymous", "applicant", "author", "colleague", "champion", "outsider_champion", "admin"]
STATES = ["draft", "submitted", "published", "archived"]


@pytest.fixture
def colleague(session, organisation):
    from tests import factories

    return factories.make_user(session, name="Zola Colleague", organisation=organisation)


def actor_for(request, role):
    if role == "anonymous":
        return AnonymousUserMixin()
    return request.getfixturevalue("member" if role == "author" else role)


def case_study_in(request, state) -> CaseStudy:
    author = request.getfixturevalue("member")
    organisation = request.getfixturevalue("organisation")
    return CaseStudy(
        title="A case study",
        slug="a-case-study",
        organisation_id=organisation.id,
        author_id=author.id,
        status=CaseStudyStatus(state),
    )


def table(allowed: dict[str, set[str]]) -> list[tuple[str, str, bool]]:
    return [(role, state, role in allowed.get(state, set())) for role in ROLES for state in STATES]


REVIEWERS = {"champion", "admin"}
INSIDERS = {"author"} | REVIEWERS
EVERYONE = set(ROLES)


@pytest.mark.parametrize(
    ("role", "state", "allowed"),
    table({"draft": INSIDERS, "submitted": INSIDERS, "published": EVERYONE, "archived": INSIDERS}),
)
def test_can_view_case_study(request, role, state, allowed):
    case_study = case_study_in(request, state)
    assert permissions.can_view_case_study(actor_for(request, role), case_study) is allowed


@pytest.mark.parametrize(
    ("role", "state", "allowed"),
    table({"draft": INSIDERS, "submitted": REVIEWERS, "published": REVIEWERS}),
)
def test_can_edit_case_study(request, role, state, allowed):
    case_study = case_study_in(request, state)
    assert permissions.can_edit_case_study(actor_for(request, role), case_study) is allowed


@pytest.mark.parametrize(("role", "state", "allowed"), table({"draft": INSIDERS}))
def test_can_submit_case_study(request, role, state, allowed):
    case_study = case_study_in(request, state)
    assert permissions.can_submit_case_study(actor_for(request, role), case_study) is allowed


@pytest.mark.parametrize(("role", "state", "allowed"), table({"submitted": REVIEWERS}))
def test_can_publish_and_return_case_study(request, role, state, allowed):
    case_study = case_study_in(request, state)
    actor = actor_for(request, role)
    assert permissions.can_publish_case_study(actor, case_study) is allowed
    assert permissions.can_return_case_study(actor, case_study) is allowed


@pytest.mark.parametrize(("role", "state", "allowed"), table({"published": REVIEWERS}))
def test_can_archive_case_study(request, role, state, allowed):
    case_study = case_study_in(request, state)
    assert permissions.can_archive_case_study(actor_for(request, role), case_study) is allowed


# Reuse is recorded by another organisation's people (an administrator here has none of their own).
@pytest.mark.parametrize(("role", "state", "allowed"), table({"published": {"outsider_champion"}}))
def test_can_record_adaptation(request, role, state, allowed):
    case_study = case_study_in(request, state)
    assert permissions.can_record_adaptation(actor_for(request, role), case_study) is allowed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("applicant", False),
        ("author", True),
        ("colleague", True),
        ("champion", True),
        ("admin", True),
    ],
)
def test_can_create_case_study(request, role, allowed):
    assert permissions.can_create_case_study(actor_for(request, role)) is allowed


def test_a_disabled_champion_reviews_nothing(request, session, champion):
    from kmrg.auth.models import AccountStatus

    champion.status = AccountStatus.DISABLED
    session.commit()
    case_study = case_study_in(request, "submitted")
    assert not permissions.can_view_case_study(champion, case_study)
    assert not permissions.can_publish_case_study(champion, case_study)


def test_only_administrators_choose_any_organisation(admin, champion, member):
    assert permissions.can_choose_any_organisation(admin)
    assert not permissions.can_choose_any_organisation(champion)
    assert not permissions.can_choose_any_organisation(member)
