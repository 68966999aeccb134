"""Who may read the outbox and retry a message, as a table."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from kmrg.mail import permissions
from kmrg.mail.models import MailMessage, MailStatus

ROLES = ["anonymous", "applicant", "member", "champion", "admin"]


def _actor(request, role):
    return AnonymousUserMixin() if role == "anonymous" else request.getfixturevalue(role)


@pytest.mark.parametrize("role", ROLES)
def test_can_view_outbox(request, role):
    assert permissions.can_view_outbox(_actor(request, role)) is (role == "admin")


@pytest.mark.parametrize("status", list(MailStatus))
@pytest.mark.parametrize("role", ROLES)
def test_can_retry_message(request, role, status):
    message = MailMessage(recipient="a@example.org", subject="S", body="B", status=status)
    allowed = role == "admin" and status is MailStatus.FAILED
    assert permissions.can_retry_message(_actor(request, role), message) is allowed
