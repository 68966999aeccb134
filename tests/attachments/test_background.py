"""Text is read after the upload commits, in a limited child process, with no transaction open.

Most tests switch this app's extractor to `worker` mode, so nothing is read until the test says
so; the suite's default (`inline`) reads right after each commit.
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa

from kmrg.attachments import background
from kmrg.attachments.background import Extractor, get_extractor
from kmrg.attachments.models import Attachment, AttachmentKind, ExtractionStatus
from kmrg.attachments.sandbox import Limits, Outcome, run_sandboxed
from kmrg.attachments.services import MAX_EXTRACTION_ATTEMPTS, make_upload, store_attachment
from kmrg.attachments.storage import blob_path, store_blob
from kmrg.auth.models import User
from kmrg.cli import main
from kmrg.extensions import db
from tests.attachments import files
from tests.attachments.conftest import OWNER, PUBLIC_OWNER
from tests.conftest import make_app
from tests.factories import csrf_token, sign_in


@pytest.fixture
def extractor(app, monkeypatch) -> Extractor:
    """This app's extractor, reading only when the test asks it to."""
    extractor = get_extractor()
    monkeypatch.setattr(extractor, "mode", "worker")
    return extractor


def upload(session, champion, data: bytes, name: str) -> Attachment:
    attachment = store_attachment(session, champion, make_upload(data, name), OWNER, PUBLIC_OWNER)
    session.commit()
    return attachment


def reloaded(session, attachment: Attachment) -> Attachment:
    """Read the attachment again in a new transaction (SQLite's snapshot is per transaction)."""
    session.rollback()
    session.refresh(attachment)
    return attachment


def test_an_upload_commits_pending_and_the_extractor_reads_it_later(session, champion, extractor):
    attachment = upload(session, champion, files.make_docx("sandboxed words"), "notes.docx")
    assert reloaded(session, attachment).extraction_status is ExtractionStatus.PENDING

    assert extractor.extract_pending() == 1

    reloaded(session, attachment)
    assert attachment.extraction_status is ExtractionStatus.DONE
    assert "sandboxed words" in attachment.extracted_text
    assert attachment.extracted_at is not None
    assert extractor.extract_pending() == 0  # nothing is read twice


