"""Any record of the Hub, named by type and id or by its address, as a viewer may see it.

Records are read through the search registry (each DocumentType's `load`, `can_view` and `url`),
files through the attachments area's own visibility rule, so an area that links to records (a
meeting's action fulfilled by a case study, a community's resources) imports no other feature
area, and a record of an area added later can be linked without changes here.
"""

from __future__ import annotations

from collections.abc import Collection
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
from kmrg.search.registry import DocumentType, registry

ATTACHMENT = "attachment"
ATTACHMENT_ENDPOINT = "attachments.download_attachment"


@dataclass(frozen=True)
class RecordRef:
    """A record named by type (a search document type, or "attachment") and id."""

    type: str
    id: int


def visible_record(
    session: Session, viewer: Any, ref: RecordRef, *, types: Collection[str] | None = None
) -> Any | None:
    """Return the record `ref` names (an Attachment for files) if `viewer` may see it.

    `types` limits the search document types accepted (files are always accepted).
    """
    if ref.type == ATTACHMENT:
        attachment = session.get(Attachment, ref.id)
        if attachment is None or not can_view_attachment(viewer, attachment):
            return None
        return attachment
    document_type = registry.get(ref.type)
    if document_type is None or (types is not None and ref.type not in types):
        return None
    obj = document_type.load(session, [str(ref.id)]).get(str(ref.id))
    if obj is None or not document_type.can_view(viewer, obj):
        return None
    return obj


def attachment_url(attachment: Attachment) -> str:
    """Return where a file is downloaded."""
    return url_for(
        ATTACHMENT_ENDPOINT, attachment_id=attachment.id, display_name=attachment.display_name
    )


def record_title(session: Session, document_type: DocumentType, obj: Any) -> str:
    """Return the title a record goes by: its search document's, or its own when not indexed."""
    document = document_type.documents(session, [obj]).get(str(obj.id))
    if document is not None:
        return document.title
    # Not in the index now (a draft its author may still see): the record's own title.
    return str(getattr(obj, "title", "") or getattr(obj, "name", "") or document_type.label)


def ref_from_address(
    session: Session, address: str, *, types: Collection[str] | None = None
) -> RecordRef | None:
    """Return the record a Hub address (pasted from the browser, or a path) points at, if any.

    The address must be this Hub's (its configured public address, or a path); the page it names
    is matched against the Hub's routes, and a search document type (of `types`, if given) whose
    `url` gives exactly that page claims it. Whether a viewer may see the record is
    visible_record's question.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    try:
        parts = urlsplit((address or "").strip())
    except ValueError:  # not an address at all ("http://[::1")
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc.lower() != base.netloc.lower():
        return None
    path = unquote(parts.path or "")
    prefix = base.path.rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    if not path.startswith("/"):
        return None
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
        if types is not None and document_type.name not in types:
            continue
        for candidate in _candidates(session, document_type, values):
            if document_type.url(candidate) == page:
                return RecordRef(document_type.name, candidate.id)
    return None


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
