"""Who may change organisations."""

from __future__ import annotations

from typing import Any


def can_view_organisation(user: Any, organisation: Any) -> bool:
    """Organisations' pages are public: anyone sees one (and members follow it)."""
    return True


def can_manage_organisations(user: Any) -> bool:
    """Administrators add, rename and retire organisations."""
    return bool(getattr(user, "is_admin", False))
