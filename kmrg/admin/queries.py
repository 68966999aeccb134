"""Read the figures the administrators' dashboard shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.audit.models import AuditEvent
from kmrg.audit.queries import audit_events_query
from kmrg.auth.models import AccountStatus, User
from kmrg.mail.queries import count_failed_messages
from kmrg.organisations.models import Organisation
from kmrg.themes.models import Theme


@dataclass(frozen=True)
class DashboardCounts:
    """How much there is to look after."""

    pending_applications: int
    active_users: int
    organisations: int
    themes: int
    failed_mail: int


def _count(session: Session, model: type, *conditions: object) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def dashboard_counts(session: Session) -> DashboardCounts:
    """Count pending applications, active accounts, current organisations and themes, and
    e-mail that failed for good."""
    return DashboardCounts(
        pending_applications=_count(session, User, User.status == AccountStatus.PENDING),
        active_users=_count(session, User, User.status == AccountStatus.ACTIVE),
        organisations=_count(session, Organisation, Organisation.is_retired.is_(False)),
        themes=_count(session, Theme, Theme.is_retired.is_(False)),
        failed_mail=count_failed_messages(session),
    )


def latest_audit_events(session: Session, limit: int = 10) -> list[AuditEvent]:
    """Return the newest audit events."""
    return list(session.scalars(audit_events_query().limit(limit)))
