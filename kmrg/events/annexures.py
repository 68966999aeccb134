"""Annexures: the presentations and reports attached to a meeting (or one of its sessions).

An annexure's file is an attachment owned by its meeting (owner type "meeting"), so the
attachments area stores it, checks it and reads its text for search; this module adds what makes
it an annexure: its letter (A, B … Z, AA … by position), title, session, presenter (a person in
the Hub or a named guest) and presenting organisation. Services take the acting user, check
permissions, flush and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import FileStorage

from kmrg.attachments.models import Attachment
from kmrg.attachments.permissions import register_owner
from kmrg.attachments.services import MAX_TITLE_LENGTH, remove_attachment, store_attachment
from kmrg.audit.services import record_event
from kmrg.auth.models import AccountStatus, User
from kmrg.events import permissions
from kmrg.events.models import Annexure, Meeting
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.extensions import db
from kmrg.models import StaleEditError
from kmrg.organisations.models import Organisation

OWNER_TYPE = "meeting"
MAX_NAME_LENGTH = 200


def annexure_letter(index: int) -> str:
    """Return the letter of the annexure at 0-based `index`: A … Z, then AA … AZ, BA … ZZ, AAA …"""
    if index < 0:
        raise ValueError("an annexure's index is 0 or more")
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True)
class AnnexureData:
    """What the annexure form holds besides the file; a blank title takes the file's name."""

    title: str = ""
    session_id: int | None = None
    presenter_id: int | None = None
    presenter_name: str = ""
    presenting_organisation_id: int | None = None


@dataclass(frozen=True)
class LetteredAnnexure:
    """An annexure with its letter and its file, as the meeting page lists it."""

    index: int  # its 0-based place in the meeting's order, which move forms carry
    annexure: Annexure
    attachment: Attachment

    @property
    def id(self) -> int:
        return self.annexure.id

    @property
    def letter(self) -> str:
        return annexure_letter(self.index)

    @property
    def title(self) -> str:
        return self.annexure.title


def list_annexures(session: Session, meeting: Meeting) -> list[LetteredAnnexure]:
    """Return the meeting's annexures in order, lettered, with their files and presenters."""
    rows = session.execute(
        select(Annexure, Attachment)
        .join(Attachment, Attachment.id == Annexure.attachment_id)
        .options(
            selectinload(Annexure.presenter).selectinload(User.organisation),
            selectinload(Annexure.presenting_organisation),
            selectinload(Annexure.session),
        )
        .where(Annexure.meeting_id == meeting.id)
        .order_by(Annexure.position, Annexure.id)
    ).all()
    return [
        LetteredAnnexure(index, annexure, attachment)
        for index, (annexure, attachment) in enumerate(rows)
    ]


def letter_of(annexure: Annexure) -> str:
    """Return the annexure's letter as its meeting's annexures stand now."""
    return annexure_letter(_in_order(annexure.meeting).index(annexure))


def get_annexure(session: Session, meeting: Meeting, annexure_id: int) -> Annexure | None:
    """Return the meeting's annexure with that id, if it has one."""
    return session.scalars(
        select(Annexure).where(Annexure.id == annexure_id, Annexure.meeting_id == meeting.id)
    ).first()


def presenter_candidates(meeting: Meeting, actor: Any) -> list[User]:
    """Return the people in the Hub who may be named as presenter: the actor, the meeting's
    participants, and its sessions' facilitators and speakers (active accounts only)."""
    found: dict[int, User] = {}
    people: list[User | None] = [actor if isinstance(actor, User) else None]
    people += [participant.user for participant in meeting.participants]
    for agenda_session in meeting.sessions:
        people.append(agenda_session.facilitator)
        people += [speaker.user for speaker in agenda_session.speakers]
    for person in people:
        if person is not None and person.status is AccountStatus.ACTIVE:
            found.setdefault(person.id, person)
    return list(found.values())


def add_annexure(
    session: Session, actor: Any, meeting: Meeting, upload: FileStorage | None, data: AnnexureData
) -> Annexure:
    """Attach an uploaded file to the meeting as its next annexure; return the annexure.

    Raises PermissionDenied, and ValidationError on the form's fields ("file", "title",
    "session_id", "presenter_id", "presenter_name", "presenting_organisation"). The details
    are checked before the file is stored.
    """
    if not permissions.can_add_annexure(actor, meeting):
        raise PermissionDenied("You may not add annexures to this meeting.")
    title = " ".join((data.title or "").split())
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(f"Keep the title under {MAX_TITLE_LENGTH} characters.", "title")
    session_id = _session_id(meeting, data.session_id)
    presenter_id, presenter_name = _presenter(meeting, actor, data)
    organisation_id = _organisation_id(session, data.presenting_organisation_id)
    attachment = store_attachment(session, actor, upload, OWNER_TYPE, meeting.id, title=title)
    annexure = Annexure(
        meeting=meeting,
        attachment_id=attachment.id,
        session_id=session_id,
        position=_next_position(session, meeting),
        title=title or PurePosixPath(attachment.display_name).stem,
        presenter_id=presenter_id,
        presenter_name=presenter_name,
        presenting_organisation_id=organisation_id,
    )
    session.add(annexure)
    session.flush()
    letter = letter_of(annexure)
    record_event(
        session, actor, "meeting.annexure_added", meeting, f"Annexure {letter}: {annexure.title}"
    )
    return annexure


