"""Account pages; importing this package attaches every route to the blueprint."""

from kmrg.auth.views import account, admin

__all__ = ["account", "admin"]
