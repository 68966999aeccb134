"""Endorsement pages: endorse an expert (or change one's sentence), hide, show and withdraw."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from kmrg.experts import blueprint, endorsements, permissions, queries
from kmrg.experts.forms import EndorsementForm, ExpertActionForm
from kmrg.experts.models import Endorsement, ExpertProfile
from kmrg.extensions import db
from kmrg.forms import choices
from kmrg.service_calls import committing


def _visible_profile_or_404(slug: str) -> ExpertProfile:
    profile = queries.get_profile_by_slug(db.session, slug)
    # A profile the viewer may not see does not exist for them.
    if profile is None or not permissions.can_view_expert_profile(current_user, profile):
        abort(404)
    return profile


def _endorsements_url(profile: ExpertProfile) -> str:
    return url_for("experts.show_expert", slug=profile.slug, _anchor="endorsements")


def _area_choices(profile: ExpertProfile, own: dict[str, Endorsement]) -> list[Any]:
    pairs = [
        (
            area.area_key,
            f"{area.name} (you endorsed this: saving changes your sentence)"
            if area.area_key in own
            else area.name,
        )
        for area in endorsements.endorsable_areas(profile)
    ]
    return choices(pairs)


@blueprint.route("/experts/<slug>/endorse", methods=["GET", "POST"])
@login_required
def endorse_expert(slug: str):
    profile = _visible_profile_or_404(slug)
    if not permissions.can_endorse_expert(current_user, profile):
        abort(403)
    current = {area.area_key for area in endorsements.endorsable_areas(profile)}
    # An endorsement of an area the profile no longer lists is dormant: not changed from here.
    own = {
        key: endorsement
        for key, endorsement in endorsements.own_endorsements(
            db.session, profile, current_user
        ).items()
        if key in current
    }
    form = EndorsementForm()
    form.area.choices = _area_choices(profile, own)
    if request.method == "GET":
        # "Change" links name the area, so the form opens with the sentence written before.
        requested = request.args.get("area", "")
        if requested in own:
            form.area.data = requested
            form.statement.data = own[requested].statement
        elif any(choice.value == requested for choice in form.area.choices):
            form.area.data = requested
    if form.validate_on_submit():
        existing = own.get(form.area.data or "")
        try:
            with committing(form) as call:
                if existing is not None:
                    endorsements.change_endorsement(
                        db.session, current_user, existing, form.statement.data or ""
                    )
                else:
                    endorsements.endorse_expert(
                        db.session, current_user, profile, form.area.data or "", form.statement.data
                    )
        except IntegrityError:
            # The same person endorsed the same area from another tab a moment ago.
            db.session.rollback()
            form.area.errors = [
                *form.area.errors,
                "You have just endorsed this area from elsewhere; nothing was added. Open the "
                "page again to change your sentence.",
            ]
        if call.succeeded:
            if existing is not None:
                flash("Your endorsement now says what you wrote.", "success")
            else:
                flash(f"Thank you: your endorsement of {profile.name} is shown.", "success")
            return redirect(_endorsements_url(profile))
    return render_template(
        "experts/endorse.html",
        profile=profile,
        form=form,
        own=own,
        endorsements=endorsements.visible_endorsements(db.session, profile, current_user),
        endorsements_addressed=permissions.is_addressed_by_endorsements(current_user, profile),
        can_endorse=False,
        action_form=ExpertActionForm(),
    )


def _act_on_endorsement(slug: str, endorsement_id: int) -> tuple[ExpertProfile, Endorsement]:
    profile = _visible_profile_or_404(slug)
    endorsement = endorsements.get_endorsement(db.session, profile, endorsement_id)
    if endorsement is None:
        abort(404)
    if not ExpertActionForm().validate_on_submit():
        abort(400)
    return profile, endorsement


@blueprint.route("/experts/<slug>/endorsements/<int:endorsement_id>/hide", methods=["POST"])
@login_required
def hide_endorsement(slug: str, endorsement_id: int):
    profile, endorsement = _act_on_endorsement(slug, endorsement_id)
    with committing() as call:
        endorsements.hide_endorsement(db.session, current_user, endorsement)
    if call.succeeded:
        name = endorsement.endorser.name
        who = (
            "only you see it"
            if permissions.can_see_hidden_endorsements(current_user, profile)
            else "only the expert sees it"
        )
        flash(f"{name}’s endorsement is hidden: {who}, and it counts for nothing.", "success")
    return redirect(_endorsements_url(profile))


@blueprint.route("/experts/<slug>/endorsements/<int:endorsement_id>/show", methods=["POST"])
@login_required
def show_endorsement(slug: str, endorsement_id: int):
    profile, endorsement = _act_on_endorsement(slug, endorsement_id)
    with committing() as call:
        endorsements.show_endorsement(db.session, current_user, endorsement)
    if call.succeeded:
        flash(f"{endorsement.endorser.name}’s endorsement is shown again.", "success")
    return redirect(_endorsements_url(profile))


@blueprint.route("/experts/<slug>/endorsements/<int:endorsement_id>/withdraw", methods=["POST"])
@login_required
def withdraw_endorsement(slug: str, endorsement_id: int):
    profile, endorsement = _act_on_endorsement(slug, endorsement_id)
    area = endorsement.area_name
    with committing() as call:
        endorsements.withdraw_endorsement(db.session, current_user, endorsement)
    if call.succeeded:
        flash(f"Your endorsement of {profile.name} for {area} is withdrawn.", "success")
    return redirect(_endorsements_url(profile))
