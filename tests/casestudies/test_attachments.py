"""Files attached to case studies: uploaded with the edit form, as visible as the case study,
and searchable by their text once it is published."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from kmrg.attachments.background import get_extractor
from kmrg.attachments.models import Attachment, ExtractionStatus
from kmrg.casestudies import services
from kmrg.casestudies.models import CaseStudy
from tests.attachments.files import make_docx, make_pdf
from tests.casestudies.test_views import SLUG, form_data, reload, version_on
from tests.factories import csrf_token, post, sign_in

WORD = "okavangoheron"


def downloaded(client, url: str) -> int:
    """Fetch a download and close the file it streams; return the status code."""
    response = client.get(url)
    response.close()
    return response.status_code


def upload(client, data: bytes, filename: str, **fields):
    page = client.get(f"/case-studies/{SLUG}/edit").get_data(as_text=True)
    form = {
        **form_data(version=version_on(page)),
        "csrf_token": csrf_token(client),
        "attachment": (io.BytesIO(data), filename),
        **fields,
    }
    return client.post(f"/case-studies/{SLUG}/edit", data=form, content_type="multipart/form-data")


def test_the_author_attaches_a_file_and_it_is_listed(client, session, draft, member):
    sign_in(client, member)
    response = upload(
        client, make_pdf(f"Report on the {WORD}"), "report.pdf", attachment_title="Final report"
    )
    assert response.status_code == 302
    attachment = session.scalar(select(Attachment))
    assert (attachment.owner_type, attachment.owner_id) == ("case_study", draft.id)
    page = client.get(f"/case-studies/{SLUG}").get_data(as_text=True)
    assert "Final report" in page and "(PDF," in page
    href = re.search(r'href="(/attachments/\d+/[^"]+)"', page).group(1)
    assert downloaded(client, href) == 200


def test_a_refused_file_saves_nothing_and_says_why_beside_the_field(client, session, draft, member):
    sign_in(client, member)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload(client, svg, "photo.png", title="Changed title")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="attachment-error"' in page
    assert session.scalar(select(Attachment)) is None
    assert reload(session, draft.id).title == "Revenue collection turnaround"


def test_attachments_of_a_draft_are_hidden_like_the_draft(client, session, draft, member):
    sign_in(client, member)
    upload(client, make_docx(f"Notes on the {WORD}"), "notes.docx")
    attachment = session.scalar(select(Attachment))
    post(client, "/logout")
    url = f"/attachments/{attachment.id}/{attachment.display_name}"
    assert downloaded(client, url) == 404


def test_a_word_only_in_the_attachment_finds_the_published_case_study(
    client, session, draft, member, champion
):
    sign_in(client, member)
    upload(client, make_pdf(f"Appendix about the {WORD}"), "appendix.pdf")
    post(client, "/logout")
    assert "Revenue collection turnaround" not in client.get(f"/search?q={WORD}").get_data(
        as_text=True
    )
    case_study = reload(session, draft.id)
    services.submit_case_study(session, member, case_study)
    services.publish_case_study(session, champion, case_study)
    session.commit()
    page = client.get(f"/search?q={WORD}").get_data(as_text=True)
    assert f'href="/case-studies/{SLUG}"' in page
    # And anonymous readers may download it now.
    attachment = session.scalar(select(Attachment))
    url = f"/attachments/{attachment.id}/{attachment.display_name}"
    assert downloaded(client, url) == 200


def test_the_author_removes_an_attachment_from_the_edit_page(client, session, draft, member):
    sign_in(client, member)
    upload(client, make_pdf("Old slides"), "slides.pdf")
    attachment = session.scalar(select(Attachment))
    page = client.get(f"/case-studies/{SLUG}/edit").get_data(as_text=True)
    assert f'action="/attachments/delete/{attachment.id}"' in page
    response = post(
        client, f"/attachments/delete/{attachment.id}", {"next": f"/case-studies/{SLUG}/edit"}
    )
    assert response.headers["Location"] == f"/case-studies/{SLUG}/edit"
    session.rollback()
    assert session.scalar(select(Attachment)) is None


def test_nobody_else_attaches_files_to_a_case_study(client, session, published, outsider_champion):
    sign_in(client, outsider_champion)
    response = client.post(
        f"/attachments/case_study/{published.id}/new",
        data={"csrf_token": csrf_token(client), "file": (io.BytesIO(make_pdf("x")), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert session.scalar(select(Attachment)) is None
    assert session.get(CaseStudy, published.id) is not None


def published_with_upload(client, session, draft, member, champion, data, filename, **fields):
    """The author uploads a file to the draft, which a champion then publishes."""
    sign_in(client, member)
    upload(client, data, filename, **fields)
    post(client, "/logout")
    case_study = reload(session, draft.id)
    services.submit_case_study(session, member, case_study)
    services.publish_case_study(session, champion, case_study)
    session.commit()
    return session.scalar(select(Attachment))


def test_an_upload_shows_at_once_and_its_words_are_found_once_its_text_is_read(
    client, session, draft, member, champion, monkeypatch
):
    extractor = get_extractor()
    monkeypatch.setattr(extractor, "mode", "worker")  # read only when the test says so
    attachment = published_with_upload(
        client, session, draft, member, champion, make_pdf(f"About the {WORD}"), "about.pdf"
    )
    assert attachment.extraction_status is ExtractionStatus.PENDING
    page = client.get(f"/case-studies/{SLUG}").get_data(as_text=True)
    assert "about.pdf" in page and "text being extracted for search" in page
    assert f'href="/case-studies/{SLUG}"' not in client.get(f"/search?q={WORD}").get_data(
        as_text=True
    )

    assert extractor.extract_pending() == 1

    assert f'href="/case-studies/{SLUG}"' in client.get(f"/search?q={WORD}").get_data(as_text=True)
    page = client.get(f"/case-studies/{SLUG}").get_data(as_text=True)
    assert "text being extracted" not in page


def test_a_file_whose_text_cannot_be_read_is_kept_and_found_by_its_title(
    client, session, draft, member, champion
):
    broken = b"%PDF-1.4\nnot really a PDF " + WORD.encode() + b"\n"
    attachment = published_with_upload(
        client, session, draft, member, champion, broken, "census.pdf", attachment_title="Heronry"
    )
    session.rollback()
    session.refresh(attachment)
    assert attachment.extraction_status is ExtractionStatus.FAILED
    page = client.get("/search?q=Heronry").get_data(as_text=True)
    assert f'href="/case-studies/{SLUG}"' in page
    # The public sees the file; only those who may remove it hear that its text was unreadable.
    public = client.get(f"/case-studies/{SLUG}").get_data(as_text=True)
    assert "Heronry" in public and "could not be read" not in public
    sign_in(client, champion)
    page = client.get(f"/case-studies/{SLUG}").get_data(as_text=True)
    assert "its text could not be read: search finds it by its name only" in page
