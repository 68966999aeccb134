"""An attachment is as visible and as changeable as its owner; unknown owners grant nothing."""

from __future__ import annotations

import pytest

from kmrg.attachments.models import Attachment, AttachmentKind
from kmrg.attachments.permissions import (
    can_change_attachment,
    can_change_owner,
    can_view_attachment,
    can_view_owner,
    is_registered_owner,
    register_owner,
)
from kmrg.auth.models import Role
from tests.attachments.conftest import OWNER, PRIVATE_OWNER, PUBLIC_OWNER


class Person:
    """Stands in for a signed-in user or the anonymous visitor; the rules read only these."""

    def __init__(self, role: str) -> None:
        self.is_authenticated = role != "anonymous"
        self.is_admin = role == Role.ADMIN.value
        self.is_champion = role == Role.CHAMPION.value


def attachment_of(owner_type: str, owner_id: int) -> Attachment:
    return Attachment(
        owner_type=owner_type,
        owner_id=owner_id,
        sha256="0" * 64,
        size=1,
        content_type="application/pdf",
        kind=AttachmentKind.PDF,
        display_name="a.pdf",
    )


@pytest.mark.parametrize(
    ("role", "owner_id", "may_view", "may_change"),
    [
        ("anonymous", PUBLIC_OWNER, True, False),
        ("member", PUBLIC_OWNER, True, False),
        ("champion", PUBLIC_OWNER, True, True),
        ("admin", PUBLIC_OWNER, True, True),
        ("anonymous", PRIVATE_OWNER, False, False),
        ("member", PRIVATE_OWNER, False, False),
        ("champion", PRIVATE_OWNER, True, True),
        ("admin", PRIVATE_OWNER, True, True),
        ("admin", 99, False, False),
    ],
)
def test_attachments_follow_their_owner(role, owner_id, may_view, may_change):
    person, attachment = Person(role), attachment_of(OWNER, owner_id)
    assert can_view_attachment(person, attachment) is may_view
    assert can_change_attachment(person, attachment) is may_change
    assert can_view_owner(person, OWNER, owner_id) is may_view
    assert can_change_owner(person, OWNER, owner_id) is may_change


@pytest.mark.parametrize("role", ["anonymous", "member", "champion", "admin"])
def test_an_unregistered_owner_type_grants_nothing(role):
    attachment = attachment_of("meeting_never_registered", PUBLIC_OWNER)
    assert not is_registered_owner("meeting_never_registered")
    assert can_view_attachment(Person(role), attachment) is False
    assert can_change_attachment(Person(role), attachment) is False


def test_registering_again_replaces_the_rules():
    register_owner(OWNER, lambda user, owner_id: False, lambda user, owner_id: False)
    assert can_view_owner(Person("admin"), OWNER, PUBLIC_OWNER) is False


@pytest.mark.parametrize("owner_type", ["", "x" * 41])
def test_owner_types_must_fit_the_column(owner_type):
    with pytest.raises(ValueError, match="owner_type"):
        register_owner(owner_type, lambda user, owner_id: True, lambda user, owner_id: True)


def _admins_only(user, _owner_id: int) -> bool:
    return bool(user.is_admin)


def test_an_owner_may_let_fewer_people_remove_than_add():
    register_owner(
        OWNER, lambda user, owner_id: True, lambda user, owner_id: True, can_remove=_admins_only
    )
    attachment = attachment_of(OWNER, PUBLIC_OWNER)
    assert can_change_owner(Person("champion"), OWNER, PUBLIC_OWNER) is True
    assert can_change_attachment(Person("champion"), attachment) is False
    assert can_change_attachment(Person("admin"), attachment) is True
