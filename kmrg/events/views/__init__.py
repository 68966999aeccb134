"""Meeting pages; importing this package attaches every route to the blueprint."""

from kmrg.events.views import actions, agenda, calendar, importing, meetings, series

__all__ = ["actions", "agenda", "calendar", "importing", "meetings", "series"]