def test_the_upload_request_reads_no_text(client, session, champion, extractor, monkeypatch):
    read = []
    monkeypatch.setattr(background, "run_sandboxed", lambda *args: read.append(args) or Outcome())
    sign_in(client, champion)
    response = client.post(
        f"/attachments/{OWNER}/{PUBLIC_OWNER}/new",
        data={
            "csrf_token": csrf_token(client),
            "file": (io.BytesIO(files.make_docx("later")), "later.docx"),
            "next": "/",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    attachment = session.scalar(sa.select(Attachment))
    assert attachment.extraction_status is ExtractionStatus.PENDING
    assert read == []


def other_connection_writes(engine: sa.Engine, attachment_id: int, title: str) -> None:
    """Change the attachment from another connection that may not wait for any lock."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA busy_timeout=0")
        else:
            connection.exec_driver_sql("SET LOCAL lock_timeout = '100ms'")
        connection.execute(
            sa.update(Attachment).where(Attachment.id == attachment_id).values(title=title)
        )


def test_no_write_lock_is_held_while_a_file_is_read(app, session, champion, monkeypatch):
    # The suite's inline mode: reading starts in the upload's own commit, as early as it can.
    other = sa.create_engine(db.engine.url)
    written = []

    def write_meanwhile(path, kind, limits):
        other_connection_writes(other, attachment_id, "Renamed meanwhile")
        written.append(True)
        return run_sandboxed(path, kind, limits)

    monkeypatch.setattr(background, "run_sandboxed", write_meanwhile)
    attachment = store_attachment(
        session, champion, make_upload(files.make_pdf("locked out"), "a.pdf"), OWNER, PUBLIC_OWNER
    )
    session.flush()
    attachment_id = attachment.id
    try:
        session.commit()
    finally:
        other.dispose()
    assert written == [True]
    reloaded(session, attachment)
    # Another writer got in while the file was read, and the extractor's write kept its change.
    assert attachment.title == "Renamed meanwhile"
    assert attachment.extracted_text == "locked out"


def test_an_extraction_stopped_by_the_memory_limit_keeps_the_file_marked(
    app, session, champion, extractor, monkeypatch
):
    # Less address space than the child already has: the megabytes of text it collects cannot fit.
    monkeypatch.setattr(extractor, "limits", Limits(memory_bytes=16 * 1024 * 1024))
    # Stored as it is: validation would refuse this one, and the limits are the last line.
    data = files.make_text_bomb_docx(paragraphs=100 * 1024, words="big " * 1000)
    attachment = Attachment(
        owner_type=OWNER,
        owner_id=PUBLIC_OWNER,
        sha256=store_blob(app.config["UPLOAD_DIR"], data),
        size=len(data),
        content_type="application/octet-stream",
        kind=AttachmentKind.DOCX,
        display_name="big.docx",
        extraction_status=ExtractionStatus.PENDING,
    )
    session.add(attachment)
    session.commit()

    assert extractor.extract_pending() == 1

    reloaded(session, attachment)
    assert attachment.extraction_status is ExtractionStatus.FAILED
    assert attachment.extracted_text == ""
    assert blob_path(app.config["UPLOAD_DIR"], attachment.sha256).is_file()


def test_the_child_is_killed_at_its_cpu_limit(tmp_path):
    # 1.5 MB of page content: within the extractor's own budget, several seconds of parsing.
    path = tmp_path / "slow.pdf"
    path.write_bytes(files.make_shared_stream_pdf(pages=1, stream_bytes=1_500_000))
    outcome = run_sandboxed(path, "pdf", Limits(cpu_seconds=1))
    assert outcome.is_failed
    assert "stopped by the limits" in outcome.failure


def test_the_child_is_killed_at_its_time_limit(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(files.make_pdf("slow clock"))
    outcome = run_sandboxed(path, "pdf", Limits(wall_seconds=0.001))
    assert outcome.failure == "took longer than 0.001 s"


def test_the_child_reads_a_file_whole_or_says_it_was_cut(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(files.make_docx("child words"))
    assert run_sandboxed(path, "docx", Limits()) == Outcome(
        "Revenue turnaround\nchild words\ntable cell words", is_truncated=False
    )
    path.write_bytes(files.make_text_bomb_docx(paragraphs=100 * 1024, words="cut " * 1000))
    outcome = run_sandboxed(path, "docx", Limits())
    assert outcome.is_truncated and not outcome.is_failed
    assert outcome.text.startswith("cut cut")


def test_a_file_whose_extractor_never_answers_is_given_up_after_its_tries(
    session, champion, extractor
):
    attachment = upload(session, champion, files.make_pdf("never answers"), "a.pdf")
    attachment.extraction_attempts = MAX_EXTRACTION_ATTEMPTS
    session.commit()

    assert extractor.extract_pending() == 0

    reloaded(session, attachment)
    assert attachment.extraction_status is ExtractionStatus.FAILED
    assert attachment.extraction_attempts == MAX_EXTRACTION_ATTEMPTS


def test_a_file_removed_while_it_is_read_is_left_alone(session, champion, extractor, monkeypatch):
    attachment = upload(session, champion, files.make_pdf("removed"), "a.pdf")
    attachment_id = attachment.id
    other = sa.create_engine(db.engine.url)

    def remove_meanwhile(path, kind, limits):
        with other.begin() as connection:
            connection.execute(sa.delete(Attachment).where(Attachment.id == attachment_id))
        return Outcome("removed")

    monkeypatch.setattr(background, "run_sandboxed", remove_meanwhile)
    try:
        assert extractor.extract_pending() == 1
    finally:
        other.dispose()
    session.expunge_all()
    assert session.get(Attachment, attachment_id) is None


def test_an_unknown_mode_is_refused(migrated, tmp_path):
    with pytest.raises(RuntimeError, match="unknown attachment extraction 'sometimes'"):
        make_app(migrated, tmp_path, ATTACHMENT_EXTRACTION="sometimes")


def test_a_fresh_app_reads_text_in_the_background_with_no_command(
    migrated, tmp_path, session, champion
):
    champion_id = champion.id
    session.commit()
    served = make_app(
        migrated,
        tmp_path / "served",
        ATTACHMENT_EXTRACTION="background",
        ATTACHMENT_EXTRACTION_SWEEP_SECONDS=0.2,
    )
    extractor = served.extensions[background.EXTENSION_KEY]
    try:
        with served.app_context():
            uploader = db.session.get(User, champion_id)
            data = files.make_docx("threaded words")
            attachment = store_attachment(
                db.session, uploader, make_upload(data, "t.docx"), OWNER, PUBLIC_OWNER
            )
            db.session.commit()
            deadline = time.monotonic() + 60  # a bound for a loaded machine, not a promise
            while time.monotonic() < deadline:
                db.session.rollback()
                db.session.refresh(attachment)
                if attachment.extraction_status is not ExtractionStatus.PENDING:
                    break
                time.sleep(0.1)
            assert attachment.extraction_status is ExtractionStatus.DONE
            assert "threaded words" in attachment.extracted_text
            db.session.remove()
    finally:
        extractor.stop()


def test_kmrg_attachments_extract_reads_what_waits(app, session, champion, extractor):
    attachment = upload(session, champion, files.make_pdf("command words"), "a.pdf")
    result = app.test_cli_runner().invoke(main, args=["attachments", "extract"])
    assert result.exit_code == 0, result.output
    assert "1 attachment(s) wait for their text to be read." in result.output
    assert "Read 1. Attachments now: 0 pending, 1 done, 0 partial, 0 failed." in result.output
    assert reloaded(session, attachment).extracted_text == "command words"


def test_the_worker_reads_until_stopped(app, extractor, monkeypatch):
    stop = threading.Event()
    looks = []

    def look(**options):
        looks.append(options)
        if len(looks) == 2:
            stop.set()
        return 0

    monkeypatch.setattr(extractor, "extract_pending", look)
    extractor.run_worker(0.01, stop)
    assert looks == [{"wait_for_lock": True}] * 2


def test_the_child_keeps_a_damaged_files_warnings_to_itself(tmp_path):
    # pypdf warns about every oddity of a damaged file; a hostile one could send the parent
    # megabytes of them. This one has a wrong startxref and a wrong offset, and is still read.
    data = files.make_pdf("warned words")
    data = data.replace(b"startxref\n", b"startxref\n1").replace(
        b"0000000009 00000", b"0000000999 00000"
    )
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data)
    child = subprocess.run(
        [sys.executable, "-m", "kmrg.attachments.sandbox", "pdf", str(path), str(512 << 20), "30"],
        capture_output=True,
        check=False,
    )
    assert child.returncode == 0
    assert b"warned words" in child.stdout
    assert child.stderr == b""
