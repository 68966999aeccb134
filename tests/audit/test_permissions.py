"""Who may read the audit log, as a table."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from kmrg.audit import permissions


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("member", False), ("champion", False), ("admin", True)],
)
def test_can_view_audit_log(request, role, allowed):
    actor = AnonymousUserMixin() if role == "anonymous" else request.getfixturevalue(role)
    assert permissions.can_view_audit_log(actor) is allowed
