"""Add and remove attachments. Services flush and never commit; the view commits."""

from __future__ import annotations

import io
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from kmrg.attachments.extraction import has_text
from kmrg.attachments.models import Attachment, ExtractionStatus
from kmrg.attachments.permissions import can_change_attachment, can_change_owner
from kmrg.attachments.sandbox import Outcome
from kmrg.attachments.storage import delete_blobs, store_blob
from kmrg.attachments.validation import FIELD, check_upload
from kmrg.audit.services import record_event
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.models import utcnow

DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_TITLE_LENGTH = 200
# A file whose extractor died this often without an answer (its process killed under it) is
# given up on rather than tried for ever.
MAX_EXTRACTION_ATTEMPTS = 3


def make_upload(data: bytes, filename: str) -> FileStorage:
    """Wrap bytes as an upload, for code that makes files (the demo data, tests)."""
    return FileStorage(io.BytesIO(data), filename=filename)


def _read_limited(upload: FileStorage, max_bytes: int) -> bytes:
    # One byte past the limit is enough to know the file is too large.
    return upload.stream.read(max_bytes + 1)


def store_attachment(
    session: Session,
    actor: Any,
    upload: FileStorage,
    owner_type: str,
    owner_id: int,
    title: str = "",
) -> Attachment:
    """Check, store and attach an uploaded file to an owner; return the new attachment.

    Raises PermissionDenied unless `actor` may change the owner, and ValidationError (field
    "file" or "title") with a message fit for the user when the file is refused. The stored
    file stays if the transaction later rolls back; `sweep_unreferenced_files` removes it.
    Its text is not read here: the attachment is "pending" until the background extractor
    (kmrg.attachments.background) has read it, after the commit.
    """
    if not can_change_owner(actor, owner_type, owner_id):
        raise PermissionDenied("You may not add files here.")
    title = " ".join((title or "").split())
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(f"Keep the title under {MAX_TITLE_LENGTH} characters.", "title")
    if upload is None or not (upload.filename or "").strip():
        raise ValidationError("Choose a file to upload.", FIELD)
    config = current_app.config
    max_bytes = int(config.get("MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES)
    data = _read_limited(upload, max_bytes)
    checked = check_upload(data, upload.filename or "", max_bytes)
    sha256 = store_blob(config["UPLOAD_DIR"], data)
    kind = checked.file_type.kind
    attachment = Attachment(
        owner_type=owner_type,
        owner_id=owner_id,
        sha256=sha256,
        size=checked.size,
        content_type=checked.file_type.content_type,
        kind=kind,
        display_name=checked.display_name,
        title=title,
        extracted_text="",
        extraction_status=ExtractionStatus.PENDING if has_text(kind) else ExtractionStatus.DONE,
        uploaded_by_id=getattr(actor, "id", None),
    )
    session.add(attachment)
    session.flush()
    record_event(
        session,
        actor,
        "attachment.added",
        attachment,
        f"{attachment.display_name} to {owner_type} {owner_id}",
    )
    return attachment


def start_extraction(session: Session, attachment: Attachment) -> bool:
    """Count one more try at extracting a pending attachment's text; tell whether to go on.

    An attachment that has had its tries is marked failed instead: its earlier extractors never
    answered. Counted with a plain UPDATE, so the count alone re-indexes nothing.
    """
    if attachment.extraction_status is not ExtractionStatus.PENDING:
        return False
    if attachment.extraction_attempts >= MAX_EXTRACTION_ATTEMPTS:
        record_extraction(session, attachment, Outcome(failure="no answer after repeated tries"))
        return False
    session.execute(
        update(Attachment)
        .where(Attachment.id == attachment.id)
        .values(extraction_attempts=Attachment.extraction_attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return True


def record_extraction(session: Session, attachment: Attachment, outcome: Outcome) -> None:
    """Store what the extractor read (or that it failed), which re-indexes the owner."""
    attachment.extracted_text = "" if outcome.is_failed else outcome.text
    if outcome.is_failed:
        attachment.extraction_status = ExtractionStatus.FAILED
    elif outcome.is_truncated:
        attachment.extraction_status = ExtractionStatus.PARTIAL
    else:
        attachment.extraction_status = ExtractionStatus.DONE
    attachment.extracted_at = utcnow()
    session.flush()


def extract_now(session: Session, attachment: Attachment, data: bytes) -> None:
    """Read a pending attachment's text in this process, for trusted files (the demo's own)."""
    from kmrg.attachments.extraction import read_text

    try:
        extracted = read_text(data, attachment.kind)
    except Exception as error:
        outcome = Outcome(failure=f"unreadable: {error}")
    else:
        outcome = Outcome(extracted.text, extracted.is_truncated)
    record_extraction(session, attachment, outcome)


def remove_attachment(session: Session, actor: Any, attachment: Attachment) -> None:
    """Detach and delete an attachment; raise PermissionDenied unless `actor` may change its owner.

    The stored file is left for `sweep_unreferenced_files`: another attachment may share it, and
    deleting it before the commit would lose it if the transaction rolled back.
    """
    if not can_change_attachment(actor, attachment):
        raise PermissionDenied("You may not remove this file.")
    record_event(
        session,
        actor,
        "attachment.removed",
        attachment,
        f"{attachment.display_name} from {attachment.owner_type} {attachment.owner_id}",
    )
    session.delete(attachment)
    session.flush()


def sweep_unreferenced_files(session: Session, older_than_seconds: float = 3600) -> int:
    """Delete stored files no attachment uses any more; return how many went."""
    referenced = session.scalars(select(Attachment.sha256).distinct())
    return delete_blobs(current_app.config["UPLOAD_DIR"], referenced, older_than_seconds)
