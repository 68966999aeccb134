"""Minutes pages: read, write (every save a revision), circulate, comment, approve, history."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.casestudies.diff import diff_texts
from kmrg.events import blueprint, minutes, permissions
from kmrg.events.forms import CommentForm, MinutesForm, MinutesStepForm
from kmrg.events.models import Meeting, Minutes, MinutesRevision
from kmrg.events.views.meetings import get_meeting_or_404, meeting_page_context
from kmrg.extensions import db
from kmrg.forms import submitted_version
from kmrg.inputs import MAX_ID, bounded_int
from kmrg.service_calls import committing

STALE_MINUTES_EDIT = (
    "Someone else saved the minutes after you opened them, so your changes were NOT saved. "
    "Your text is kept below. Open the history in a new tab to see what they changed, then save "
    "again to replace their version with yours."
)


def _step_form(record: Minutes | Meeting) -> MinutesStepForm:
    form = MinutesStepForm(formdata=None)
    form.version.data = str(record.version)
    return form


@meeting_page_context
def _minutes_part(meeting: Meeting) -> dict[str, Any]:
    record = meeting.minutes
    visible = record is not None and permissions.can_view_minutes(current_user, record)
    return {
        "minutes": record,
        "minutes_visible": visible,
        "minutes_step_form": _step_form(record or meeting),
    }


def _minutes_or_404(slug: str) -> Minutes:
    meeting = get_meeting_or_404(slug)
    record = meeting.minutes
    # Minutes someone may not read yet are not acknowledged to them.
    if record is None or not permissions.can_view_minutes(current_user, record):
        abort(404)
    return record


@blueprint.route("/<slug>/minutes")
def show_minutes(slug: str):
    record = _minutes_or_404(slug)
    return render_template(
        "events/minutes.html",
        meeting=record.meeting,
        minutes=record,
        step_form=_step_form(record),
        comment_form=CommentForm(formdata=None),
    )


@blueprint.route("/<slug>/minutes/start", methods=["POST"])
@login_required
def start_minutes(slug: str):
    meeting = get_meeting_or_404(slug)
    if not permissions.can_edit_meeting(current_user, meeting):
        abort(403)
    form = MinutesStepForm()
    if not form.validate_on_submit():
        abort(400)
    with committing() as call:
        minutes.start_minutes(
            db.session, current_user, meeting, expected_version=submitted_version(form)
        )
    if call.succeeded:
        flash("The minutes are started: write them, then circulate them for comment.", "success")
        return redirect(url_for("events.edit_minutes", slug=meeting.slug))
    return redirect(url_for("events.show_meeting", slug=meeting.slug))


@blueprint.route("/<slug>/minutes/edit", methods=["GET", "POST"])
@login_required
def edit_minutes(slug: str):
    record = _minutes_or_404(slug)
    if not permissions.can_edit_minutes(current_user, record):
        abort(403)
    form = MinutesForm(obj=record if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(record.version)
    if form.validate_on_submit():
        with committing(form, stale_message=STALE_MINUTES_EDIT) as call:
            revision = minutes.save_minutes(
                db.session,
                current_user,
                record,
                form.body.data or "",
                expected_version=submitted_version(form),
            )
        if call.succeeded:
            if revision is None:
                flash("Nothing had changed, so nothing was saved.", "info")
            else:
                flash(f"The minutes are saved as revision {revision.number}.", "success")
            return redirect(url_for("events.show_minutes", slug=slug))
        # A refused save leaves the form ready to save against the version now stored.
        form.version.data = str(record.version)
    return render_template("events/edit_minutes.html", meeting=record.meeting, form=form)


def _minutes_step(slug: str, step: str):
    record = _minutes_or_404(slug)
    form = MinutesStepForm()
    if not form.validate_on_submit():
        abort(400)
    with committing(stale_message=lambda: _overtaken(record)) as call:
        version = submitted_version(form)
        if step == "circulate":
            told = minutes.circulate_minutes(
                db.session, current_user, record, expected_version=version
            )
            message = (
                "The minutes are circulated for comment; "
                f"{told} participant{'s were' if told != 1 else ' was'} e-mailed a link."
            )
        elif step == "approve":
            minutes.approve_minutes(db.session, current_user, record, expected_version=version)
            message = "The minutes are approved. They can no longer be changed."
        else:
            minutes.return_minutes_to_draft(
                db.session, current_user, record, expected_version=version
            )
            message = "The minutes are back in draft: edit them, then circulate them again."
    if call.succeeded:
        flash(message, "success")
    return redirect(url_for("events.show_minutes", slug=slug))


def _overtaken(record: Minutes) -> str:
    return (
        f"The minutes changed meanwhile (they are now {record.status.label.lower()}), "
        "so nothing was done. Here they are now."
    )


@blueprint.route("/<slug>/minutes/circulate", methods=["POST"])
@login_required
def circulate_minutes(slug: str):
    return _minutes_step(slug, "circulate")


@blueprint.route("/<slug>/minutes/approve", methods=["POST"])
@login_required
def approve_minutes(slug: str):
    return _minutes_step(slug, "approve")


@blueprint.route("/<slug>/minutes/return", methods=["POST"])
@login_required
def return_minutes(slug: str):
    return _minutes_step(slug, "return")


@blueprint.route("/<slug>/minutes/comments", methods=["POST"])
@login_required
def comment_on_minutes(slug: str):
    record = _minutes_or_404(slug)
    if not permissions.can_comment_on_minutes(current_user, record):
        abort(403)
    form = CommentForm()
    if form.validate_on_submit():
        with committing(form) as call:
            minutes.comment_on_minutes(db.session, current_user, record, form.body.data or "")
        if call.succeeded:
            flash("Your comment is added.", "success")
            return redirect(url_for("events.show_minutes", slug=slug) + "#comments")
    response = render_template(
        "events/minutes.html",
        meeting=record.meeting,
        minutes=record,
        step_form=_step_form(record),
        comment_form=form,
    )
    return response, 400


def _revision(record: Minutes, number: int | None) -> MinutesRevision:
    found = next((r for r in record.revisions if r.number == number), None)
    if found is None:
        abort(404)
    return found


@blueprint.route("/<slug>/minutes/history")
@login_required
def show_minutes_history(slug: str):
    record = _minutes_or_404(slug)
    if not permissions.can_view_minutes_history(current_user, record):
        abort(404)
    comparison = None
    older_number = bounded_int(request.args.get("from"), 1, MAX_ID)
    newer_number = bounded_int(request.args.get("to"), 1, MAX_ID)
    if older_number is not None or newer_number is not None:
        older, newer = _revision(record, older_number), _revision(record, newer_number)
        comparison = (older, newer, diff_texts(older.body, newer.body))
    return render_template(
        "events/minutes_history.html",
        meeting=record.meeting,
        minutes=record,
        revisions=sorted(record.revisions, key=lambda r: r.number, reverse=True),
        comparison=comparison,
    )
