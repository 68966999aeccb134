"""Read attachments."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.attachments.models import Attachment, ExtractionStatus


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


def attachments_by_owner(
    session: Session, owner_type: str, owner_ids: Collection[int]
) -> dict[int, list[Attachment]]:
    """Return the attachments of many owners at once, oldest first, by owner id."""
    found: dict[int, list[Attachment]] = {owner_id: [] for owner_id in owner_ids}
    if not found:
        return found
    query = (
        select(Attachment)
        .where(Attachment.owner_type == owner_type, Attachment.owner_id.in_(sorted(found)))
        .order_by(Attachment.created_at, Attachment.id)
    )
    for attachment in session.scalars(query):
        found[attachment.owner_id].append(attachment)
    return found


def is_blob_referenced(session: Session, sha256: str) -> bool:
    """Tell whether any attachment still uses the stored file with that hash."""
    query = select(Attachment.id).where(Attachment.sha256 == sha256).limit(1)
    return session.scalar(query) is not None


def pending_extractions(session: Session, after_id: int, limit: int) -> list[Attachment]:
    """Return attachments whose text waits to be extracted, oldest first, after `after_id`."""
    query = (
        select(Attachment)
        .where(
            Attachment.extraction_status == ExtractionStatus.PENDING,
            Attachment.id > after_id,
        )
        .order_by(Attachment.id)
        .limit(limit)
    )
    return list(session.scalars(query))