def move_annexure(
    session: Session, actor: Any, annexure: Annexure, offset: int, *, expected_index: int
) -> None:
    """Move an annexure `offset` places (-1 up, +1 down), relettering the others.

    `expected_index` is where the page showed it; if it has moved since, StaleEditError.
    """
    meeting = annexure.meeting
    if not permissions.can_arrange_annexures(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers put its annexures in order.")
    ordered = _in_order(meeting)
    index = ordered.index(annexure)
    if index != expected_index:
        raise StaleEditError("The annexures were reordered since you opened the page.")
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(ordered):
        where = "first" if offset < 0 else "last"
        raise ValidationError(f"Annexure {annexure_letter(index)} is {where} already.")
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(ordered)
    session.flush()
    record_event(
        session,
        actor,
        "meeting.annexure_moved",
        meeting,
        f"{annexure.title}: {annexure_letter(index)} → {annexure_letter(target)}",
    )


def remove_annexure(session: Session, actor: Any, annexure: Annexure) -> None:
    """Remove an annexure and its file; those after it move up a letter."""
    meeting = annexure.meeting
    if not permissions.can_arrange_annexures(actor, meeting):
        raise PermissionDenied("Only the meeting's organisers remove annexures.")
    ordered = _in_order(meeting)
    letter = annexure_letter(ordered.index(annexure))
    attachment = session.get(Attachment, annexure.attachment_id)
    meeting.annexures.remove(annexure)
    _renumber(item for item in ordered if item is not annexure)
    session.flush()
    if attachment is not None:
        remove_attachment(session, actor, attachment)
    record_event(
        session, actor, "meeting.annexure_removed", meeting, f"Annexure {letter}: {annexure.title}"
    )


def _meeting(meeting_id: int) -> Meeting | None:
    return db.session.get(Meeting, meeting_id)


def _can_view(user: Any, meeting_id: int) -> bool:
    meeting = _meeting(meeting_id)
    return meeting is not None and permissions.can_view_meeting(user, meeting)


def _can_add(user: Any, meeting_id: int) -> bool:
    meeting = _meeting(meeting_id)
    return meeting is not None and permissions.can_add_annexure(user, meeting)


def _can_remove(user: Any, meeting_id: int) -> bool:
    meeting = _meeting(meeting_id)
    return meeting is not None and permissions.can_arrange_annexures(user, meeting)


def register_attachment_owner() -> None:
    """Let meetings carry annexure files: seen with the meeting, removed by its organisers."""
    register_owner(
        OWNER_TYPE,
        can_view=_can_view,
        can_change=_can_add,
        can_remove=_can_remove,
        plain_uploads=False,  # an annexure is more than a file: its page adds it
    )


def _in_order(meeting: Meeting) -> list[Annexure]:
    # The loaded collection keeps the order it was read in, which an earlier move may have changed.
    return sorted(meeting.annexures, key=lambda annexure: (annexure.position, annexure.id))


def _renumber(annexures: Iterable[Annexure]) -> None:
    for position, annexure in enumerate(annexures):
        annexure.position = position


def _next_position(session: Session, meeting: Meeting) -> int:
    last = session.scalar(
        select(func.max(Annexure.position)).where(Annexure.meeting_id == meeting.id)
    )
    return 0 if last is None else last + 1


def _session_id(meeting: Meeting, session_id: int | None) -> int | None:
    if session_id is None:
        return None
    if session_id not in {agenda_session.id for agenda_session in meeting.sessions}:
        raise ValidationError("Choose one of this meeting's sessions.", "session_id")
    return session_id


def _presenter(meeting: Meeting, actor: Any, data: AnnexureData) -> tuple[int | None, str]:
    name = " ".join((data.presenter_name or "").split())
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"Keep the name under {MAX_NAME_LENGTH} characters.", "presenter_name"
        )
    if data.presenter_id is None:
        return None, name
    if name:
        raise ValidationError(
            "Choose a person in the Hub or type a presenter's name, not both.", "presenter_name"
        )
    if data.presenter_id not in {person.id for person in presenter_candidates(meeting, actor)}:
        raise ValidationError(
            "Choose the presenter from the list, or type their name.", "presenter_id"
        )
    return data.presenter_id, ""


def _organisation_id(session: Session, organisation_id: int | None) -> int | None:
    if organisation_id is None:
        return None
    if session.get(Organisation, organisation_id) is None:
        raise ValidationError("Choose an organisation from the list.", "presenting_organisation")
    return organisation_id
