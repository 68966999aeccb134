"""Meeting pages; importing this package attaches every route to the blueprint."""

from kmrg.events.views import (
    actions,
    agenda,
    annexures,
    attendance,
    calendar,
    importing,
    lessons,
    meetings,
    minutes,
    outcomes,
    series,
)

__all__ = [
    "actions",
    "agenda",
    "annexures",
    "attendance",
    "calendar",
    "importing",
    "lessons",
    "meetings",
    "minutes",
    "outcomes",
    "series",
]
