"""The expert locator's pages; importing this package attaches every route to the blueprint."""

from kmrg.experts.views import endorsements, evidence, profiles

__all__ = ["endorsements", "evidence", "profiles"]
