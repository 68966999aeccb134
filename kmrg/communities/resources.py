"""Resources: case studies, lessons, meetings and files members link to a community.

Records are read through kmrg.records (the search registry, and the attachments' visibility
rule), so communities import no other feature area for this. A
resource is shown only to viewers who may see the record. Services take the acting user,
validate, flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kmrg.communities import permissions
from kmrg.communities.models import Community, Resource
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.records import ATTACHMENT, RecordRef, attachment_url, ref_from_address, visible_record
from kmrg.search.registry import registry

# The kinds of record a community links, by search document type, and what a page calls them.
LINKABLE = {"case_study": "Case study", "lesson": "Lesson", "meeting": "Meeting"}
MAX_NOTE = 500
NOT_A_RECORD = (
    "Paste the address of a case study, lesson, meeting or file of the Hub that you can open."
)


@dataclass(frozen=True)
class ShownResource:
    """A resource as a viewer who may see its record is shown it."""

    resource: Resource
    kind: str
    title: str
    url: str


def visible_resources(session: Session, viewer: Any, community: Community) -> list[ShownResource]:
    """Return the community's resources whose records `viewer` may see, newest first."""
    shown = []
    for resource in community.resources:
        found = _find(session, viewer, resource.record_type, resource.record_id)
        if found is not None:
            shown.append(ShownResource(resource, *found))
    return shown


def add_resource(
    session: Session, actor: Any, community: Community, address: str, note: str
) -> Resource:
    """Link the record at a Hub `address` to the community, with why it matters."""
    if not permissions.can_add_community_resource(actor, community):
        raise PermissionDenied("Only the community's members link resources.")
    ref = _ref_from_address(session, address)
    if ref is None:
        raise ValidationError(NOT_A_RECORD, "address")
    return link_record(session, actor, community, *ref, note=note)


def link_record(
    session: Session,
    actor: Any,
    community: Community,
    record_type: str,
    record_id: int,
    *,
    note: str,
) -> Resource:
    """Link the record (`record_type`, `record_id`) to the community, with why it matters."""
    if not permissions.can_add_community_resource(actor, community):
        raise PermissionDenied("Only the community's members link resources.")
    note = (note or "").strip()
    if not note:
        raise ValidationError("Say in a line why it matters to the community.", "note")
    if len(note) > MAX_NOTE:
        raise ValidationError(f"Keep the note under {MAX_NOTE} characters.", "note")
    if _visible_record(session, actor, record_type, record_id) is None:
        raise ValidationError(NOT_A_RECORD, "address")
    if any(r.record_type == record_type and r.record_id == record_id for r in community.resources):
        raise ValidationError("This is already one of the community's resources.", "address")
    resource = Resource(
        record_type=record_type, record_id=record_id, note=note, added_by_id=actor.id
    )
    community.resources.append(resource)
    session.flush()
    return resource


def remove_resource(session: Session, actor: Any, resource: Resource) -> None:
    """Take a resource off its community (the record itself stays)."""
    if not permissions.can_remove_community_resource(actor, resource):
        raise PermissionDenied("Only facilitators and the member who linked it remove it.")
    resource.community.resources.remove(resource)
    session.flush()


def _visible_record(session: Session, viewer: Any, record_type: str, record_id: int) -> Any:
    """Return the record if it is of a linkable kind, exists, and `viewer` may see it."""
    return visible_record(session, viewer, RecordRef(record_type, record_id), types=LINKABLE)


def _find(session: Session, viewer: Any, record_type: str, record_id: int):
    obj = _visible_record(session, viewer, record_type, record_id)
    if obj is None:
        return None
    if record_type == ATTACHMENT:
        return "File", obj.title or obj.display_name, attachment_url(obj)
    document_type = registry.get(record_type)
    title = str(getattr(obj, "title", "") or getattr(obj, "name", "") or document_type.label)
    return LINKABLE[record_type], title, document_type.url(obj)


def _ref_from_address(session: Session, address: str) -> tuple[str, int] | None:
    """Return the (type, id) of the record a Hub address (or path) names, if it names one."""
    ref = ref_from_address(session, address, types=LINKABLE)
    return None if ref is None else (ref.type, ref.id)
