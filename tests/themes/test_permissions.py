"""Who may change themes, as a table."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from kmrg.themes import permissions


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("applicant", False),
        ("member", False),
        ("champion", False),
        ("admin", True),
    ],
)
def test_can_manage_themes(request, role, allowed):
    actor = AnonymousUserMixin() if role == "anonymous" else request.getfixturevalue(role)
    assert permissions.can_manage_themes(actor) is allowed
