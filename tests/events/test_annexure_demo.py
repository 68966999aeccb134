"""The demo's meetings carry their annexures: lettered, with presenters, text read for search."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from kmrg.attachments.models import Attachment, ExtractionStatus
from kmrg.demo import load_demo
from kmrg.events.annexures import list_annexures
from kmrg.events.demo_content import MEETINGS
from kmrg.events.models import Annexure, Meeting
from tests.factories import post

PASSWORD = "demo-password-for-tests"


def test_the_demo_meetings_have_their_annexures(client, session, monkeypatch):
    monkeypatch.setenv("KMRG_DEMO_PASSWORD", PASSWORD)
    load_demo(session)
    session.commit()
    first = MEETINGS[0]
    meeting = session.scalars(select(Meeting).where(Meeting.title == first.title)).one()
    listed = list_annexures(session, meeting)
    assert [(item.letter, item.title) for item in listed] == [
        (letter, annexure.title) for letter, annexure in zip("AB", first.annexures, strict=True)
    ]
    assert listed[0].annexure.presenter_name == "Marlene Fourie"
    assert listed[1].annexure.presenter.email == "champion.buf@example.org"
    assert listed[0].annexure.session is not None
    assert {item.attachment.kind.value for item in listed} == {"pdf", "docx"}
    assert all(item.attachment.extraction_status is ExtractionStatus.DONE for item in listed)
    assert "Vukuzenzele" in listed[0].attachment.extracted_text
    total = sum(len(demo.annexures) for demo in MEETINGS if demo.months_from_now < 0)
    assert len(session.scalars(select(Annexure)).all()) == total
    assert (
        len(session.scalars(select(Attachment).where(Attachment.owner_type == "meeting")).all())
        == total
    )

    # Its presenter finds them in one download.
    post(client, "/login", {"email": "champion.buf@example.org", "password": PASSWORD})
    response = client.get(f"/meetings/{meeting.slug}/annexures.zip")
    names = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    assert names == [f"A - {first.annexures[0].title}.pdf", f"B - {first.annexures[1].title}.docx"]
