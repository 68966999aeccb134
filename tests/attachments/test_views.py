"""Downloading, adding and removing attachments through the browser's eyes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from kmrg.attachments.models import Attachment, AttachmentKind
from kmrg.attachments.services import make_upload, store_attachment
from kmrg.attachments.storage import blob_path
from kmrg.extensions import db
from tests.attachments import files
from tests.attachments.conftest import OWNER, PRIVATE_OWNER, PUBLIC_OWNER
from tests.conftest import make_app
from tests.factories import csrf_token, post, sign_in


def attach(session, user, data: bytes, name: str, owner_id: int = PUBLIC_OWNER) -> Attachment:
    attachment = store_attachment(session, user, make_upload(data, name), OWNER, owner_id)
    session.commit()
    return attachment


def url_of(attachment: Attachment) -> str:
    return f"/attachments/{attachment.id}/{attachment.display_name}"


def download(client, url: str):
    """Fetch a file the way a server does: read the body, then close the stored file."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def test_a_download_is_served_as_a_sandboxed_attachment(client, session, champion):
    data = files.make_pdf("downloaded")
    attachment = attach(session, champion, data, "Report.pdf")

    response = download(client, url_of(attachment))

    assert response.status_code == 200
    assert response.data == data
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Report.pdf\"; filename*=UTF-8''Report.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


def test_a_non_ascii_name_is_sent_encoded_with_an_ascii_fallback(client, session, champion):
    attachment = attach(session, champion, files.make_pdf("x"), "Résumé “final”.pdf")
    response = download(client, url_of(attachment))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Resume final.pdf"; ')
    assert "filename*=UTF-8''R%C3%A9sum%C3%A9%20%E2%80%9Cfinal%E2%80%9D.pdf" in disposition


def test_an_image_is_still_a_download_not_a_page(client, session, champion):
    attachment = attach(session, champion, files.make_png(), "photo.png")
    response = download(client, url_of(attachment))
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_a_wrong_name_in_the_address_redirects_to_the_real_one(client, session, champion):
    attachment = attach(session, champion, files.make_pdf("x"), "Report.pdf")
    response = client.get(f"/attachments/{attachment.id}/other.html")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attachments/{attachment.id}/Report.pdf")


def test_an_unknown_attachment_is_not_found(client):
    assert client.get("/attachments/4242/nothing.pdf").status_code == 404


@pytest.mark.parametrize(("viewer", "status"), [(None, 404), ("member", 404), ("champion", 200)])
def test_a_private_owners_files_are_hidden_as_if_absent(
    client, session, champion, member, viewer, status
):
    attachment = attach(session, champion, files.make_pdf("x"), "private.pdf", PRIVATE_OWNER)
    if viewer:
        sign_in(client, {"member": member, "champion": champion}[viewer])
    assert download(client, url_of(attachment)).status_code == status


def test_a_file_of_an_unregistered_owner_type_is_not_served(client, session):
    attachment = Attachment(
        owner_type="unknown_area",
        owner_id=1,
        sha256="a" * 64,
        size=1,
        content_type="application/pdf",
        kind=AttachmentKind.PDF,
        display_name="x.pdf",
    )
    session.add(attachment)
    session.commit()
    assert client.get(url_of(attachment)).status_code == 404


def test_a_missing_stored_file_is_not_found(client, session, champion, app):
    attachment = attach(session, champion, files.make_pdf("x"), "Report.pdf")
    blob_path(app.config["UPLOAD_DIR"], attachment.sha256).unlink()
    assert client.get(url_of(attachment)).status_code == 404


def upload(client, name: str, data: bytes, owner_id: int = PUBLIC_OWNER, **fields):
    return post(
        client,
        f"/attachments/{OWNER}/{owner_id}/new",
        {"file": (io.BytesIO(data), name), "next": "/organisations/", **fields},
        content_type="multipart/form-data",
    )


