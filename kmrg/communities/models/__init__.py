"""The communities area's tables: communities and their members, and their discussions."""

from kmrg.communities.models.communities import (
    Community,
    CommunityKind,
    CommunityVisibility,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Resource,
    community_themes,
)
from kmrg.communities.models.discussions import (
    Flag,
    FlagOutcome,
    Post,
    PostRevision,
    Topic,
    topic_themes,
)

__all__ = [
    "Community",
    "CommunityKind",
    "CommunityVisibility",
    "Flag",
    "FlagOutcome",
    "JoinPolicy",
    "Membership",
    "MembershipStatus",
    "Post",
    "PostRevision",
    "Resource",
    "Topic",
    "community_themes",
    "topic_themes",
]
