"""Who may change organisations, as a table."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from kmrg.auth.models import AccountStatus
from kmrg.organisations import permissions


def actor_for(request, role: str):
    if role == "anonymous":
        return AnonymousUserMixin()
    if role == "disabled_admin":
        admin = request.getfixturevalue("admin")
        admin.status = AccountStatus.DISABLED
        return admin
    return request.getfixturevalue(role)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("applicant", False),
        ("member", False),
        ("champion", False),
        ("admin", True),
        ("disabled_admin", False),
    ],
)
def test_can_manage_organisations(request, role, allowed):
    assert permissions.can_manage_organisations(actor_for(request, role)) is allowed
