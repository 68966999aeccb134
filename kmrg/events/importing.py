"""Import a meeting record: read its file, make a draft meeting, and confirm what was recognised.

A champion uploads the record (Word, PDF, OpenDocument, Markdown or plain text). Its text is read
by the attachments area's bounded extractors in a limited child process (kmrg.attachments.sandbox)
and kept as the draft's notes; the title, dates, host and aims fill the draft directly, and the
sessions, attendees, annexures and actions wait as ImportProposal rows until the champion accepts
(creating the record) or rejects each one. Accepting is idempotent: a proposal is claimed from
"pending" by one conditional UPDATE, so a double click or two tabs create one record, never two.

Each kind is confirmed by one function below (_confirm_session, _confirm_attendee,
_confirm_annexure, _confirm_action), the one place that changes when the module owning that
record offers a service for it: sessions go through kmrg.events.agenda, people through
kmrg.events.attendance (on the register of a meeting that has begun, invited to one still to
come once it is published) and actions through kmrg.events.actions (which needs an owner: one
member or one organisation). An annexure needs its
file, which a record does not carry: a confirmed annexure title joins an "Annexures to attach"
list at the end of the meeting's notes.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from kmrg.attachments.models import AttachmentKind
from kmrg.attachments.sandbox import Limits, run_sandboxed
from kmrg.attachments.services import DEFAULT_MAX_UPLOAD_BYTES
from kmrg.attachments.validation import (
    check_upload,
    clean_file_name,
    format_size,
    sniff,
    split_name,
)
from kmrg.audit.services import record_event
from kmrg.events import actions, agenda, attendance, permissions, services
from kmrg.events.matching import match_member, match_organisation
from kmrg.events.models import (
    ImportProposal,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    ProposalKind,
    ProposalStatus,
)
from kmrg.events.recognising import RecognisedRecord, recognise_meeting_record
from kmrg.events.record_text import find_due_date, normalise_text
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.localtime import from_local, local_today
from kmrg.markdown import render_markdown
from kmrg.models import utcnow

log = logging.getLogger("kmrg.events")
FIELD = "file"
TEXT_EXTENSIONS = frozenset({".txt", ".text", ".md", ".markdown"})
DOCUMENT_KINDS = frozenset({AttachmentKind.DOCX, AttachmentKind.PDF, AttachmentKind.ODT})
ACCEPTED = (
    "a Word document (.docx), a PDF, an OpenDocument text (.odt), Markdown (.md) "
    "or plain text (.txt)"
)
# The meeting form takes notes of up to 100,000 characters; the record leaves room for the list
# of annexures to attach, so the draft can always be saved again from its edit form.
MAX_NOTES_CHARS = 95_000
ANNEXURES_HEADING = "## Annexures to attach"
# A record says which days, seldom at what time: the draft's times are a placeholder to correct.
PLACEHOLDER_START = time(9, 0)
PLACEHOLDER_END = time(16, 0)


@dataclass(frozen=True)
class RecordText:
    """The text read from an uploaded meeting record, and whether a limit cut it short."""

    text: str
    file_name: str
    is_truncated: bool = False


@dataclass(frozen=True)
class ImportedMeeting:
    """The draft meeting made from a record, and what was recognised in it."""

    meeting: Meeting
    recognised: RecognisedRecord
    proposal_count: int
    notes_cut: bool


def read_meeting_record(upload: FileStorage | None) -> RecordText:
    """Return the text of an uploaded meeting record; raise ValidationError ("file") if none.

    Within the attachments area's size limit; Office, OpenDocument and PDF files must be what
    their content shows and are read in the extraction sandbox, never in this process.
    """
    if upload is None or not (upload.filename or "").strip():
        raise ValidationError("Choose the meeting record's file.", FIELD)
    config = current_app.config
    max_bytes = int(config.get("MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES)
    data = upload.stream.read(max_bytes + 1)
    name = clean_file_name(upload.filename or "")
    if len(data) > max_bytes:
        raise ValidationError(
            f"That file is larger than {format_size(max_bytes)}. Upload a smaller file.", FIELD
        )
    if not data.strip():
        raise ValidationError("That file is empty.", FIELD)
    found = sniff(data)
    if split_name(name)[1] in TEXT_EXTENSIONS and isinstance(found, str):
        text, is_truncated = _decode_text(data), False
    elif isinstance(found, str) or found.kind not in DOCUMENT_KINDS:
        what = found if isinstance(found, str) else found.label
        raise ValidationError(f"That file looks like {what}. Upload {ACCEPTED}.", FIELD)
    else:
        checked = check_upload(data, name, max_bytes)
        text, is_truncated = _extract(data, checked.file_type.kind, config)
    text = normalise_text(text).strip()
    if not text:
        raise ValidationError(
            "The Hub found no text in that file. A scanned PDF is a picture of text: save the "
            "record from the program that wrote it, or paste it into a plain text file.",
            FIELD,
        )
    return RecordText(text, name, is_truncated)


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data:
        raise ValidationError(f"That file is not plain text. Upload {ACCEPTED}.", FIELD)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Text saved by older Windows programs; every byte decodes, so nothing is lost silently.
        return data.decode("cp1252", errors="replace")


def _extract(data: bytes, kind: AttachmentKind, config: Any) -> tuple[str, bool]:
    limits = Limits(
        memory_bytes=int(config["ATTACHMENT_EXTRACTION_MEMORY_MB"]) * 1024 * 1024,
        cpu_seconds=int(config["ATTACHMENT_EXTRACTION_CPU_SECONDS"]),
        wall_seconds=float(config["ATTACHMENT_EXTRACTION_TIMEOUT_SECONDS"]),
    )
    with tempfile.TemporaryDirectory(prefix="kmrg-import-") as folder:
        path = Path(folder) / "record"
        path.write_bytes(data)
        outcome = run_sandboxed(path, str(kind), limits)
    if outcome.is_failed:
        log.warning("an imported meeting record was not read: %s", outcome.failure)
        raise ValidationError(
            "The Hub could not read the text of that file. Save it again from the program that "
            "made it (or as plain text) and upload that.",
            FIELD,
        )
    return outcome.text, outcome.is_truncated


def import_meeting_record(
    session: Session, actor: Any, series: MeetingSeries, record: RecordText
) -> ImportedMeeting:
    """Make a draft meeting of `series` from a record's text, with its proposals, in order."""
    if not permissions.can_create_meeting(actor):
        raise PermissionDenied("Only KM champions and administrators import meeting records.")
    recognised = recognise_meeting_record(record.text)
    first_day = recognised.starts_on or local_today()
    last_day = recognised.ends_on or first_day
    host = match_organisation(session, recognised.host)
    title = recognised.title or split_name(record.file_name)[0] or "Imported meeting record"
    data = services.MeetingData(
        title=title[:200],
        starts_at=from_local(first_day, PLACEHOLDER_START),
        ends_at=from_local(last_day, PLACEHOLDER_END),
        host_organisation_id=host.id if host else None,
        aims="\n".join(recognised.aims),
        notes=record.text[:MAX_NOTES_CHARS],
    )
    meeting = services.create_meeting(session, actor, series, data, is_draft=True)
    session.flush()
    if recognised.starts_on and meeting.starts_at <= utcnow():
        # A record of a meeting that has taken place: it was held.
        services.change_meeting_status(
            session, actor, meeting, MeetingStatus.HELD, expected_version=meeting.version
        )
    proposals = recognised.proposals
    for position, proposed in enumerate(proposals):
        session.add(
            ImportProposal(
                meeting_id=meeting.id,
                kind=proposed.kind,
                position=position,
                text=proposed.text,
                detail=proposed.detail[:300],
            )
        )
    session.flush()
    summary = f"{record.file_name}: {len(proposals)} proposals"
    record_event(session, actor, "meeting.imported", meeting, summary)
    return ImportedMeeting(meeting, recognised, len(proposals), len(record.text) > MAX_NOTES_CHARS)


