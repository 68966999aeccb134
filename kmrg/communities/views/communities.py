"""The list of communities, one community's page, and creating and editing communities."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.communities import blueprint, permissions, queries, resources, services
from kmrg.communities.forms import CommunityActionForm, CommunityForm
from kmrg.communities.models import Community, CommunityKind, CommunityVisibility, JoinPolicy
from kmrg.extensions import db
from kmrg.forms import choices, submitted_version
from kmrg.service_calls import committing
from kmrg.themes.queries import list_themes

LATEST_TOPICS = 20
STALE_COMMUNITY_EDIT = (
    "Someone else saved this community after you opened it, so your changes were NOT saved. "
    "Your text is kept below: save again to replace their version with yours."
)


def get_community_or_404(slug: str) -> Community:
    """Return the community called `slug` if the current user may see it, else abort with 404."""
    community = queries.get_community_by_slug(db.session, slug)
    if community is None or not permissions.can_view_community(current_user, community):
        abort(404)
    return community


def get_readable_community_or_404(slug: str) -> Community:
    """Return the community if the current user may read its discussions, else 404.

    A members-only community's discussions are a 404 to everyone else, so they do not learn
    that a topic exists.
    """
    community = get_community_or_404(slug)
    if not permissions.can_read_community(current_user, community):
        abort(404)
    return community


@blueprint.route("/")
def list_communities():
    return render_template(
        "communities/index.html",
        communities=queries.list_communities(db.session, current_user),
    )


@blueprint.route("/<slug>")
def show_community(slug: str):
    community = get_community_or_404(slug)
    topics, shown_resources = [], []
    if permissions.can_read_community(current_user, community):
        with_hidden = permissions.can_moderate_community(current_user, community)
        topics = queries.list_topics(db.session, community, with_hidden=with_hidden)
        shown_resources = resources.visible_resources(db.session, current_user, community)
    return render_template(
        "communities/show.html",
        community=community,
        topics=topics[:LATEST_TOPICS],
        resources=shown_resources,
        action_form=CommunityActionForm(formdata=None),
    )


def _prepare_form(form: CommunityForm) -> None:
    form.kind.choices = choices((k.value, k.label) for k in CommunityKind)
    form.join_policy.choices = choices((p.value, p.label) for p in JoinPolicy)
    form.visibility.choices = choices((v.value, v.label) for v in CommunityVisibility)
    form.themes.choices = [(t.id, t.name) for t in list_themes(db.session)]


def _data_from(form: CommunityForm) -> services.CommunityData:
    return services.CommunityData(
        name=form.name.data or "",
        purpose=form.purpose.data or "",
        kind=CommunityKind(form.kind.data),
        join_policy=JoinPolicy(form.join_policy.data),
        visibility=CommunityVisibility(form.visibility.data),
        theme_ids=tuple(form.themes.data or ()),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create_community():
    if not permissions.can_create_community(current_user):
        abort(403)
    form = CommunityForm()
    _prepare_form(form)
    if request.method == "GET":
        form.kind.data = CommunityKind.PRACTICE.value
        form.join_policy.data = JoinPolicy.OPEN.value
        form.visibility.data = CommunityVisibility.PUBLIC.value
    if form.validate_on_submit():
        with committing(form) as call:
            community = services.create_community(db.session, current_user, _data_from(form))
        if call.succeeded:
            flash(f"The community “{community.name}” is started; you facilitate it.", "success")
            return redirect(url_for("communities.show_community", slug=community.slug))
    return render_template("communities/edit.html", form=form, community=None)


@blueprint.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_community(slug: str):
    community = get_community_or_404(slug)
    if not permissions.can_edit_community(current_user, community):
        abort(403)
    form = CommunityForm()
    _prepare_form(form)
    if request.method == "GET":
        form.name.data = community.name
        form.purpose.data = community.purpose
        form.kind.data = community.kind.value
        form.join_policy.data = community.join_policy.value
        form.visibility.data = community.visibility.value
        form.themes.data = [theme.id for theme in community.themes]
        form.version.data = str(community.version)
    if form.validate_on_submit():
        with committing(form, stale_message=STALE_COMMUNITY_EDIT) as call:
            services.update_community(
                db.session,
                current_user,
                community,
                _data_from(form),
                expected_version=submitted_version(form),
            )
        if call.succeeded:
            flash("The community is saved.", "success")
            return redirect(url_for("communities.show_community", slug=community.slug))
        if call.stale:
            form.version.data = str(community.version)
    return render_template("communities/edit.html", form=form, community=community)
