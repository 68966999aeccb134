"""Discussions: starting a topic, reading and replying, editing one's post, the answer."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.communities import blueprint, discussions, permissions, queries
from kmrg.communities.forms import CommunityActionForm, EditPostForm, ReplyForm, TopicForm
from kmrg.communities.lesson_source import SOURCE_TYPE
from kmrg.communities.models import Post, Topic
from kmrg.communities.views.communities import get_readable_community_or_404
from kmrg.extensions import db
from kmrg.forms import submitted_version
from kmrg.lessons.queries import source_lessons_context
from kmrg.service_calls import committing
from kmrg.themes.queries import list_themes

STALE_POST_EDIT = (
    "This post was changed after you opened it, so your changes were NOT saved. Your text is "
    "kept below: check the discussion in a new tab, then save again to replace it."
)


def get_topic_or_404(slug: str, topic_id: int) -> Topic:
    """Return the topic if the current user may read it, else abort with 404."""
    community = get_readable_community_or_404(slug)
    topic = queries.get_topic(db.session, community, topic_id)
    if topic is None or not permissions.can_view_topic(current_user, topic):
        abort(404)
    return topic


def get_post_or_404(slug: str, topic_id: int, post_id: int) -> Post:
    """Return a post of a topic the current user may read, else abort with 404."""
    post = queries.get_post(db.session, get_topic_or_404(slug, topic_id), post_id)
    if post is None:
        abort(404)
    return post


def topic_url(topic: Topic, anchor: str = "") -> str:
    """Return the topic's address, at `anchor` if given."""
    url = url_for("communities.show_topic", slug=topic.community.slug, topic_id=topic.id)
    return f"{url}#{anchor}" if anchor else url


@blueprint.route("/<slug>/topics/new", methods=["GET", "POST"])
@login_required
def start_topic(slug: str):
    community = get_readable_community_or_404(slug)
    if not permissions.can_start_topic(current_user, community):
        abort(403)
    form = TopicForm()
    form.themes.choices = [(t.id, t.name) for t in list_themes(db.session)]
    if form.validate_on_submit():
        with committing(form) as call:
            topic = discussions.start_topic(
                db.session,
                current_user,
                community,
                title=form.title.data or "",
                body=form.body.data or "",
                theme_ids=tuple(form.themes.data or ()),
            )
        if call.succeeded:
            flash("Your topic is started.", "success")
            return redirect(topic_url(topic))
    return render_template("communities/start_topic.html", form=form, community=community)


@blueprint.route("/<slug>/topics/<int:topic_id>")
def show_topic(slug: str, topic_id: int):
    topic = get_topic_or_404(slug, topic_id)
    return _render_topic(topic, ReplyForm(formdata=None))


def _render_topic(topic: Topic, reply_form: ReplyForm):
    action_form = CommunityActionForm(formdata=None)
    action_form.version.data = str(topic.version)
    return render_template(
        "communities/topic.html",
        topic=topic,
        community=topic.community,
        reply_form=reply_form,
        action_form=action_form,
        **source_lessons_context(db.session, SOURCE_TYPE, topic.id, current_user),
    )


@blueprint.post("/<slug>/topics/<int:topic_id>/reply")
@login_required
def reply_to_topic(slug: str, topic_id: int):
    topic = get_topic_or_404(slug, topic_id)
    if not permissions.can_reply_to_topic(current_user, topic):
        abort(403)
    form = ReplyForm()
    if form.validate_on_submit():
        with committing(form) as call:
            post = discussions.reply_to_topic(db.session, current_user, topic, form.body.data or "")
        if call.succeeded:
            flash("Your reply is posted.", "success")
            return redirect(topic_url(topic, f"post-{post.id}"))
    return _render_topic(topic, form)


@blueprint.route("/<slug>/topics/<int:topic_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(slug: str, topic_id: int, post_id: int):
    post = get_post_or_404(slug, topic_id, post_id)
    if not permissions.can_edit_post(current_user, post):
        abort(403)
    form = EditPostForm()
    if request.method == "GET":
        form.body.data = post.body
        form.version.data = str(post.version)
    if form.validate_on_submit():
        with committing(form, stale_message=STALE_POST_EDIT) as call:
            discussions.edit_post(
                db.session,
                current_user,
                post,
                form.body.data or "",
                expected_version=submitted_version(form),
            )
        if call.succeeded:
            flash("Your post is saved; its earlier wording is kept.", "success")
            return redirect(topic_url(post.topic, f"post-{post.id}"))
        if call.stale:
            form.version.data = str(post.version)
    return render_template("communities/edit_post.html", form=form, post=post, topic=post.topic)


@blueprint.post("/<slug>/topics/<int:topic_id>/posts/<int:post_id>/accept")
@login_required
def accept_answer(slug: str, topic_id: int, post_id: int):
    post = get_post_or_404(slug, topic_id, post_id)
    if not permissions.can_accept_answer(current_user, post.topic):
        abort(403)
    form = CommunityActionForm()
    if not form.validate_on_submit():
        abort(400)
    with committing() as call:
        discussions.accept_answer(
            db.session, current_user, post, expected_version=submitted_version(form)
        )
    if call.succeeded:
        flash("The reply is marked as the accepted answer.", "success")
    return redirect(topic_url(post.topic, f"post-{post.id}"))
