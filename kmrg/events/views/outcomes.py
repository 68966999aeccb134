"""Outcome and decision pages: record one, correct or remove it."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.events import blueprint, outcomes, permissions
from kmrg.events.forms import OutcomeForm, RemoveOutcomeForm
from kmrg.events.models import Meeting, Outcome, OutcomeKind
from kmrg.events.views.meetings import get_meeting_or_404, meeting_page_context
from kmrg.extensions import db
from kmrg.forms import choices
from kmrg.inputs import MAX_ID, bounded_int
from kmrg.service_calls import committing


def _prepare(form: OutcomeForm, meeting: Meeting) -> OutcomeForm:
    form.session.choices = choices(
        [("", "The whole meeting")] + [(str(s.id), s.title) for s in meeting.sessions]
    )
    return form


@meeting_page_context
def _outcomes_part(meeting: Meeting) -> dict[str, Any]:
    return {
        "outcome_groups": outcomes.outcomes_by_kind(meeting),
        "outcome_form": _prepare(OutcomeForm(formdata=None), meeting),
        "outcome_remove_form": RemoveOutcomeForm(formdata=None),
    }


def _data_from(form: OutcomeForm) -> outcomes.OutcomeData:
    kind = form.kind.data
    return outcomes.OutcomeData(
        text=form.text.data or "",
        kind=OutcomeKind(kind) if kind in OutcomeKind._value2member_map_ else OutcomeKind.OUTCOME,
        session_id=bounded_int(form.session.data, 1, MAX_ID),
    )


@blueprint.route("/<slug>/outcomes/new", methods=["GET", "POST"])
@login_required
def record_outcome(slug: str):
    meeting = get_meeting_or_404(slug)
    if not permissions.can_record_outcomes(current_user, meeting):
        abort(403)
    form = _prepare(OutcomeForm(), meeting)
    if form.validate_on_submit():
        with committing(form) as call:
            outcome = outcomes.record_outcome(db.session, current_user, meeting, _data_from(form))
        if call.succeeded:
            flash(f"{outcome.kind.label} recorded.", "success")
            return redirect(url_for("events.show_meeting", slug=slug) + "#outcomes-heading")
    status = 400 if request.method == "POST" else 200
    return render_template(
        "events/edit_outcome.html", meeting=meeting, form=form, outcome=None
    ), status


def _outcome_or_404(meeting: Meeting, outcome_id: int) -> Outcome:
    outcome = next((o for o in meeting.outcomes if o.id == outcome_id), None)
    if outcome is None:
        abort(404)
    if not permissions.can_edit_outcome(current_user, outcome):
        abort(403)
    return outcome


@blueprint.route("/<slug>/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
@login_required
def edit_outcome(slug: str, outcome_id: int):
    meeting = get_meeting_or_404(slug)
    outcome = _outcome_or_404(meeting, outcome_id)
    form = _prepare(OutcomeForm(obj=outcome if request.method == "GET" else None), meeting)
    if request.method == "GET":
        form.kind.data = outcome.kind.value
        form.session.data = str(outcome.session_id or "")
    if form.validate_on_submit():
        with committing(form) as call:
            changed = outcomes.update_outcome(db.session, current_user, outcome, _data_from(form))
        if call.succeeded:
            flash("Saved." if changed else "Nothing had changed, so nothing was saved.", "success")
            return redirect(url_for("events.show_meeting", slug=slug) + "#outcomes-heading")
    status = 400 if request.method == "POST" else 200
    return render_template(
        "events/edit_outcome.html", meeting=meeting, form=form, outcome=outcome
    ), status


@blueprint.route("/<slug>/outcomes/<int:outcome_id>/remove", methods=["POST"])
@login_required
def remove_outcome(slug: str, outcome_id: int):
    meeting = get_meeting_or_404(slug)
    outcome = _outcome_or_404(meeting, outcome_id)
    if not RemoveOutcomeForm().validate_on_submit():
        abort(400)
    kind = outcome.kind.label
    with committing() as call:
        outcomes.remove_outcome(db.session, current_user, outcome)
    if call.succeeded:
        flash(f"{kind} removed.", "success")
    return redirect(url_for("events.show_meeting", slug=slug) + "#outcomes-heading")
