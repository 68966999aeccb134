"""Importing a meeting record: upload it, then confirm or reject what the Hub recognised in it."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.attachments.services import DEFAULT_MAX_UPLOAD_BYTES
from kmrg.attachments.validation import format_size
from kmrg.database import outside_transaction
from kmrg.events import blueprint, import_queries, importing, permissions, queries
from kmrg.events.forms import AcceptAllForm, ImportMeetingForm, ProposalForm
from kmrg.events.matching import match_member
from kmrg.events.models import ImportProposal, Meeting, ProposalKind, ProposalStatus
from kmrg.events.views.meetings import (
    action_form_for,
    get_editable_meeting_or_404,
    meeting_page_context,
)
from kmrg.exceptions import ValidationError
from kmrg.extensions import db
from kmrg.forms import apply_validation_error, choices
from kmrg.service_calls import committing

ACCEPTED_MESSAGES = {
    ProposalKind.SESSION: "“{}” is on the agenda.",
    ProposalKind.ATTENDEE: "{} is on the attendance register.",
    ProposalKind.ANNEXURE: (
        "“{}” is listed in the notes under “Annexures to attach”: attach its file from below."
    ),
    ProposalKind.ACTION: "The action “{}” is recorded.",
}
KIND_HEADINGS = {
    ProposalKind.SESSION: "Agenda sessions",
    ProposalKind.ATTENDEE: "People named (attendees and speakers)",
    ProposalKind.ANNEXURE: "Annexures",
    ProposalKind.ACTION: "Action items",
}
DETAIL_LABELS = {
    ProposalKind.SESSION: "Label in the record",
    ProposalKind.ATTENDEE: "Organisation",
    ProposalKind.ANNEXURE: "Presented by",
    ProposalKind.ACTION: "Owner (a person or an organisation)",
}


def _max_upload_bytes() -> int:
    return int(current_app.config.get("MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES)


@blueprint.route("/import", methods=["GET", "POST"])
@login_required
def import_meeting():
    if not permissions.can_create_meeting(current_user):
        abort(403)
    form = ImportMeetingForm()
    series_list = queries.list_series(db.session)
    form.series.choices = choices(
        [("", "Choose a series"), *((series.slug, series.title) for series in series_list)]
    )
    if form.validate_on_submit():
        series = queries.get_series_by_slug(db.session, form.series.data or "")
        try:
            if series is None:
                raise ValidationError("Choose the series from the list.", "series")
            # Reading a Word or PDF file takes a child process a while: no lock is held meanwhile.
            with outside_transaction(db.session):
                record = importing.read_meeting_record(request.files.get("file"))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            with committing(form) as call:
                imported = importing.import_meeting_record(db.session, current_user, series, record)
            if call.succeeded:
                _flash_imported(imported, record)
                return redirect(url_for("events.review_import", slug=imported.meeting.slug))
    return render_template(
        "events/import.html",
        form=form,
        has_series=bool(series_list),
        max_size=format_size(_max_upload_bytes()),
    )


def _flash_imported(imported: importing.ImportedMeeting, record: importing.RecordText) -> None:
    meeting, recognised = imported.meeting, imported.recognised
    flash(
        f"“{meeting.title}” is a draft made from {record.file_name}, with "
        f"{imported.proposal_count} things to confirm. Only its organisers see it until it is "
        "published.",
        "success",
    )
    if recognised.starts_on is None:
        flash(
            "The record gives no date the Hub could read: the draft says today. "
            "Set the real days on the edit form.",
            "info",
        )
    if recognised.host and meeting.host_organisation_id is None:
        flash(
            f"The record says the host was “{recognised.host}”, which the Hub could not match "
            "to one organisation: choose the host on the edit form.",
            "info",
        )
    if imported.notes_cut or record.is_truncated:
        flash(
            "The record is longer than the Hub keeps: its notes hold the first "
            f"{importing.MAX_NOTES_CHARS:,} characters.",
            "info",
        )


@blueprint.route("/<slug>/import")
@login_required
def review_import(slug: str):
    meeting = get_editable_meeting_or_404(slug)
    grouped = import_queries.list_import_proposals(db.session, meeting)
    if not grouped:
        abort(404)
    members = {
        proposal.id: match_member(db.session, current_user, proposal.text)
        for proposal in grouped.get(ProposalKind.ATTENDEE, [])
    }
    return render_template(
        "events/import_review.html",
        meeting=meeting,
        grouped=grouped,
        members=members,
        kind_headings=KIND_HEADINGS,
        detail_labels=DETAIL_LABELS,
        pending=import_queries.count_pending_proposals(db.session, meeting),
        proposal_form=ProposalForm(formdata=None),
        accept_all_form=AcceptAllForm(formdata=None),
        action_form=action_form_for(meeting),
    )


def _back_to_review(meeting: Meeting, kind: ProposalKind) -> Any:
    return redirect(url_for("events.review_import", slug=meeting.slug, _anchor=f"{kind}s"))


@blueprint.route("/<slug>/import/<int:proposal_id>", methods=["POST"])
@login_required
def decide_proposal(slug: str, proposal_id: int):
    meeting = get_editable_meeting_or_404(slug)
    proposal = import_queries.get_import_proposal(db.session, meeting, proposal_id)
    if proposal is None:
        abort(404)
    form = ProposalForm()
    if not form.validate_on_submit():
        flash(" ".join(error for errors in form.errors.values() for error in errors), "error")
        return _back_to_review(meeting, proposal.kind)
    with committing() as call:
        if form.reject.data:
            changed = importing.reject_proposal(db.session, current_user, proposal)
        else:
            changed = importing.accept_proposal(
                db.session, current_user, proposal, text=form.text.data, detail=form.detail.data
            )
    if call.succeeded:
        flash(*_decision_message(proposal, changed))
    return _back_to_review(meeting, proposal.kind)


def _decision_message(proposal: ImportProposal, changed: bool) -> tuple[str, str]:
    if proposal.status is ProposalStatus.REJECTED:
        if changed:
            return "Rejected: nothing was recorded from it.", "success"
        return "This was rejected already.", "info"
    if not changed:
        return "This was accepted already; nothing was added again.", "info"
    return ACCEPTED_MESSAGES[proposal.kind].format(proposal.text), "success"


@blueprint.route("/<slug>/import/accept-all", methods=["POST"])
@login_required
def accept_all_proposals(slug: str):
    meeting = get_editable_meeting_or_404(slug)
    form = AcceptAllForm()
    if not form.validate_on_submit() or form.kind.data not in ProposalKind._value2member_map_:
        abort(400)
    kind = ProposalKind(form.kind.data)
    with committing() as call:
        result = importing.accept_all_proposals(db.session, current_user, meeting, kind)
    if call.succeeded:
        flash(f"{result.accepted} accepted: {KIND_HEADINGS[kind].lower()}.", "success")
        if result.refusals:
            flash(
                f"{len(result.refusals)} could not be accepted as they are, and wait for you: "
                + " ".join(result.refusals),
                "error",
            )
    return _back_to_review(meeting, kind)


@meeting_page_context
def _import_context(meeting: Meeting) -> dict[str, Any]:
    if not permissions.can_edit_meeting(current_user, meeting):
        return {}
    return {"import_pending": import_queries.count_pending_proposals(db.session, meeting)}
