"""Who may change themes."""

from __future__ import annotations

from typing import Any


def can_manage_themes(user: Any) -> bool:
    """Administrators add, edit and retire themes."""
    return bool(getattr(user, "is_admin", False))
