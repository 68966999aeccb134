"""The audit log page for administrators."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from kmrg.audit import blueprint, permissions
from kmrg.audit.models import AuditEvent
from kmrg.audit.queries import audit_events_query
from kmrg.extensions import db
from kmrg.inputs import page_number

PER_PAGE = 50


def _distinct(column: InstrumentedAttribute[str]) -> list[str]:
    return list(db.session.scalars(select(column).distinct().order_by(column)))


@blueprint.route("/")
@login_required
def list_events():
    if not permissions.can_view_audit_log(current_user):
        abort(403)
    actions = _distinct(AuditEvent.action)
    target_types = _distinct(AuditEvent.target_type)
    action = request.args.get("action", "")
    target_type = request.args.get("target_type", "")
    # Only values the log holds are filters; anything else shows the whole log.
    action = action if action in actions else ""
    target_type = target_type if target_type in target_types else ""
    query = audit_events_query(action=action or None, target_type=target_type or None)
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "audit/list.html",
        page=page,
        actions=actions,
        target_types=target_types,
        action=action,
        target_type=target_type,
    )
