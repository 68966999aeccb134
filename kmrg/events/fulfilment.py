"""The record that fulfils an action: a search document of any area, or an attached file.

Records are found through kmrg.records (the search registry, and the attachments' visibility),
so meetings import no feature area for this and a record of an area added later can fulfil an
action without changes here. A record is named only to viewers who may see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.attachments.models import Attachment
from kmrg.events.annexures import letter_of
from kmrg.events.models import ActionItem, Annexure, Meeting
from kmrg.events.permissions import can_view_meeting
from kmrg.records import (
    ATTACHMENT,
    RecordRef,
    attachment_url,
    record_title,
    ref_from_address,
    visible_record,
)
from kmrg.search.registry import registry

__all__ = ["ATTACHMENT", "FulfillingRecord", "RecordRef", "ref_from_address"]


@dataclass(frozen=True)
class FulfillingRecord:
    """A record a viewer may see: what it is, its title and where it is."""

    ref: RecordRef
    kind: str
    title: str
    url: str


def find_record(session: Session, viewer: Any, ref: RecordRef) -> FulfillingRecord | None:
    """Return the record `ref` names if it exists and `viewer` may see it, else None."""
    obj = visible_record(session, viewer, ref)
    if obj is None:
        return None
    if isinstance(obj, Attachment):
        return _describe_attachment(session, viewer, ref, obj)
    document_type = registry.get(ref.type)
    return FulfillingRecord(
        ref, document_type.label, record_title(session, document_type, obj), document_type.url(obj)
    )


def fulfilment_of(session: Session, viewer: Any, action: ActionItem) -> FulfillingRecord | None:
    """Return what fulfilled `action`, if anything did and `viewer` may see it."""
    if not action.fulfilled_by_type or action.fulfilled_by_id is None:
        return None
    return find_record(session, viewer, RecordRef(action.fulfilled_by_type, action.fulfilled_by_id))


def annexure_choices(session: Session, viewer: Any, meeting: Meeting) -> list[FulfillingRecord]:
    """Return the annexures of `meeting`'s series that `viewer` may download, newest first."""
    annexures = session.scalars(
        select(Annexure)
        .join(Annexure.meeting)
        .where(Meeting.series_id == meeting.series_id)
        .order_by(Meeting.starts_at.desc(), Annexure.position, Annexure.id)
    )
    found = []
    for annexure in annexures:
        record = find_record(session, viewer, RecordRef(ATTACHMENT, annexure.attachment_id))
        if record is not None:
            found.append(record)
    return found


def _describe_attachment(
    session: Session, viewer: Any, ref: RecordRef, attachment: Attachment
) -> FulfillingRecord | None:
    url = attachment_url(attachment)
    annexure = session.scalars(
        select(Annexure).where(Annexure.attachment_id == attachment.id)
    ).first()
    if annexure is None:
        return FulfillingRecord(ref, "File", attachment.title or attachment.display_name, url)
    meeting = annexure.meeting
    if not can_view_meeting(viewer, meeting):
        return None
    title = f"Annexure {letter_of(annexure)} of {meeting.title}: {annexure.title}"
    return FulfillingRecord(ref, "Annexure", title, url)
