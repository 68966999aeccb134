"""The record that fulfils an action: a search document of any area, or an attached file.

Records are found through the search registry (each DocumentType's `load`, `can_view` and `url`)
and files through the attachments area's own visibility rules, so meetings import no feature
area for this and a record of an area added later can fulfil an action without changes here.
A record is named only to viewers who may see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from kmrg.attachments.models import Attachment
from kmrg.attachments.permissions import can_view_attachment
from kmrg.events.annexures import letter_of
from kmrg.events.models import ActionItem, Annexure, Meeting
from kmrg.events.permissions import can_view_meeting
from kmrg.search.registry import DocumentType, registry

ATTACHMENT = "attachment"
ATTACHMENT_ENDPOINT = "attachments.download_attachment"


@dataclass(frozen=True)
class RecordRef:
    """A record named by type (a search document type, or "attachment") and id."""

    type: str
    id: int


@dataclass(frozen=True)
class FulfillingRecord:
    """A record a viewer may see: what it is, its title and where it is."""

    ref: RecordRef
    kind: str
    title: str
    url: str


def find_record(session: Session, viewer: Any, ref: RecordRef) -> FulfillingRecord | None:
    """Return the record `ref` names if it exists and `viewer` may see it, else None."""
    if ref.type == ATTACHMENT:
        return _find_attachment(session, viewer, ref)
    document_type = registry.get(ref.type)
    if document_type is None:
        return None
    obj = document_type.load(session, [str(ref.id)]).get(str(ref.id))
    if obj is None or not document_type.can_view(viewer, obj):
        return None
    return FulfillingRecord(
        ref, document_type.label, _title(session, document_type, obj), _url(document_type, obj)
    )


def fulfilment_of(session: Session, viewer: Any, action: ActionItem) -> FulfillingRecord | None:
    """Return what fulfilled `action`, if anything did and `viewer` may see it."""
    if not action.fulfilled_by_type or action.fulfilled_by_id is None:
        return None
    return find_record(session, viewer, RecordRef(action.fulfilled_by_type, action.fulfilled_by_id))


def ref_from_address(session: Session, address: str) -> RecordRef | None:
    """Return the record a Hub address (pasted from the browser, or a path) points at, if any.

    The address must be this Hub's (its configured public address, or a path); the page it names
    is matched against the Hub's routes, and a search document type whose `url` gives exactly
    that page claims it. Whether the viewer may see the record is find_record's question.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    try:
        parts = urlsplit(address.strip())
    except ValueError:  # not an address at all ("http://[::1")
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc.lower() != base.netloc.lower():
        return None
    path = unquote(parts.path or "")
    if not path.startswith("/"):
        return None
    prefix = base.path.rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    adapter = current_app.url_map.bind(base.netloc, url_scheme=base.scheme)
    try:
        endpoint, values = adapter.match(path, method="GET")
    except RequestRedirect as redirect:
        # A path without its trailing slash: follow the route's own redirect once.
        try:
            endpoint, values = adapter.match(urlsplit(redirect.new_url).path, method="GET")
        except HTTPException:
            return None
    except HTTPException:
        return None
    if endpoint == ATTACHMENT_ENDPOINT:
        return RecordRef(ATTACHMENT, values["attachment_id"])
    page = url_for(endpoint, **values)
    for document_type in registry:
        for candidate in _candidates(session, document_type, values):
            if _url(document_type, candidate) == page:
                return RecordRef(document_type.name, candidate.id)
    return None


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


def _find_attachment(session: Session, viewer: Any, ref: RecordRef) -> FulfillingRecord | None:
    attachment = session.get(Attachment, ref.id)
    if attachment is None or not can_view_attachment(viewer, attachment):
        return None
    url = url_for(
        ATTACHMENT_ENDPOINT, attachment_id=attachment.id, display_name=attachment.display_name
    )
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


def _candidates(session: Session, document_type: DocumentType, values: dict[str, Any]) -> list:
    """Return the records of a type that the page's route values could name (ids and slugs)."""
    model = document_type.model
    ids = {value for value in values.values() if isinstance(value, int)}
    slugs = [value for value in values.values() if isinstance(value, str)]
    if slugs and hasattr(model, "slug"):
        ids.update(session.scalars(select(model.id).where(model.slug.in_(slugs))))
    if not ids:
        return []
    return list(document_type.load(session, [str(i) for i in sorted(ids)]).values())


def _title(session: Session, document_type: DocumentType, obj: Any) -> str:
    document = document_type.documents(session, [obj]).get(str(obj.id))
    if document is not None:
        return document.title
    # Not in the index now (a draft its author may still see): the record's own title.
    return str(getattr(obj, "title", "") or getattr(obj, "name", "") or document_type.label)


def _url(document_type: DocumentType, obj: Any) -> str:
    return document_type.url(obj)
