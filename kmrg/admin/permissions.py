"""Who may open the administrators' dashboard."""

from __future__ import annotations

from typing import Any

from kmrg.auth.permissions import is_admin


def can_view_dashboard(user: Any) -> bool:
    """Administrators open the dashboard."""
    return is_admin(user)
