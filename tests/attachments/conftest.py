"""A test owner type, so the attachments area is tested without any real owning area.

Owner 1 is public: anyone sees its files. Owner 2 is private: only champions and administrators
see it. Champions and administrators change both.
"""

from __future__ import annotations

from typing import Any

import pytest

from kmrg.attachments import permissions

OWNER = "test_owner"
PUBLIC_OWNER = 1
PRIVATE_OWNER = 2


def _is_editor(user: Any) -> bool:
    return bool(getattr(user, "is_admin", False) or getattr(user, "is_champion", False))


def _can_view(user: Any, owner_id: int) -> bool:
    return owner_id == PUBLIC_OWNER or (owner_id == PRIVATE_OWNER and _is_editor(user))


def _can_change(user: Any, owner_id: int) -> bool:
    return owner_id in (PUBLIC_OWNER, PRIVATE_OWNER) and _is_editor(user)


@pytest.fixture(autouse=True)
def test_owner(monkeypatch: pytest.MonkeyPatch) -> str:
    # A copy of the registry, so the test owner does not outlive the test.
    monkeypatch.setattr(permissions, "_owners", dict(permissions._owners))
    permissions.register_owner(OWNER, _can_view, _can_change)
    return OWNER
