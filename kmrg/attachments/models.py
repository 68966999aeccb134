"""An uploaded file, attached to one record of any area that registered as an owner."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmrg.auth.models import User
from kmrg.models import Base, CreatedAtMixin, enum_type


class AttachmentKind(StrEnum):
    """The file types the Hub accepts, as detected from their content."""

    PDF = "pdf"
    DOCX = "docx"
    PPTX = "pptx"
    XLSX = "xlsx"
    ODT = "odt"
    PNG = "png"
    JPEG = "jpeg"


class ExtractionStatus(StrEnum):
    """How far the text of an attachment has got on its way to search."""

    PENDING = "pending"  # waiting for the background extractor
    DONE = "done"  # extracted whole (or a kind of file with no text)
    PARTIAL = "partial"  # a limit cut the text short; what was read is searchable
    FAILED = "failed"  # unreadable, or stopped by the limits: found by its name only


class Attachment(CreatedAtMixin, Base):
    """One file attached to one owner; the bytes live in the store under their SHA-256."""

    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_owner", "owner_type", "owner_id"),
        Index("ix_attachments_extraction_status", "extraction_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int]
    # Several attachments may share one stored file; the index finds the others.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[AttachmentKind] = mapped_column(enum_type(AttachmentKind, length=10))
    display_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200), default="")
    extracted_text: Mapped[str] = mapped_column(Text, default="")
    # Text is extracted after the upload commits, in the background (kmrg.attachments.background).
    extraction_status: Mapped[ExtractionStatus] = mapped_column(
        enum_type(ExtractionStatus, length=10),
        default=ExtractionStatus.DONE,
        server_default=ExtractionStatus.DONE.value,
    )
    extraction_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    extracted_at: Mapped[datetime | None]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    uploaded_by: Mapped[User | None] = relationship()

    @property
    def name(self) -> str:
        """Return what people call the file: its title, or else its file name."""
        return self.title or self.display_name

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.display_name!r} of {self.owner_type}:{self.owner_id}>"
