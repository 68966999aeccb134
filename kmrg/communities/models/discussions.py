"""Discussions in a community: topics, their posts (the opening one and replies), the posts'
revisions, and the flags members raise on them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.auth.models import User
from kmrg.communities.models.communities import Community
from kmrg.markdown import register_rendered_field
from kmrg.models import Base, CreatedAtMixin, VersionedMixin, enum_type, utcnow
from kmrg.themes.models import Theme

topic_themes = Table(
    "community_topic_themes",
    Base.metadata,
    Column("topic_id", ForeignKey("community_topics.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True),
)


class Topic(VersionedMixin, CreatedAtMixin, Base):
    """A question or subject a member raised; its words are its opening post."""

    __tablename__ = "community_topics"
    __table_args__ = (Index("ix_community_topics_community_activity", "community_id", "active_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    # The latest post's moment, so the liveliest discussions come first.
    active_at: Mapped[datetime] = mapped_column(default=utcnow)

    community: Mapped[Community] = relationship(back_populates="topics")
    author: Mapped[User | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=topic_themes, order_by=Theme.name)
    posts: Mapped[list[Post]] = relationship(
        back_populates="topic", cascade="all, delete-orphan", order_by="Post.id"
    )

    @property
    def opening_post(self) -> Post:
        """Return the post that opened the topic."""
        return self.posts[0]

    @property
    def replies(self) -> list[Post]:
        """Return the replies, the accepted answer first, then in the order they came."""
        replies = self.posts[1:]
        return sorted(replies, key=lambda post: (not post.is_accepted, post.id))

    @property
    def accepted_answer(self) -> Post | None:
        """Return the reply marked as the answer, if one is."""
        return next((post for post in self.posts[1:] if post.is_accepted), None)

    def __repr__(self) -> str:
        return f"<Topic {self.id} {self.title!r}>"


class Post(VersionedMixin, CreatedAtMixin, Base):
    """What one person wrote in a topic: its opening words or a reply.

    A removed post keeps its row (and who removed it, when) so the discussion shows a marker in
    its place rather than a gap; its words are emptied.
    """

    __tablename__ = "community_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("community_topics.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    is_accepted: Mapped[bool] = mapped_column(default=False)
    edited_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    topic: Mapped[Topic] = relationship(back_populates="posts")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])
    revisions: Mapped[list[PostRevision]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="PostRevision.number"
    )
    flags: Mapped[list[Flag]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="Flag.id"
    )

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_opening(self) -> bool:
        return self.topic.posts[0] is self


class PostRevision(CreatedAtMixin, Base):
    """An earlier wording of a post, kept when its author changed it."""

    __tablename__ = "community_post_revisions"
    __table_args__ = (UniqueConstraint("post_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("community_posts.id", ondelete="CASCADE"))
    number: Mapped[int]
    body: Mapped[str] = mapped_column(Text, default="")
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship(back_populates="revisions")
    edited_by: Mapped[User | None] = relationship()


class FlagOutcome(StrEnum):
    """What a facilitator did with a flag."""

    DISMISSED = "dismissed"
    REMOVED = "removed"


class Flag(CreatedAtMixin, Base):
    """A member's report that a post needs a facilitator's eye, with their reason."""

    __tablename__ = "community_flags"
    __table_args__ = (UniqueConstraint("post_id", "flagged_by_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("community_posts.id", ondelete="CASCADE"), index=True
    )
    flagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500))
    outcome: Mapped[FlagOutcome | None] = mapped_column(enum_type(FlagOutcome, 10))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship(back_populates="flags")
    flagged_by: Mapped[User | None] = relationship(foreign_keys=[flagged_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])


register_rendered_field(Post, "body", "body_html")