def accept_proposal(
    session: Session,
    actor: Any,
    proposal: ImportProposal,
    *,
    text: str | None = None,
    detail: str | None = None,
) -> bool:
    """Create the record a proposal describes, as edited; return False if it was accepted before.

    Raises ValidationError for a rejected proposal (it stays rejected) or an empty text.
    """
    meeting = proposal.meeting
    if not permissions.can_edit_meeting(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers confirm what its record says.")
    text = " ".join((proposal.text if text is None else text).split())
    detail = " ".join((proposal.detail if detail is None else detail).split())
    if proposal.status is ProposalStatus.REJECTED:
        raise ValidationError("You rejected this proposal earlier; it stays rejected.")
    if not text:
        raise ValidationError("Say what to record before accepting it.", "text")
    if len(detail) > 300:
        raise ValidationError("Keep the detail under 300 characters.", "detail")
    if not _claim(session, proposal, ProposalStatus.ACCEPTED, text=text, detail=detail):
        return False
    _CONFIRM[proposal.kind](session, actor, meeting, text, detail)
    session.flush()
    record_event(session, actor, "meeting.import_accepted", meeting, f"{proposal.kind}: {text}")
    return True


def reject_proposal(session: Session, actor: Any, proposal: ImportProposal) -> bool:
    """Mark a proposal rejected (nothing is created); return False if it already was."""
    if not permissions.can_edit_meeting(actor, proposal.meeting):
        raise PermissionDenied("Only the meeting's organisers confirm what its record says.")
    if proposal.status is ProposalStatus.ACCEPTED:
        raise ValidationError(
            "This was accepted already: change or remove the record itself on the meeting page."
        )
    return _claim(session, proposal, ProposalStatus.REJECTED)


@dataclass(frozen=True)
class AcceptedAll:
    """How many proposals of a kind were accepted, and why any others could not be."""

    accepted: int
    refusals: tuple[str, ...] = ()


def accept_all_proposals(
    session: Session, actor: Any, meeting: Meeting, kind: ProposalKind
) -> AcceptedAll:
    """Accept every pending proposal of `kind` as it stands; one that cannot be stays pending."""
    if not permissions.can_edit_meeting(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers confirm what its record says.")
    pending = session.scalars(
        select(ImportProposal)
        .where(
            ImportProposal.meeting_id == meeting.id,
            ImportProposal.kind == kind,
            ImportProposal.status == ProposalStatus.PENDING,
        )
        .order_by(ImportProposal.position)
    )
    accepted, refusals = 0, []
    for proposal in list(pending):
        try:
            with session.begin_nested():
                accepted += accept_proposal(session, actor, proposal)
        except ValidationError as error:
            refusals.append(f"“{proposal.text}”: {error.message}")
    return AcceptedAll(accepted, tuple(refusals))


def _claim(
    session: Session, proposal: ImportProposal, status: ProposalStatus, **values: str
) -> bool:
    """Move a pending proposal to `status`; False if another request moved it first.

    One conditional UPDATE: a concurrent second one waits for the first to commit, then finds
    the proposal no longer pending and changes nothing.
    """
    claimed = session.execute(
        update(ImportProposal)
        .where(ImportProposal.id == proposal.id, ImportProposal.status == ProposalStatus.PENDING)
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(proposal)
    return claimed.rowcount == 1


# One function per kind: the one place to switch to the owning module's service once it has one.


def _confirm_session(
    session: Session, actor: Any, meeting: Meeting, text: str, detail: str
) -> None:
    if len(text) > 200:
        raise ValidationError("Keep a session's title under 200 characters.", "text")
    agenda.add_session(session, actor, meeting, agenda.SessionData(title=text))


def _confirm_attendee(
    session: Session, actor: Any, meeting: Meeting, text: str, detail: str
) -> None:
    member = match_member(session, actor, text)
    guest = attendance.Guest(name=text, organisation=detail)
    listed = any(
        (member is not None and p.user_id == member.id)
        or (member is None and p.user_id is None and p.guest_name.casefold() == text.casefold())
        for p in meeting.participants
    )
    if permissions.can_take_register(actor, meeting):
        # Named in the record of a meeting that has begun: they came.
        if member is not None:
            attendance.add_walk_in_member(session, actor, meeting, member)
        elif not listed:
            attendance.add_walk_in_guest(session, actor, meeting, guest)
    elif permissions.can_invite_to_meeting(actor, meeting):
        if listed:
            return
        if member is not None:
            attendance.invite_members(session, actor, meeting, [member])
        else:
            attendance.invite_guest(session, actor, meeting, guest)
    else:
        raise ValidationError(
            "People named for a meeting still to come are invited, and invitations go out only "
            "once the meeting is published: publish it first, then accept them."
        )


def _confirm_annexure(
    session: Session, actor: Any, meeting: Meeting, text: str, detail: str
) -> None:
    item = f"- {text}" + (f" — {detail}" if detail else "")
    notes = meeting.notes.rstrip()
    headings = [line.strip() for line in notes.splitlines() if line.startswith("## ")]
    if headings and headings[-1] == ANNEXURES_HEADING:
        notes = f"{notes}\n{item}"
    else:
        notes = f"{notes}\n\n{ANNEXURES_HEADING}\n\n{item}".lstrip()
    meeting.notes = notes
    meeting.notes_html = render_markdown(notes)
    meeting.updated_at = utcnow()


def _confirm_action(session: Session, actor: Any, meeting: Meeting, text: str, detail: str) -> None:
    organisation = match_organisation(session, detail)
    member = None if organisation else match_member(session, actor, detail)
    if not detail:
        raise ValidationError(
            "Say who owns this action: a member of the Hub or an organisation.", "detail"
        )
    if organisation is None and member is None:
        raise ValidationError(
            f"The Hub knows no one member you may see, nor one organisation, as “{detail}”: "
            "give the owner's full name as the Hub has it, or an organisation's name or code.",
            "detail",
        )
    data = actions.ActionData(
        description=text,
        owner_user_id=member.id if member else None,
        owner_organisation_id=organisation.id if organisation else None,
        due_on=find_due_date(text),
    )
    actions.record_action(session, actor, meeting, data)


_CONFIRM = {
    ProposalKind.SESSION: _confirm_session,
    ProposalKind.ATTENDEE: _confirm_attendee,
    ProposalKind.ANNEXURE: _confirm_annexure,
    ProposalKind.ACTION: _confirm_action,
}