def test_a_champion_uploads_a_file_and_returns_to_the_owner(client, session, champion):
    sign_in(client, champion)
    response = upload(client, "Plan.docx", files.make_docx("plan words"), title="The plan")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/"
    [attachment] = session.scalars(select(Attachment)).all()
    assert (attachment.display_name, attachment.title) == ("Plan.docx", "The plan")
    assert "plan words" in attachment.extracted_text
    page = client.get("/").get_data(as_text=True)
    assert "Plan.docx is attached." in page


def test_a_refused_upload_shows_why(client, session, champion):
    sign_in(client, champion)
    response = upload(client, "report.pdf", files.make_png())
    assert response.status_code == 302
    assert session.scalars(select(Attachment)).all() == []
    page = client.get("/").get_data(as_text=True)
    assert "That file looks like a PNG image, not a PDF document." in page


def test_an_upload_never_redirects_off_site(client, champion):
    sign_in(client, champion)
    response = upload(client, "a.png", files.make_png(), next="//evil.example.org/")
    assert response.headers["Location"] == "/"


def test_an_oversize_upload_is_refused_by_the_configured_limit(migrated, tmp_path, app, champion):
    small = make_app(migrated, tmp_path / "small", MAX_UPLOAD_BYTES=2048)
    with small.app_context():
        client = small.test_client()
        sign_in(client, champion)
        upload(client, "big.pdf", files.make_pdf("x" * 4000))
        page = client.get("/").get_data(as_text=True)
        assert "That file is larger than 2 KB. Upload a smaller file." in page
        assert db.session.scalars(select(Attachment)).all() == []
        assert not any(Path(small.config["UPLOAD_DIR"]).rglob("*")) or not any(
            p.is_file() for p in Path(small.config["UPLOAD_DIR"]).rglob("*")
        )


def test_uploading_needs_a_sign_in(client):
    response = client.post(f"/attachments/{OWNER}/{PUBLIC_OWNER}/new")
    # CSRF is checked before anything else: a forged post is refused outright.
    assert response.status_code == 400
    response = upload(client, "a.png", files.make_png())
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_member_who_sees_the_owner_may_not_upload(client, member):
    sign_in(client, member)
    assert upload(client, "a.png", files.make_png()).status_code == 403


def test_a_member_who_may_not_see_the_owner_gets_not_found(client, member):
    sign_in(client, member)
    assert upload(client, "a.png", files.make_png(), PRIVATE_OWNER).status_code == 404


def test_an_unregistered_owner_type_gets_not_found(client, admin):
    sign_in(client, admin)
    response = post(
        client,
        "/attachments/nobody/1/new",
        {"file": (io.BytesIO(files.make_png()), "a.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404


def test_a_champion_removes_a_file(client, session, champion):
    attachment = attach(session, champion, files.make_png(), "a.png")
    sign_in(client, champion)
    response = post(client, f"/attachments/delete/{attachment.id}", {"next": "/organisations/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/"
    session.expire_all()
    assert session.scalars(select(Attachment)).all() == []
    assert "a.png is removed." in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("who", "owner_id", "status"), [("member", 1, 403), ("member", 2, 404)])
def test_removing_is_refused_to_those_who_may_not(
    client, session, champion, member, who, owner_id, status
):
    attachment = attach(session, champion, files.make_png(), "a.png", owner_id)
    sign_in(client, member)
    assert post(client, f"/attachments/delete/{attachment.id}").status_code == status


@pytest.mark.parametrize(
    "path", [f"/attachments/{OWNER}/{PUBLIC_OWNER}/new", "/attachments/delete/1"]
)
def test_state_changing_urls_refuse_get_and_posts_without_csrf(client, session, champion, path):
    attach(session, champion, files.make_png(), "a.png")
    sign_in(client, champion)
    assert client.get(path).status_code == 405
    assert client.post(path).status_code == 400
    assert csrf_token(client)  # the session itself is still fine


def test_removing_needs_a_sign_in(client, session, champion):
    attachment = attach(session, champion, files.make_png(), "a.png")
    response = post(client, f"/attachments/delete/{attachment.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
