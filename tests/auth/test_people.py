"""describe_person: how each kind of viewer sees a person, for each choice the person made."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kmrg.auth.models import AccountStatus, AnonymousUser, ProfileVisibility, Role, User
from kmrg.auth.people import ANONYMOUS_LABEL, FORMER_MEMBER_LABEL, describe_person
from kmrg.organisations.models import Organisation
from kmrg.templating import person as render

TOWN = Organisation(code="KZN225", name="Msunduzi Local Municipality")


def person(visibility: ProfileVisibility, status: AccountStatus = AccountStatus.ACTIVE) -> User:
    return User(
        id=7,
        name="Priya Naidoo",
        role=Role.CHAMPION,
        organisation=TOWN,
        profile_visibility=visibility,
        status=status,
    )


def viewer(kind: str) -> object:
    if kind == "anonymous":
        return AnonymousUser()
    return SimpleNamespace(
        id=7 if kind == "self" else 8,
        is_authenticated=True,
        is_active=True,
        is_admin=kind == "admin",
        is_champion=False,
        organisation_id=None,
    )


HIDDEN, MEMBERS, PUBLIC = (
    ProfileVisibility.HIDDEN,
    ProfileVisibility.MEMBERS,
    ProfileVisibility.PUBLIC,
)
# (viewer, visibility) -> "linked" (name, organisation, profile link) or "anonymous".
TABLE = {
    ("anonymous", HIDDEN): "anonymous",
    ("anonymous", MEMBERS): "anonymous",
    ("anonymous", PUBLIC): "linked",
    ("member", HIDDEN): "anonymous",
    ("member", MEMBERS): "linked",
    ("member", PUBLIC): "linked",
    ("self", HIDDEN): "linked",
    ("self", MEMBERS): "linked",
    ("self", PUBLIC): "linked",
    ("admin", HIDDEN): "linked",
    ("admin", MEMBERS): "linked",
    ("admin", PUBLIC): "linked",
}


@pytest.mark.parametrize(("kind", "visibility"), TABLE)
def test_the_person_is_named_only_as_far_as_they_chose(kind, visibility):
    shown = describe_person(viewer(kind), person(visibility))
    if TABLE[(kind, visibility)] == "linked":
        assert (shown.text, shown.is_named, shown.profile_user_id) == ("Priya Naidoo", True, 7)
        assert shown.organisation is TOWN
    else:
        assert (shown.text, shown.is_named) == (ANONYMOUS_LABEL, False)
        # Not even their organisation: it is part of what they chose to keep to themselves.
        assert shown.organisation is None and shown.profile_user_id is None


@pytest.mark.parametrize("visibility", list(ProfileVisibility))
@pytest.mark.parametrize("kind", ["anonymous", "member"])
def test_someone_who_wrote_to_the_viewer_is_named_without_a_link_they_may_not_open(
    kind, visibility
):
    shown = describe_person(viewer(kind), person(visibility), addressed_to_viewer=True)
    assert (shown.text, shown.is_named, shown.organisation) == ("Priya Naidoo", True, TOWN)
    expected_link = 7 if TABLE[(kind, visibility)] == "linked" else None
    assert shown.profile_user_id == expected_link


@pytest.mark.parametrize("status", [AccountStatus.PENDING, AccountStatus.DISABLED])
@pytest.mark.parametrize("kind", ["anonymous", "member", "self"])
def test_an_inactive_account_is_named_to_administrators_only(kind, status):
    shown = describe_person(viewer(kind), person(PUBLIC, status))
    assert (shown.text, shown.is_named) == (ANONYMOUS_LABEL, False)
    assert describe_person(viewer("admin"), person(PUBLIC, status)).is_named


def test_a_deleted_account_is_a_former_member():
    shown = describe_person(viewer("admin"), None)
    assert (shown.text, shown.is_named, shown.organisation) == (FORMER_MEMBER_LABEL, False, None)


def test_person_prints_a_name_as_text_never_as_markup(app):
    hostile = person(PUBLIC)
    hostile.name = '<script>alert("x")</script>'
    hostile.organisation = Organisation(code="AB", name="Ali & <b>Co</b>")
    with app.test_request_context():
        html = str(render(hostile, organisation=True).__html__())
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "Ali &amp; &lt;b&gt;Co&lt;/b&gt;" in html
    assert html.startswith('<a href="/people/7">')
