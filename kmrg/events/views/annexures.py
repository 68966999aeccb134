"""A meeting's annexures: listed on the meeting page, added on a page of their own, put in order
and removed by organisers, and downloaded together as one ZIP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug import Response

from kmrg.attachments.models import Attachment, ExtractionStatus
from kmrg.attachments.services import DEFAULT_MAX_UPLOAD_BYTES
from kmrg.attachments.validation import ACCEPTED_TYPES, format_size
from kmrg.auth.people import describe_person
from kmrg.events import annexures, blueprint, import_queries, permissions
from kmrg.events.annexure_zip import download_disposition, stream_zip, zip_entries
from kmrg.events.forms import AnnexureForm, AnnexureMoveForm, AnnexureRemoveForm
from kmrg.events.models import Meeting
from kmrg.events.views.meetings import get_meeting_or_404, meeting_page_context
from kmrg.extensions import db
from kmrg.forms import choices
from kmrg.inputs import MAX_ID, bounded_int
from kmrg.organisations.queries import get_organisation_by_code, organisation_choices
from kmrg.service_calls import committing

STALE_MOVE = (
    "The annexures were put in another order meanwhile, so nothing moved. Here they are now."
)
MOVES = {"up": -1, "down": 1}


@dataclass(frozen=True)
class AnnexureRow:
    """One annexure as the meeting page lists it."""

    item: annexures.LetteredAnnexure
    url: str

    @property
    def description(self) -> str:
        attachment = self.item.attachment
        return f"{attachment.kind.value.upper()}, {format_size(attachment.size)}"

    @property
    def text_note(self) -> str:
        if self.item.attachment.extraction_status is ExtractionStatus.PENDING:
            return "text being extracted for search"
        return ""


def _download_url(attachment: Attachment) -> str:
    return url_for(
        "attachments.download_attachment",
        attachment_id=attachment.id,
        display_name=attachment.display_name,
    )


def _meeting_page(meeting: Meeting) -> str:
    return url_for("events.show_meeting", slug=meeting.slug, _anchor="annexures-heading")


@meeting_page_context
def _annexures_context(meeting: Meeting) -> dict[str, Any]:
    rows = [
        AnnexureRow(item, _download_url(item.attachment))
        for item in annexures.list_annexures(db.session, meeting)
    ]
    return {
        "annexures": rows,
        "annexures_can_add": permissions.can_add_annexure(current_user, meeting),
        "annexures_can_arrange": permissions.can_arrange_annexures(current_user, meeting),
        "annexures_move_form": AnnexureMoveForm(formdata=None),
        "annexures_remove_form": AnnexureRemoveForm(formdata=None),
    }


def _fill_choices(form: AnnexureForm, meeting: Meeting) -> None:
    form.session_id.choices = choices(
        [("", "The meeting as a whole"), *((str(s.id), s.title) for s in meeting.sessions)]
    )
    people = []
    for candidate in annexures.presenter_candidates(meeting, current_user):
        shown = describe_person(current_user, candidate)
        # Only people the viewer may see named are offered by name (POPIA).
        if candidate.id == current_user.id:
            people.append((str(candidate.id), f"{candidate.name} (you)"))
        elif shown.is_named:
            people.append((str(candidate.id), shown.text))
    form.presenter_id.choices = choices([("", "Nobody in the Hub"), *people])
    form.presenting_organisation.choices = choices(
        [("", "Not given"), *organisation_choices(db.session)]
    )
    max_bytes = int(current_app.config.get("MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES)
    form.file.description = f"{ACCEPTED_TYPES}, up to {format_size(max_bytes)}."


def _data(form: AnnexureForm) -> annexures.AnnexureData:
    organisation = get_organisation_by_code(db.session, form.presenting_organisation.data or "")
    return annexures.AnnexureData(
        title=form.title.data or "",
        session_id=bounded_int(form.session_id.data, 1, MAX_ID),
        presenter_id=bounded_int(form.presenter_id.data, 1, MAX_ID),
        presenter_name=form.presenter_name.data or "",
        presenting_organisation_id=organisation.id if organisation is not None else None,
    )


def _fill_from_import(form: AnnexureForm, meeting: Meeting) -> None:
    """Start the form from an annexure accepted from the imported record (?proposal=<id>)."""
    proposal_id = bounded_int(request.args.get("proposal"), 1, MAX_ID)
    details = (
        import_queries.accepted_annexure_details(db.session, meeting, proposal_id)
        if proposal_id
        else None
    )
    if details is not None:
        form.title.data = details.title
        form.presenter_name.data = details.presenter_name
        form.presenting_organisation.data = details.organisation_code


@blueprint.route("/<slug>/annexures/new", methods=["GET", "POST"])
@login_required
def add_annexure(slug: str):
    meeting = get_meeting_or_404(slug)
    if not permissions.can_add_annexure(current_user, meeting):
        abort(403)
    form = AnnexureForm()
    _fill_choices(form, meeting)
    if request.method == "GET":
        _fill_from_import(form, meeting)
    if form.validate_on_submit():
        with committing(form) as call:
            annexure = annexures.add_annexure(
                db.session, current_user, meeting, request.files.get("file"), _data(form)
            )
        if call.succeeded:
            letter = annexures.letter_of(annexure)
            flash(f"Annexure {letter}, “{annexure.title}”, is attached.", "success")
            return redirect(_meeting_page(meeting))
    return render_template("events/add_annexure.html", meeting=meeting, form=form)


def _arrangeable_meeting(slug: str, form: AnnexureMoveForm | AnnexureRemoveForm) -> Meeting:
    meeting = get_meeting_or_404(slug)
    if not permissions.can_arrange_annexures(current_user, meeting):
        abort(403)
    if not form.validate_on_submit():
        abort(400)
    return meeting


@blueprint.route("/<slug>/annexures/<int:annexure_id>/move", methods=["POST"])
@login_required
def move_annexure(slug: str, annexure_id: int):
    form = AnnexureMoveForm()
    meeting = _arrangeable_meeting(slug, form)
    offset = MOVES.get(form.direction.data or "")
    index = bounded_int(form.index.data, 0, MAX_ID)
    if offset is None or index is None:
        abort(400)
    annexure = annexures.get_annexure(db.session, meeting, annexure_id)
    if annexure is None:
        flash("That annexure has been removed meanwhile.", "info")
        return redirect(_meeting_page(meeting))
    with committing(stale_message=STALE_MOVE) as call:
        annexures.move_annexure(db.session, current_user, annexure, offset, expected_index=index)
    if call.succeeded:
        letter = annexures.letter_of(annexure)
        flash(f"“{annexure.title}” is annexure {letter} now.", "success")
    return redirect(_meeting_page(meeting))


@blueprint.route("/<slug>/annexures/<int:annexure_id>/remove", methods=["POST"])
@login_required
def remove_annexure(slug: str, annexure_id: int):
    meeting = _arrangeable_meeting(slug, AnnexureRemoveForm())
    annexure = annexures.get_annexure(db.session, meeting, annexure_id)
    if annexure is None:
        flash("That annexure has been removed already.", "info")
        return redirect(_meeting_page(meeting))
    title = annexure.title
    with committing() as call:
        annexures.remove_annexure(db.session, current_user, annexure)
    if call.succeeded:
        flash(f"“{title}” is removed; the annexures after it moved up a letter.", "success")
    return redirect(_meeting_page(meeting))


@blueprint.route("/<slug>/annexures.zip")
def download_annexures(slug: str):
    meeting = get_meeting_or_404(slug)
    entries = zip_entries(
        annexures.list_annexures(db.session, meeting), current_app.config["UPLOAD_DIR"]
    )
    if not entries:
        abort(404)
    # Everything the archive needs is read already: the stream reads files, never the database.
    response = Response(stream_zip(entries), mimetype="application/zip")
    response.headers["Content-Disposition"] = download_disposition(f"{meeting.slug}-annexures.zip")
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Visibility can change (a meeting made invited-only): check again on every use.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
