"""Evidence of expertise on the profile page, and the owner's decisions on inferred areas."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from kmrg.experts import blueprint, evidence_services, permissions, queries
from kmrg.experts.evidence import collect_evidence, inferred_areas
from kmrg.experts.forms import InferredAreaForm
from kmrg.experts.models import ExpertProfile
from kmrg.extensions import db
from kmrg.forms import choices
from kmrg.service_calls import committing
from kmrg.themes.queries import get_theme_by_slug

ACTIONS = [("confirm", "Confirm"), ("hide", "Hide"), ("undo", "Undo")]
MESSAGES = {
    "confirm": "{area} is confirmed as an area of your expertise.",
    "hide": "{area} is hidden: only you see it and its records on your profile.",
    "undo": "{area} is back to a suggestion from the Hub's records.",
}


def evidence_context(profile: ExpertProfile) -> dict[str, Any]:
    """Return what templates/experts/_evidence.html needs, for the profile page's view."""
    evidence = collect_evidence(db.session, profile, current_user)
    return {
        "evidence": evidence,
        "areas": inferred_areas(db.session, profile, current_user, evidence=evidence),
        "area_form": InferredAreaForm(formdata=None),
    }


@blueprint.route("/experts/<slug>/areas/<theme_slug>", methods=["POST"])
@login_required
def decide_inferred_area(slug: str, theme_slug: str):
    profile = queries.get_profile_by_slug(db.session, slug)
    # A profile the viewer may not see does not exist for them.
    if profile is None or not permissions.can_view_expert_profile(current_user, profile):
        abort(404)
    theme = get_theme_by_slug(db.session, theme_slug)
    if theme is None:
        abort(404)
    if not permissions.can_decide_inferred_area(current_user, profile):
        abort(403)
    form = InferredAreaForm()
    form.action.choices = choices(ACTIONS)
    if not form.validate_on_submit():
        abort(400)
    action = form.action.data
    with committing() as call:
        if action == "confirm":
            evidence_services.confirm_inferred_area(db.session, current_user, profile, theme)
        elif action == "hide":
            evidence_services.hide_inferred_area(db.session, current_user, profile, theme)
        else:
            evidence_services.clear_area_decision(db.session, current_user, profile, theme)
    if call.succeeded:
        flash(MESSAGES[action].format(area=theme.name), "success")
    return redirect(url_for("experts.show_expert", slug=profile.slug, _anchor="evidence"))
