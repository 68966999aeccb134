"""Where case studies meet the attachments area: owner rules, uploads, downloads, search text.

An attachment is as visible as its case study and is changed by whoever may edit it. Kept in one
module so the rest of the area does not depend on how attachments work.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from kmrg.attachments.models import Attachment, ExtractionStatus
from kmrg.attachments.permissions import can_change_attachment, register_owner
from kmrg.attachments.queries import attachments_by_owner, attachments_for
from kmrg.attachments.services import store_attachment
from kmrg.attachments.validation import format_size
from kmrg.casestudies.models import CaseStudy
from kmrg.casestudies.permissions import can_edit_case_study, can_view_case_study
from kmrg.exceptions import ValidationError
from kmrg.extensions import db

OWNER_TYPE = "case_study"
# The attachments area names its form fields "file" and "title"; ours live in a larger form.
_FIELDS = {"file": "attachment", "title": "attachment_title"}


@dataclass(frozen=True)
class File:
    """One downloadable attachment as the case study pages list it."""

    attachment: Attachment
    url: str
    can_remove: bool

    @property
    def id(self) -> int:
        return self.attachment.id

    @property
    def name(self) -> str:
        return self.attachment.name

    @property
    def description(self) -> str:
        return f"{self.attachment.kind.value.upper()}, {format_size(self.attachment.size)}"

    @property
    def text_note(self) -> str:
        """Say where the file's text is on its way to search: to everyone while it is being
        read, and to those who may remove the file when it could not be read whole."""
        status = self.attachment.extraction_status
        if status is ExtractionStatus.PENDING:
            return "text being extracted for search"
        if not self.can_remove:
            return ""
        if status is ExtractionStatus.FAILED:
            return "its text could not be read: search finds it by its name only"
        if status is ExtractionStatus.PARTIAL:
            return "only the first part of its text is searchable"
        return ""


def _owner(case_study_id: int) -> CaseStudy | None:
    return db.session.get(CaseStudy, case_study_id)


def _can_view(user: Any, case_study_id: int) -> bool:
    case_study = _owner(case_study_id)
    return case_study is not None and can_view_case_study(user, case_study)


def _can_change(user: Any, case_study_id: int) -> bool:
    case_study = _owner(case_study_id)
    return case_study is not None and can_edit_case_study(user, case_study)


def register_attachment_owner() -> None:
    """Let case studies carry attachments, under the case study's own permissions."""
    register_owner(OWNER_TYPE, can_view=_can_view, can_change=_can_change)


def is_enabled() -> bool:
    """Tell whether case studies take attachments in this installation."""
    return True


def attachments_of(
    session: Session, case_study_ids: Collection[int]
) -> dict[int, list[Attachment]]:
    """Return the attachments of many case studies at once, by case study id."""
    return attachments_by_owner(session, OWNER_TYPE, case_study_ids)


def _owning_case_study(attachment: Attachment, _connection: Connection) -> Iterable[int]:
    return [attachment.owner_id] if attachment.owner_type == OWNER_TYPE else []


def attachment_dependents() -> dict[type[Any], Callable[[Any, Connection], Iterable[Any]]]:
    """Return the search dependents through which an attachment change re-indexes its owner."""
    return {Attachment: _owning_case_study}


def files_for(session: Session, viewer: Any, case_study: CaseStudy) -> list[File]:
    """Return the attachments `viewer` may download from the case study (all or none)."""
    if not can_view_case_study(viewer, case_study):
        return []
    return [
        File(
            attachment=attachment,
            url=url_for(
                "attachments.download_attachment",
                attachment_id=attachment.id,
                display_name=attachment.display_name,
            ),
            can_remove=can_change_attachment(viewer, attachment),
        )
        for attachment in attachments_for(session, OWNER_TYPE, case_study.id)
    ]


def store_from_form(session: Session, actor: Any, case_study: CaseStudy, form: Any) -> bool:
    """Store the file uploaded with the case study form, if any; return whether one was stored.

    Raises ValidationError on the form's own field names, and PermissionDenied.
    """
    upload = form.attachment.data
    if upload is None or not getattr(upload, "filename", ""):
        return False
    try:
        store_attachment(
            session,
            actor,
            upload,
            OWNER_TYPE,
            case_study.id,
            title=form.attachment_title.data or "",
        )
    except ValidationError as error:
        raise ValidationError(error.message, _FIELDS.get(error.field or "", error.field)) from None
    return True
