"""Community pages; importing this package attaches every route to the blueprint."""

from kmrg.communities.views import communities, membership, moderation, resources, topics

__all__ = ["communities", "membership", "moderation", "resources", "topics"]
