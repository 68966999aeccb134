"""Case studies, their owners and contacts, the revisions every edit keeps, and their reuse."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.auth.models import User
from kmrg.markdown import register_rendered_field
from kmrg.models import Base, CreatedAtMixin, VersionedMixin, enum_type
from kmrg.organisations.models import Organisation
from kmrg.themes.models import Theme


class CaseStudyStatus(StrEnum):
    """Where a case study stands: draft → submitted for review → published → archived.

    A case study returned for changes is a draft again, with the reviewer's comments kept.
    """

    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    CaseStudyStatus.DRAFT: "Draft",
    CaseStudyStatus.SUBMITTED: "Submitted for review",
    CaseStudyStatus.PUBLISHED: "Published",
    CaseStudyStatus.ARCHIVED: "Archived",
}

# The structured body, in reading order: (attribute, heading).
SECTIONS: list[tuple[str, str]] = [
    ("context", "Context"),
    ("challenge", "The challenge"),
    ("approach", "What was done"),
    ("results", "Results and evidence"),
    ("lessons_learned", "Lessons learned"),
]
SECTION_LABELS = dict(SECTIONS)
# A period longer than this is filed under its first and last years only.
MAX_COVERED_YEARS = 30

case_study_themes = Table(
    "case_study_themes",
    Base.metadata,
    Column("case_study_id", ForeignKey("case_studies.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True),
)


class CaseStudy(VersionedMixin, CreatedAtMixin, Base):
    """A documented account of what an organisation did about a challenge, and what it learned."""

    __tablename__ = "case_studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Years filter well and are what authors know; the note says it precisely ("March 2008 –").
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    period_note: Mapped[str] = mapped_column(String(120), default="")
    context: Mapped[str] = mapped_column(Text, default="")
    context_html: Mapped[str] = mapped_column(Text, default="")
    challenge: Mapped[str] = mapped_column(Text, default="")
    challenge_html: Mapped[str] = mapped_column(Text, default="")
    approach: Mapped[str] = mapped_column(Text, default="")
    approach_html: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    results_html: Mapped[str] = mapped_column(Text, default="")
    lessons_learned: Mapped[str] = mapped_column(Text, default="")
    lessons_learned_html: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="")
    links_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CaseStudyStatus] = mapped_column(
        enum_type(CaseStudyStatus, 20), default=CaseStudyStatus.DRAFT, index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    # What the reviewer asked for when returning it; the author sees it until it is published.
    review_comments: Mapped[str] = mapped_column(Text, default="")
    returned_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    archived_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    themes: Mapped[list[Theme]] = relationship(secondary=case_study_themes, order_by=Theme.name)
    owners: Mapped[list[CaseStudyOwner]] = relationship(
        back_populates="case_study",
        cascade="all, delete-orphan",
        order_by="CaseStudyOwner.position",
    )
    revisions: Mapped[list[CaseStudyRevision]] = relationship(
        back_populates="case_study",
        cascade="all, delete-orphan",
        order_by="CaseStudyRevision.number",
    )

    @property
    def covered_years(self) -> list[int]:
        """Return the years the case study covers (its first and last only for a long period)."""
        first = self.start_year or self.end_year
        if first is None:
            return []
        last = self.end_year or first
        if last < first or last - first > MAX_COVERED_YEARS:
            return sorted({first, last})
        return list(range(first, last + 1))

    @property
    def is_published(self) -> bool:
        return self.status is CaseStudyStatus.PUBLISHED

    @property
    def is_returned(self) -> bool:
        """Tell whether a reviewer sent it back to its author with comments."""
        return self.status is CaseStudyStatus.DRAFT and self.returned_at is not None

    @property
    def period(self) -> str:
        """Return the period it covers as people write it: the note, or "2008–2010"."""
        if self.period_note:
            return self.period_note
        if self.start_year and self.end_year and self.end_year != self.start_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year or self.end_year or "")

    def section_texts(self) -> dict[str, str]:
        """Return the Markdown of each body section, by attribute name."""
        return {name: getattr(self, name) or "" for name, _label in SECTIONS}

    def __repr__(self) -> str:
        return f"<CaseStudy {self.slug} {self.status}>"


class CaseStudyOwner(Base):
    """A project owner or contact: a person in the Hub, or a named person outside it."""

    __tablename__ = "case_study_owners"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_study_id: Mapped[int] = mapped_column(
        ForeignKey("case_studies.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    external_name: Mapped[str] = mapped_column(String(120), default="")
    # Their role and organisation as the author wrote it ("Project manager, Buffalo City").
    role: Mapped[str] = mapped_column(String(200), default="")
    is_contact: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    case_study: Mapped[CaseStudy] = relationship(back_populates="owners")
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        who = f"user {self.user_id}" if self.user_id else self.external_name
        return f"<CaseStudyOwner {who} of {self.case_study_id}>"


class CaseStudyRevision(CreatedAtMixin, Base):
    """What a case study said after one save: its title, summary and body sections."""

    __tablename__ = "case_study_revisions"
    __table_args__ = (UniqueConstraint("case_study_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_study_id: Mapped[int] = mapped_column(
        ForeignKey("case_studies.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # {"context": "...", "challenge": "...", ..., "links": "..."}: Markdown as written.
    sections: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    case_study: Mapped[CaseStudy] = relationship(back_populates="revisions")
    editor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<CaseStudyRevision {self.case_study_id}#{self.number}>"


for _source, _ in [*SECTIONS, ("links", "Links")]:
    register_rendered_field(CaseStudy, _source, f"{_source}_html")


class Adaptation(CreatedAtMixin, Base):
    """A record that another organisation reused a case study: what it changed, what happened."""

    __tablename__ = "case_study_adaptations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_study_id: Mapped[int] = mapped_column(
        ForeignKey("case_studies.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    what_changed: Mapped[str] = mapped_column(Text, default="")
    what_changed_html: Mapped[str] = mapped_column(Text, default="")
    what_happened: Mapped[str] = mapped_column(Text, default="")
    what_happened_html: Mapped[str] = mapped_column(Text, default="")

    case_study: Mapped[CaseStudy] = relationship()
    organisation: Mapped[Organisation] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def title(self) -> str:
        """Name the record in the audit log."""
        return f"Adapted by {self.organisation.name}" if self.organisation else "Adaptation"

    def __repr__(self) -> str:
        return f"<Adaptation {self.id} of case study {self.case_study_id}>"


register_rendered_field(Adaptation, "what_changed", "what_changed_html")
register_rendered_field(Adaptation, "what_happened", "what_happened_html")
