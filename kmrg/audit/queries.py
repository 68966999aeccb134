"""Read the audit log."""

from __future__ import annotations

from sqlalchemy import Select, select

from kmrg.audit.models import AuditEvent


def audit_events_query(
    action: str | None = None, target_type: str | None = None, actor_id: int | None = None
) -> Select[tuple[AuditEvent]]:
    """Return a query of audit events, newest first, narrowed by the given filters."""
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    return query
