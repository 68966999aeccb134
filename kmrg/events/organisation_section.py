"""The meetings an organisation hosted, as a section of its page (kmrg.organisations.sections)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kmrg.events import queries
from kmrg.organisations.models import Organisation

TEMPLATE = "events/_organisation_meetings.html"


def load_hosted_meetings(
    session: Session, viewer: Any, organisation: Organisation
) -> dict[str, Any] | None:
    """Return the hosted meetings `viewer` may see, newest first; None when there are none."""
    meetings = queries.list_hosted_meetings(session, viewer, organisation)
    return {"meetings": meetings} if meetings else None
