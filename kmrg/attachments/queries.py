"""Read attachments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.attachments.models import Attachment


def attachments_for(session: Session, owner_type: str, owner_id: int) -> list[Attachment]:
    """Return an owner's attachments, oldest first."""
    query = (
        select(Attachment)
        .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
        .order_by(Attachment.created_at, Attachment.id)
    )
    return list(session.scalars(query))


def get_attachment_or_none(session: Session, attachment_id: int) -> Attachment | None:
    """Return the attachment with that id, if there is one."""
    return session.get(Attachment, attachment_id)


def attachment_text_for(session: Session, owner_type: str, owner_id: int) -> str:
    """Return the titles, file names and extracted text of an owner's attachments, for search."""
    rows = session.execute(
        select(Attachment.title, Attachment.display_name, Attachment.extracted_text)
        .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
        .order_by(Attachment.created_at, Attachment.id)
    )
    parts = []
    for title, display_name, text in rows:
        parts.extend(part for part in (title, display_name, text) if part)
    return "\n\n".join(parts)


def is_blob_referenced(session: Session, sha256: str) -> bool:
    """Tell whether any attachment still uses the stored file with that hash."""
    query = select(Attachment.id).where(Attachment.sha256 == sha256).limit(1)
    return session.scalar(query) is not None
