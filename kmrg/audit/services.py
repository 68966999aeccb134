"""Write audit events; every service that changes state calls record_event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from kmrg.audit.models import AuditEvent

SYSTEM_ACTOR_LABEL = "system (command line)"


def _label(obj: Any) -> str:
    for attribute in ("name", "title", "email", "code", "slug"):
        value = getattr(obj, attribute, None)
        if value:
            return str(value)[:300]
    return repr(obj)[:300]


def record_event(
    session: Session, actor: Any, action: str, target: Any, summary: str = ""
) -> AuditEvent:
    """Record that `actor` did `action` to `target`; `actor` None means the command line."""
    identity = inspect(target).identity
    if identity is None:
        session.flush()
        identity = inspect(target).identity
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_label=(f"{actor.name} <{actor.email}>" if actor is not None else SYSTEM_ACTOR_LABEL),
        action=action,
        target_type=target.__tablename__,
        target_id=",".join(str(part) for part in identity or ()),
        target_label=_label(target),
        summary=summary,
    )
    session.add(event)
    return event
