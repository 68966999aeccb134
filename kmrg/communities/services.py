"""Communities and their membership: create and describe them, join, leave, and what
facilitators do with requests and members. Each function takes the acting user, validates,
flushes and never commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.communities import permissions
from kmrg.communities.models import (
    Community,
    CommunityKind,
    CommunityVisibility,
    JoinPolicy,
    Membership,
    MembershipStatus,
)
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.markdown import render_markdown
from kmrg.models import StaleEditError
from kmrg.slugs import add_with_free_slug
from kmrg.text import slugify
from kmrg.themes.models import Theme

# Words the communities' URLs use after /communities/, which no community may take as its slug.
RESERVED_SLUGS = ("new",)


@dataclass
class CommunityData:
    """What a community's form holds."""

    name: str
    purpose: str = ""
    kind: CommunityKind = CommunityKind.PRACTICE
    join_policy: JoinPolicy = JoinPolicy.OPEN
    visibility: CommunityVisibility = CommunityVisibility.PUBLIC
    theme_ids: Sequence[int] = field(default_factory=tuple)


def create_community(session: Session, actor: Any, data: CommunityData) -> Community:
    """Create a community with `actor` as its first facilitator."""
    if not permissions.can_create_community(actor):
        raise PermissionDenied("Only administrators and KM champions create communities.")
    community = Community(created_by_id=actor.id)
    _apply(session, community, data)
    add_with_free_slug(
        session, community, slugify(community.name) or "community", reserved=RESERVED_SLUGS
    )
    session.add(Membership(community=community, user_id=actor.id, is_facilitator=True))
    session.flush()
    record_event(session, actor, "community.created", community)
    return community


def update_community(
    session: Session,
    actor: Any,
    community: Community,
    data: CommunityData,
    *,
    expected_version: int,
) -> None:
    """Save an edit of a community's details; a stale form is refused, never applied."""
    if not permissions.can_edit_community(actor, community):
        raise PermissionDenied("Only the community's facilitators edit it.")
    if community.version != expected_version:
        raise StaleEditError("Someone saved this community since you opened the page.")
    _apply(session, community, data)
    session.flush()
    record_event(session, actor, "community.updated", community)


def join_community(session: Session, actor: Any, community: Community) -> Membership:
    """Make `actor` a member of an open community, or record their request to join."""
    if permissions.can_join_community(actor, community):
        status = MembershipStatus.ACTIVE
    elif permissions.can_request_to_join_community(actor, community):
        status = MembershipStatus.REQUESTED
    else:
        raise PermissionDenied("You cannot join this community.")
    membership = Membership(community=community, user_id=actor.id, status=status)
    session.add(membership)
    session.flush()
    return membership


def leave_community(session: Session, actor: Any, community: Community) -> None:
    """Take `actor` out of the community (or withdraw their request)."""
    membership = permissions.membership_in(actor, community)
    if membership is None:
        raise PermissionDenied("You are not a member of this community.")
    _keep_a_facilitator(community, membership)
    community.memberships.remove(membership)
    session.flush()


def approve_request(session: Session, actor: Any, membership: Membership) -> None:
    """Let a person whose request waits into the community."""
    _check_facilitator(actor, membership.community)
    if membership.status is not MembershipStatus.REQUESTED:
        raise ValidationError("This request was already answered.")
    membership.status = MembershipStatus.ACTIVE
    session.flush()
    record_event(session, actor, "community.request_approved", membership.community)


def decline_request(session: Session, actor: Any, membership: Membership) -> None:
    """Turn down a request to join."""
    _check_facilitator(actor, membership.community)
    if membership.status is not MembershipStatus.REQUESTED:
        raise ValidationError("This request was already answered.")
    membership.community.memberships.remove(membership)
    session.flush()


def remove_member(session: Session, actor: Any, membership: Membership) -> None:
    """Take a member out of the community."""
    community = membership.community
    _check_facilitator(actor, community)
    _keep_a_facilitator(community, membership)
    community.memberships.remove(membership)
    session.flush()
    record_event(session, actor, "community.member_removed", community)


def make_facilitator(session: Session, actor: Any, membership: Membership) -> None:
    """Let a member run the community alongside its facilitators."""
    _check_facilitator(actor, membership.community)
    if membership.status is not MembershipStatus.ACTIVE:
        raise ValidationError("Only members can become facilitators: approve the request first.")
    membership.is_facilitator = True
    session.flush()
    record_event(session, actor, "community.facilitator_added", membership.community)


def _check_facilitator(actor: Any, community: Community) -> None:
    if not permissions.can_manage_community_members(actor, community):
        raise PermissionDenied("Only the community's facilitators run its membership.")


def _keep_a_facilitator(community: Community, leaving: Membership) -> None:
    if leaving.is_facilitator and len(community.facilitators) == 1:
        raise ValidationError(
            "A community needs a facilitator: make another member a facilitator first."
        )


def _apply(session: Session, community: Community, data: CommunityData) -> None:
    name = (data.name or "").strip()
    if not name:
        raise ValidationError("Give the community a name.", "name")
    community.name = name
    community.purpose = (data.purpose or "").strip()
    community.purpose_html = render_markdown(community.purpose)
    community.kind = data.kind
    community.join_policy = data.join_policy
    community.visibility = data.visibility
    community.themes = list(themes_by_id(session, data.theme_ids))


def themes_by_id(session: Session, theme_ids: Sequence[int]) -> Sequence[Theme]:
    """Return the themes with these ids, refusing an unknown one."""
    if not theme_ids:
        return []
    themes = session.scalars(select(Theme).where(Theme.id.in_(theme_ids))).all()
    if len(themes) != len(set(theme_ids)):
        raise ValidationError("Choose themes from the list.", "themes")
    return themes
