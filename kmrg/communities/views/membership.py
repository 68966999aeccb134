"""Joining and leaving a community, and facilitators running its membership."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from kmrg.communities import blueprint, permissions, queries, services
from kmrg.communities.forms import CommunityActionForm
from kmrg.communities.models import Membership, MembershipStatus
from kmrg.communities.views.communities import get_community_or_404
from kmrg.extensions import db
from kmrg.service_calls import committing


def _back(slug: str):
    return redirect(url_for("communities.show_community", slug=slug) + "#members-heading")


@blueprint.post("/<slug>/join")
@login_required
def join_community(slug: str):
    community = get_community_or_404(slug)
    if not CommunityActionForm().validate_on_submit():
        abort(400)
    with committing() as call:
        membership = services.join_community(db.session, current_user, community)
    if call.succeeded:
        if membership.status is MembershipStatus.ACTIVE:
            flash(f"You are a member of “{community.name}”.", "success")
        else:
            flash("Your request to join is with the community's facilitators.", "success")
    return redirect(url_for("communities.show_community", slug=slug))


@blueprint.post("/<slug>/leave")
@login_required
def leave_community(slug: str):
    community = get_community_or_404(slug)
    if not CommunityActionForm().validate_on_submit():
        abort(400)
    with committing() as call:
        services.leave_community(db.session, current_user, community)
    if call.succeeded:
        flash(f"You are no longer in “{community.name}”.", "success")
    return redirect(url_for("communities.show_community", slug=slug))


def _membership_or_404(slug: str, membership_id: int) -> Membership:
    community = get_community_or_404(slug)
    if not permissions.can_manage_community_members(current_user, community):
        abort(403)
    membership = queries.get_membership(db.session, community, membership_id)
    if membership is None:
        abort(404)
    if not CommunityActionForm().validate_on_submit():
        abort(400)
    return membership


@blueprint.post("/<slug>/members/<int:membership_id>/approve")
@login_required
def approve_request(slug: str, membership_id: int):
    membership = _membership_or_404(slug, membership_id)
    with committing() as call:
        services.approve_request(db.session, current_user, membership)
    if call.succeeded:
        flash("The request is approved.", "success")
    return _back(slug)


@blueprint.post("/<slug>/members/<int:membership_id>/decline")
@login_required
def decline_request(slug: str, membership_id: int):
    membership = _membership_or_404(slug, membership_id)
    with committing() as call:
        services.decline_request(db.session, current_user, membership)
    if call.succeeded:
        flash("The request is declined.", "success")
    return _back(slug)


@blueprint.post("/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int):
    membership = _membership_or_404(slug, membership_id)
    with committing() as call:
        services.remove_member(db.session, current_user, membership)
    if call.succeeded:
        flash("The member is removed from the community.", "success")
    return _back(slug)


@blueprint.post("/<slug>/members/<int:membership_id>/facilitator")
@login_required
def make_facilitator(slug: str, membership_id: int):
    membership = _membership_or_404(slug, membership_id)
    with committing() as call:
        services.make_facilitator(db.session, current_user, membership)
    if call.succeeded:
        flash("They now facilitate the community with you.", "success")
    return _back(slug)
