"""The administrators' dashboard."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from kmrg.admin import blueprint, permissions
from kmrg.admin.queries import dashboard_counts, latest_audit_events
from kmrg.extensions import db


@blueprint.route("/")
@login_required
def dashboard():
    if not permissions.can_view_dashboard(current_user):
        abort(403)
    return render_template(
        "admin/dashboard.html",
        counts=dashboard_counts(db.session),
        events=latest_audit_events(db.session),
    )
