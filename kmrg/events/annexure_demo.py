"""The demo meetings' annexures: small documents made by code, attached through the services.

The demo loader (kmrg.events.demo) calls `add_demo_annexures` for each meeting once it is held.
The files are the demo's own, so their text is read at once rather than in the background, and
the demo is searchable the moment it is loaded.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kmrg.attachments.models import Attachment
from kmrg.attachments.services import extract_now, make_upload
from kmrg.auth.models import User
from kmrg.auth.queries import get_user_by_email
from kmrg.casestudies.demo import make_docx, make_pdf
from kmrg.events.annexures import AnnexureData, add_annexure
from kmrg.events.demo_content import DemoAnnexure, DemoMeeting
from kmrg.events.models import Meeting
from kmrg.organisations.queries import get_organisation_by_code
from kmrg.text import slugify

GUEST_PREFIX = "guest:"


def add_demo_annexures(
    session: Session, secretariat: User, meeting: Meeting, demo: DemoMeeting
) -> None:
    """Attach the demo meeting's annexures, PDF and Word in turn, as the secretariat would."""
    sessions = sorted(meeting.sessions, key=lambda agenda_session: agenda_session.position)
    for number, item in enumerate(demo.annexures):
        kind = "pdf" if number % 2 == 0 else "docx"
        data = (make_pdf if kind == "pdf" else make_docx)(item.title, list(item.paragraphs))
        session_id = sessions[item.session].id if item.session < len(sessions) else None
        upload = make_upload(data, f"{slugify(item.title)[:80]}.{kind}")
        details = _details(session, item, session_id)
        annexure = add_annexure(session, secretariat, meeting, upload, details)
        attachment = session.get(Attachment, annexure.attachment_id)
        if attachment is not None:
            extract_now(session, attachment, data)


def _details(session: Session, item: DemoAnnexure, session_id: int | None) -> AnnexureData:
    organisation = get_organisation_by_code(session, item.organisation)
    organisation_id = organisation.id if organisation is not None else None
    if item.presenter.startswith(GUEST_PREFIX):
        name = item.presenter.removeprefix(GUEST_PREFIX)
        return AnnexureData(item.title, session_id, None, name, organisation_id)
    presenter = get_user_by_email(session, item.presenter)
    if presenter is None:
        raise LookupError(f"demo annexure presenter {item.presenter} is not loaded")
    return AnnexureData(item.title, session_id, presenter.id, "", organisation_id)
