"""Who may read the audit log."""

from __future__ import annotations

from typing import Any


def can_view_audit_log(user: Any) -> bool:
    """Administrators read the audit log."""
    return bool(getattr(user, "is_admin", False))
