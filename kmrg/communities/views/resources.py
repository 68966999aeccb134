"""Members link resources to a community; facilitators and the linker take them off."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from kmrg.communities import blueprint, permissions, resources
from kmrg.communities.forms import CommunityActionForm, ResourceForm
from kmrg.communities.models import Resource
from kmrg.communities.views.communities import get_readable_community_or_404
from kmrg.extensions import db
from kmrg.service_calls import committing


@blueprint.route("/<slug>/resources/new", methods=["GET", "POST"])
@login_required
def add_resource(slug: str):
    community = get_readable_community_or_404(slug)
    if not permissions.can_add_community_resource(current_user, community):
        abort(403)
    form = ResourceForm()
    if form.validate_on_submit():
        with committing(form) as call:
            resources.add_resource(
                db.session, current_user, community, form.address.data or "", form.note.data or ""
            )
        if call.succeeded:
            flash("The resource is linked to the community.", "success")
            return redirect(url_for("communities.show_community", slug=slug) + "#resources-heading")
    return render_template("communities/add_resource.html", form=form, community=community)


@blueprint.post("/<slug>/resources/<int:resource_id>/remove")
@login_required
def remove_resource(slug: str, resource_id: int):
    community = get_readable_community_or_404(slug)
    resource = db.session.get(Resource, resource_id)
    if resource is None or resource.community_id != community.id:
        abort(404)
    if not permissions.can_remove_community_resource(current_user, resource):
        abort(403)
    if not CommunityActionForm().validate_on_submit():
        abort(400)
    with committing() as call:
        resources.remove_resource(db.session, current_user, resource)
    if call.succeeded:
        flash("The resource is taken off the community.", "success")
    return redirect(url_for("communities.show_community", slug=slug) + "#resources-heading")
