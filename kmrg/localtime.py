"""The Hub's one time zone: times are stored in UTC and shown, typed and calendared in SAST.

South Africa keeps one zone all year (Africa/Johannesburg, UTC+2, no daylight saving), so every
reader of a meeting time means the same clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_ZONE_NAME = "Africa/Johannesburg"
LOCAL_ZONE = ZoneInfo(LOCAL_ZONE_NAME)
LOCAL_ZONE_LABEL = "SAST"


def to_local(value: datetime) -> datetime:
    """Return `value` (UTC, or naive meaning UTC) as South African time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_ZONE)


def from_local(day: date, clock: time | None = None) -> datetime:
    """Return the UTC instant of `clock` (midnight if None) on `day`, South African time."""
    local = datetime.combine(day, clock or time(0, 0), tzinfo=LOCAL_ZONE)
    return local.astimezone(UTC)


def local_today() -> date:
    """Return today's date in South Africa."""
    return datetime.now(LOCAL_ZONE).date()
