"""Who may water a plant."""

from __future__ import annotations

from typing import Any


def can_water_plants(user: Any, plant: dict[str, Any]) -> bool:
    """Signed-in people water a thirsty plant."""
    return bool(getattr(user, "is_authenticated", False)) and plant["thirsty"]
