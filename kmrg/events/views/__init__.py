"""Meeting pages; importing this package attaches every route to the blueprint."""

from kmrg.events.views import (
    actions,
    agenda,
    attendance,
    calendar,
    importing,
    meetings,
    minutes,
    outcomes,
    series,
)

__all__ = [
    "actions",
    "agenda",
    "attendance",
    "calendar",
    "importing",
    "meetings",
    "minutes",
    "outcomes",
    "series",
]
