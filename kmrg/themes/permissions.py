"""Who may change themes."""

from __future__ import annotations

from typing import Any


def can_view_theme(user: Any, theme: Any) -> bool:
    """Themes are the network's public taxonomy: anyone sees one (and members follow it)."""
    return True


def can_manage_themes(user: Any) -> bool:
    """Administrators add, edit and retire themes."""
    return bool(getattr(user, "is_admin", False))
