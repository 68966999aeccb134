"""The notifications list, preferences, follow buttons and the one-click unsubscribe link."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash, g, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from kmrg.auth.models import User
from kmrg.extensions import csrf, db
from kmrg.forms import choices
from kmrg.notifications import blueprint, queries, services
from kmrg.notifications.forms import ActionForm, preferences_form
from kmrg.notifications.models import Delivery
from kmrg.notifications.registry import followable_named, followable_of, registry_of
from kmrg.notifications.tokens import TokenRefused, read_unsubscribe_token
from kmrg.security import safe_next_url
from kmrg.service_calls import committing

log = logging.getLogger("kmrg.notifications")


def _unread_count() -> int:
    if not has_request_context() or not current_user.is_authenticated:
        return 0
    if "notifications_unread_count" not in g:
        try:
            g.notifications_unread_count = queries.count_unread(db.session, current_user)
        except SQLAlchemyError:
            # A header badge must never turn a page (an error page above all) into a failure.
            log.exception("could not count unread notifications")
            g.notifications_unread_count = 0
    return g.notifications_unread_count


def _follow_state(target: Any) -> dict[str, Any] | None:
    # What the follow button needs: None for a visitor or someone who may not follow it.
    if not has_request_context() or not current_user.is_authenticated:
        return None
    followable = followable_of(target)
    if not followable.can_view(current_user, target):
        return None
    return {
        "name": followable.name,
        "label": followable.label.lower(),
        "id": target.id,
        "following": queries.is_following(db.session, current_user, target),
    }


@blueprint.app_context_processor
def _notification_globals() -> dict[str, Any]:
    # Functions, not values: they are only queried when a page actually shows them.
    return {
        "notifications_unread_count": _unread_count,
        "follow_state": _follow_state,
        "follow_form": ActionForm,
    }


@blueprint.route("/notifications/")
@login_required
def list_notifications():
    notifications = queries.list_notifications(db.session, current_user)
    return render_template(
        "notifications/list.html",
        notifications=notifications,
        unread=queries.count_unread(db.session, current_user),
        form=ActionForm(),
    )


@blueprint.post("/notifications/<int:notification_id>/read")
@login_required
def mark_notification_read(notification_id: int):
    notification = queries.get_notification_or_404(db.session, notification_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with committing() as call:
        services.mark_read(db.session, current_user, notification)
    if call.succeeded and request.form.get("open"):
        return redirect(notification.url)
    return redirect(url_for("notifications.list_notifications"))


@blueprint.post("/notifications/read-all")
@login_required
def mark_all_notifications_read():
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with committing() as call:
        count = services.mark_all_read(db.session, current_user)
    if call.succeeded:
        flash(f"Marked {count} notification{'' if count == 1 else 's'} read.", "success")
    return redirect(url_for("notifications.list_notifications"))


@blueprint.route("/account/notifications", methods=["GET", "POST"])
@login_required
def edit_preferences():
    kinds = sorted(registry_of().kinds.values(), key=lambda kind: kind.label)
    current = queries.preferences_of(db.session, current_user)
    deliveries = choices((delivery.value, delivery.label) for delivery in Delivery)
    form_class = preferences_form(((kind.name, kind.label) for kind in kinds), deliveries)
    form = form_class(data={f"kind_{name}": value.value for name, value in current.items()})
    if form.validate_on_submit():
        chosen = {kind.name: Delivery(form[f"kind_{kind.name}"].data) for kind in kinds}
        with committing(form) as call:
            services.set_preferences(db.session, current_user, chosen)
        if call.succeeded:
            flash("Your notification preferences are saved.", "success")
            return redirect(url_for("notifications.edit_preferences"))
    fields = [form[f"kind_{kind.name}"] for kind in kinds]
    return render_template("notifications/preferences.html", form=form, fields=fields)


def _load_target(target_type: str, target_id: int) -> Any:
    try:
        followable = followable_named(target_type)
    except LookupError:
        abort(404)
    target = db.session.get(followable.model, target_id)
    if target is None or not followable.can_view(current_user, target):
        abort(404)
    return target


@blueprint.post("/follow/<target_type>/<int:target_id>")
@login_required
def follow(target_type: str, target_id: int):
    target = _load_target(target_type, target_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    stop = request.form.get("stop") == "1"
    with committing() as call:
        if stop:
            services.unfollow(db.session, current_user, target)
        else:
            services.follow(db.session, current_user, target)
    if call.succeeded:
        label = followable_of(target).label.lower()
        flash(
            f"You no longer follow this {label}." if stop else f"You follow this {label}.",
            "success",
        )
    return redirect(
        safe_next_url(request.form.get("next")) or url_for("notifications.list_notifications")
    )


def _refused(error: TokenRefused):
    return (
        render_template("notifications/unsubscribe_refused.html", expired=error.expired),
        400,
    )


@blueprint.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority; mail clients post RFC 8058's one click bare
def unsubscribe(token: str):
    try:
        wanted = read_unsubscribe_token(token)
    except TokenRefused as error:
        return _refused(error)
    user = db.session.get(User, wanted.user_id)
    if user is None:
        return _refused(TokenRefused(expired=False))
    if request.method == "GET":
        return render_template(
            "notifications/unsubscribe.html", scope=wanted.scope, form=ActionForm()
        )
    with committing() as call:
        names = services.unsubscribe(db.session, user, wanted.scope)
    if not call.succeeded:
        abort(400)
    kinds = registry_of().kinds
    labels = [kinds[name].label for name in names]
    return render_template("notifications/unsubscribed.html", labels=labels)
