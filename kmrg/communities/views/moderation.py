"""What facilitators do with discussions: pin, lock, hide and move topics; flags and removal."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from kmrg.communities import blueprint, discussions, permissions, queries
from kmrg.communities.forms import CommunityActionForm, FlagForm, MoveTopicForm
from kmrg.communities.views.communities import get_readable_community_or_404
from kmrg.communities.views.topics import get_post_or_404, get_topic_or_404, topic_url
from kmrg.extensions import db
from kmrg.forms import choices, submitted_version
from kmrg.service_calls import committing

# What each topic button changes, and what the facilitator is told.
TOPIC_CHANGES = {
    "pin": ({"is_pinned": True}, "The topic is pinned to the top."),
    "unpin": ({"is_pinned": False}, "The topic is no longer pinned."),
    "lock": ({"is_locked": True}, "The topic is locked: no more replies."),
    "unlock": ({"is_locked": False}, "The topic is open for replies again."),
    "hide": ({"is_hidden": True}, "The topic is hidden from everyone but facilitators."),
    "unhide": ({"is_hidden": False}, "The topic is shown again."),
}


@blueprint.post("/<slug>/topics/<int:topic_id>/<any(pin,unpin,lock,unlock,hide,unhide):change>")
@login_required
def change_topic(slug: str, topic_id: int, change: str):
    topic = get_topic_or_404(slug, topic_id)
    if not permissions.can_moderate_community(current_user, topic.community):
        abort(403)
    form = CommunityActionForm()
    if not form.validate_on_submit():
        abort(400)
    values, message = TOPIC_CHANGES[change]
    with committing() as call:
        discussions.change_topic(
            db.session, current_user, topic, expected_version=submitted_version(form), **values
        )
    if call.succeeded:
        flash(message, "success")
    return redirect(topic_url(topic))


@blueprint.route("/<slug>/topics/<int:topic_id>/move", methods=["GET", "POST"])
@login_required
def move_topic(slug: str, topic_id: int):
    topic = get_topic_or_404(slug, topic_id)
    if not permissions.can_moderate_community(current_user, topic.community):
        abort(403)
    form = MoveTopicForm()
    others = [
        c
        for c in queries.list_facilitated_communities(db.session, current_user)
        if c.id != topic.community_id
    ]
    form.destination.choices = choices((c.slug, c.name) for c in others)
    if not form.is_submitted():
        form.version.data = str(topic.version)
    if form.validate_on_submit():
        destination = next(c for c in others if c.slug == form.destination.data)
        with committing(form, stale_message="The topic changed meanwhile: try again.") as call:
            discussions.move_topic(
                db.session,
                current_user,
                topic,
                destination,
                expected_version=submitted_version(form),
            )
        if call.succeeded:
            flash(f"The topic is moved to “{destination.name}”.", "success")
            return redirect(topic_url(topic))
    return render_template("communities/move_topic.html", form=form, topic=topic)


@blueprint.route("/<slug>/topics/<int:topic_id>/posts/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
def flag_post(slug: str, topic_id: int, post_id: int):
    post = get_post_or_404(slug, topic_id, post_id)
    if not permissions.can_flag_post(current_user, post):
        abort(403)
    form = FlagForm()
    if form.validate_on_submit():
        with committing(form) as call:
            discussions.flag_post(db.session, current_user, post, form.reason.data or "")
        if call.succeeded:
            flash("Thank you: the community's facilitators will look at it.", "success")
            return redirect(topic_url(post.topic, f"post-{post.id}"))
    return render_template("communities/flag_post.html", form=form, post=post, topic=post.topic)


@blueprint.post("/<slug>/topics/<int:topic_id>/posts/<int:post_id>/remove")
@login_required
def remove_post(slug: str, topic_id: int, post_id: int):
    post = get_post_or_404(slug, topic_id, post_id)
    if not permissions.can_moderate_community(current_user, post.topic.community):
        abort(403)
    if not CommunityActionForm().validate_on_submit():
        abort(400)
    with committing() as call:
        discussions.remove_post(db.session, current_user, post)
    if call.succeeded:
        flash("The post is removed; a marker shows where it was.", "success")
    return redirect(topic_url(post.topic, f"post-{post.id}"))


@blueprint.route("/<slug>/flags")
@login_required
def list_flags(slug: str):
    community = get_readable_community_or_404(slug)
    if not permissions.can_moderate_community(current_user, community):
        abort(403)
    return render_template(
        "communities/flags.html",
        community=community,
        flags=queries.list_open_flags(db.session, community),
        action_form=CommunityActionForm(formdata=None),
    )


@blueprint.post("/<slug>/flags/<int:flag_id>/<any(dismiss,remove):decision>")
@login_required
def decide_flag(slug: str, flag_id: int, decision: str):
    community = get_readable_community_or_404(slug)
    if not permissions.can_moderate_community(current_user, community):
        abort(403)
    flag = queries.get_open_flag(db.session, community, flag_id)
    if flag is None:
        abort(404)
    if not CommunityActionForm().validate_on_submit():
        abort(400)
    with committing() as call:
        if decision == "dismiss":
            discussions.dismiss_flag(db.session, current_user, flag)
        else:
            discussions.remove_post(db.session, current_user, flag.post)
    if call.succeeded:
        flash(
            "The flag is dismissed; the post stays."
            if decision == "dismiss"
            else "The post is removed; a marker shows where it was.",
            "success",
        )
    return redirect(url_for("communities.list_flags", slug=slug))
