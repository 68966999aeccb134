"""Contact an expert, the inbox, one conversation, and replying."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash, g, has_request_context, redirect, render_template, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from kmrg.database import writing_after_reads
from kmrg.experts.models import ExpertProfile
from kmrg.experts.permissions import can_view_expert_profile
from kmrg.experts.queries import get_profile_by_slug, get_profile_of_user
from kmrg.extensions import db, limiter
from kmrg.inbox import blueprint, permissions, queries, services
from kmrg.inbox.forms import ContactExpertForm, ReplyForm
from kmrg.inputs import page_number
from kmrg.service_calls import committing

log = logging.getLogger("kmrg.inbox")

# A coarse guard in front of the service's own limits (see kmrg.inbox.services): it stops a
# flood of requests before any of them reaches the database.
CONTACT_RATE_LIMIT = "20 per hour"
REPLY_RATE_LIMIT = "30 per 10 minutes"


def _sender_key() -> str:
    if current_user.is_authenticated:
        return f"inbox-sender:{current_user.id}"
    return f"inbox-address:{get_remote_address()}"


def _unread_count() -> int:
    if not has_request_context() or not current_user.is_authenticated:
        return 0
    if "inbox_unread_count" not in g:
        try:
            g.inbox_unread_count = queries.unread_count(db.session, current_user)
        except SQLAlchemyError:
            # A header badge must never turn a page (an error page above all) into a failure.
            log.exception("could not count unread conversations")
            g.inbox_unread_count = 0
    return g.inbox_unread_count


def _email_disclosure(profile: ExpertProfile) -> tuple[bool, bool]:
    # Who sees whose address depends on both people's profiles: a reason for the wording on the
    # contact page, not a permission a button hangs on.
    sender_profile = get_profile_of_user(db.session, current_user.id)
    return permissions.email_disclosure(current_user, profile, sender_profile)


def _contact_refusal(profile: ExpertProfile) -> str | None:
    # Why the current user may not write to the expert: a reason, so not a can() question.
    return permissions.contact_refusal(current_user, profile)


@blueprint.app_context_processor
def _inbox_globals() -> dict[str, Any]:
    # A function, not a number: the count is only queried when a page actually shows it.
    return {
        "contact_refusal": _contact_refusal,
        "email_disclosure": _email_disclosure,
        "inbox_unread_count": _unread_count,
    }


def _get_contactable_profile_or_404(slug: str) -> ExpertProfile:
    profile = get_profile_by_slug(db.session, slug)
    if profile is None or not can_view_expert_profile(current_user, profile):
        abort(404)
    return profile


@blueprint.route("/experts/<slug>/contact", methods=["GET", "POST"])
@limiter.limit(CONTACT_RATE_LIMIT, methods=["POST"], key_func=_sender_key)
@login_required
def contact_expert(slug: str):
    profile = _get_contactable_profile_or_404(slug)
    refusal = permissions.contact_refusal(current_user, profile)
    if refusal is not None:
        return render_template("inbox/contact_refused.html", profile=profile, reason=refusal), 403
    form = ContactExpertForm()
    if form.validate_on_submit():
        contact = services.ContactRequest(
            subject=form.subject.data or "",
            need=form.need.data or "",
            preferred_dates=form.preferred_dates.data or "",
        )
        with committing(form) as call:
            conversation = services.contact_expert(db.session, current_user, profile, contact)
        if call.succeeded:
            flash(f"Your message to {profile.name} is sent.", "success")
            return redirect(url_for("inbox.show_conversation", conversation_id=conversation.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("inbox/contact.html", form=form, profile=profile), status


@blueprint.route("/inbox/")
@login_required
def list_conversations():
    page = queries.list_conversations(db.session, current_user, page=page_number())
    return render_template(
        "inbox/list.html", page=page, unread=queries.unread_count(db.session, current_user)
    )


def _get_conversation_or_404(conversation_id: int) -> Any:
    conversation = queries.get_conversation_for(db.session, current_user, conversation_id)
    # Someone else's conversation does not exist for the viewer, administrators included.
    if conversation is None:
        abort(404)
    return conversation


@blueprint.route("/inbox/<int:conversation_id>")
@login_required
def show_conversation(conversation_id: int):
    conversation = _get_conversation_or_404(conversation_id)
    with writing_after_reads(db.session), committing():
        services.mark_conversation_read(db.session, current_user, conversation)
    return _render_conversation(conversation, ReplyForm())


def _other_name(conversation: Any, is_starter: bool) -> str:
    if not is_starter:
        return conversation.starter.name
    if conversation.recipient is not None:
        return conversation.recipient.name
    # An external expert's name lives on their profile, which a champion may since have removed.
    return conversation.profile.name if conversation.profile else "an expert outside the Hub"


def _render_conversation(conversation: Any, form: ReplyForm, status: int = 200):
    is_starter = current_user.id == conversation.starter_id
    page = render_template(
        "inbox/show.html",
        conversation=conversation,
        form=form,
        is_starter=is_starter,
        other_name=_other_name(conversation, is_starter),
    )
    return page, status


@blueprint.route("/inbox/<int:conversation_id>/reply", methods=["POST"])
@limiter.limit(REPLY_RATE_LIMIT, key_func=_sender_key)
@login_required
def reply_to_conversation(conversation_id: int):
    conversation = _get_conversation_or_404(conversation_id)
    if not permissions.can_reply_to_conversation(current_user, conversation):
        abort(403)
    form = ReplyForm()
    if form.validate_on_submit():
        with committing(form) as call:
            services.reply_to_conversation(db.session, current_user, conversation, form.body.data)
        if call.succeeded:
            flash("Your reply is sent.", "success")
            return redirect(
                url_for("inbox.show_conversation", conversation_id=conversation.id) + "#latest"
            )
    return _render_conversation(conversation, form, 400)
