"""Communities of practice and of interest, and the people in them."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.auth.models import User
from kmrg.markdown import register_rendered_field
from kmrg.models import Base, CreatedAtMixin, VersionedMixin, enum_type
from kmrg.themes.models import Theme

if TYPE_CHECKING:
    from kmrg.communities.models.discussions import Topic


class CommunityKind(StrEnum):
    """A community of practice does the work together; one of interest follows a subject."""

    PRACTICE = "practice"
    INTEREST = "interest"

    @property
    def label(self) -> str:
        return (
            "Community of practice" if self is CommunityKind.PRACTICE else "Community of interest"
        )


class JoinPolicy(StrEnum):
    """How a person becomes a member: at once, or once a facilitator approves their request."""

    OPEN = "open"
    REQUEST = "request"

    @property
    def label(self) -> str:
        return "Open to every member" if self is JoinPolicy.OPEN else "By request to a facilitator"


class CommunityVisibility(StrEnum):
    """Who reads a community's discussions, members and resources."""

    PUBLIC = "public"
    MEMBERS = "members"

    @property
    def label(self) -> str:
        if self is CommunityVisibility.PUBLIC:
            return "Public: anyone may read it"
        return "Members only: only its members read it"


class MembershipStatus(StrEnum):
    """A request waits for a facilitator; an active member takes part."""

    REQUESTED = "requested"
    ACTIVE = "active"


community_themes = Table(
    "community_themes",
    Base.metadata,
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True),
)


class Community(VersionedMixin, CreatedAtMixin, Base):
    """A group of people across member cities who learn together about one subject."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    purpose_html: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[CommunityKind] = mapped_column(
        enum_type(CommunityKind, 10), default=CommunityKind.PRACTICE
    )
    join_policy: Mapped[JoinPolicy] = mapped_column(
        enum_type(JoinPolicy, 10), default=JoinPolicy.OPEN
    )
    visibility: Mapped[CommunityVisibility] = mapped_column(
        enum_type(CommunityVisibility, 10), default=CommunityVisibility.PUBLIC
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=community_themes, order_by=Theme.name)
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="community", cascade="all, delete-orphan", order_by="Membership.id"
    )
    topics: Mapped[list[Topic]] = relationship(back_populates="community")
    resources: Mapped[list[Resource]] = relationship(
        back_populates="community", cascade="all, delete-orphan", order_by="Resource.id.desc()"
    )

    @property
    def active_members(self) -> list[Membership]:
        """Return the memberships of people taking part (facilitators first)."""
        active = [m for m in self.memberships if m.status is MembershipStatus.ACTIVE]
        return sorted(active, key=lambda m: (not m.is_facilitator, m.id))

    @property
    def facilitators(self) -> list[User]:
        """Return the people who run the community."""
        return [m.user for m in self.active_members if m.is_facilitator]

    @property
    def requests(self) -> list[Membership]:
        """Return the requests to join waiting for a facilitator, oldest first."""
        return [m for m in self.memberships if m.status is MembershipStatus.REQUESTED]

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"


register_rendered_field(Community, "purpose", "purpose_html")


class Membership(CreatedAtMixin, Base):
    """A person's place in a community: a request waiting, a member, or a facilitator."""

    __tablename__ = "community_memberships"
    __table_args__ = (UniqueConstraint("community_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[MembershipStatus] = mapped_column(
        enum_type(MembershipStatus, 10), default=MembershipStatus.ACTIVE
    )
    is_facilitator: Mapped[bool] = mapped_column(default=False)

    community: Mapped[Community] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class Resource(CreatedAtMixin, Base):
    """A record of the Hub a member linked to a community, with why it matters.

    `record_type` is a search document type ("case_study", "lesson", "meeting") or
    "attachment"; the record is read through the search registry (see
    kmrg.communities.resources), so the link holds no foreign key into another area.
    """

    __tablename__ = "community_resources"
    __table_args__ = (UniqueConstraint("community_id", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int]
    note: Mapped[str] = mapped_column(String(500))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    community: Mapped[Community] = relationship(back_populates="resources")
    added_by: Mapped[User | None] = relationship()
