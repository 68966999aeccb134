"""Download, add and remove attachments. Owners' pages render the forms and link here."""

from __future__ import annotations

import logging
import unicodedata
from urllib.parse import quote

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from kmrg.attachments import blueprint, services
from kmrg.attachments.forms import AttachmentRemoveForm, AttachmentUploadForm
from kmrg.attachments.models import Attachment
from kmrg.attachments.permissions import (
    accepts_plain_uploads,
    can_change_owner,
    can_view_attachment,
    can_view_owner,
)
from kmrg.attachments.queries import get_attachment_or_none
from kmrg.attachments.storage import blob_path
from kmrg.extensions import db
from kmrg.security import safe_next_url
from kmrg.service_calls import committing

# A downloaded file is never a page of the Hub: no scripts, no plugins, no same-origin access,
# even if a browser were talked into rendering it.
DOWNLOAD_CSP = "default-src 'none'; sandbox"
log = logging.getLogger("kmrg.attachments")


def content_disposition(display_name: str) -> str:
    """Return an attachment disposition with an ASCII fallback and the exact UTF-8 name."""
    ascii_name = (
        unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode("ascii")
    )
    ascii_name = "".join(c for c in ascii_name if c.isprintable() and c not in '"\\') or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(display_name, safe='')}"


def _visible_attachment_or_404(attachment_id: int) -> Attachment:
    attachment = get_attachment_or_none(db.session, attachment_id)
    # Someone who may not see the owner learns nothing, not even that the file exists.
    if attachment is None or not can_view_attachment(current_user, attachment):
        abort(404)
    return attachment


@blueprint.route("/attachments/<int:attachment_id>/<display_name>")
def download_attachment(attachment_id: int, display_name: str):
    attachment = _visible_attachment_or_404(attachment_id)
    if display_name != attachment.display_name:
        return redirect(
            url_for(
                "attachments.download_attachment",
                attachment_id=attachment.id,
                display_name=attachment.display_name,
            )
        )
    path = blob_path(current_app.config["UPLOAD_DIR"], attachment.sha256)
    if not path.is_file():
        log.error("the stored file of attachment %s (%s) is missing", attachment.id, path)
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.display_name,
        etag=attachment.sha256,
        conditional=True,
    )
    response.headers["Content-Disposition"] = content_disposition(attachment.display_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # Visibility can change (a case study unpublished): check again on every use.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _back(default: str) -> str:
    return safe_next_url(request.form.get("next")) or default


@blueprint.route("/attachments/<owner_type>/<int:owner_id>/new", methods=["POST"])
@login_required
def add_attachment(owner_type: str, owner_id: int):
    if not accepts_plain_uploads(owner_type) or not can_view_owner(
        current_user, owner_type, owner_id
    ):
        abort(404)
    if not can_change_owner(current_user, owner_type, owner_id):
        abort(403)
    form = AttachmentUploadForm()
    if not form.validate_on_submit():
        flash(" ".join(error for errors in form.errors.values() for error in errors), "error")
        return redirect(_back(url_for("home.index")))
    with committing() as call:
        attachment = services.store_attachment(
            db.session,
            current_user,
            request.files.get("file"),
            owner_type,
            owner_id,
            title=form.title.data or "",
        )
    if call.succeeded:
        flash(f"{attachment.display_name} is attached.", "success")
    return redirect(_back(url_for("home.index")))


@blueprint.route("/attachments/delete/<int:attachment_id>", methods=["POST"])
@login_required
def delete_attachment(attachment_id: int):
    attachment = _visible_attachment_or_404(attachment_id)
    if not AttachmentRemoveForm().validate_on_submit():
        abort(400)
    name = attachment.display_name
    with committing() as call:
        services.remove_attachment(db.session, current_user, attachment)
    if call.succeeded:
        flash(f"{name} is removed.", "success")
    return redirect(_back(url_for("home.index")))
