"""`kmrg demo` loads the case studies through the real services, once, and search sees them."""

from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from kmrg.attachments.extraction import read_text
from kmrg.attachments.models import Attachment, AttachmentKind
from kmrg.auth.models import User
from kmrg.casestudies.demo import DemoSummary, load_case_study_demo, make_docx, make_pdf
from kmrg.casestudies.demo_content import ATTACHMENT_ONLY_WORDS, CASE_STUDIES
from kmrg.casestudies.models import (
    Adaptation,
    CaseStudy,
    CaseStudyRevision,
    CaseStudyStatus,
    case_study_themes,
)
from kmrg.casestudies.queries import get_case_study_by_slug
from kmrg.demo import load_demo
from kmrg.lessons.models import Lesson, lesson_themes

BY_SLUG = {demo.slug_hint: demo for demo in CASE_STUDIES}
PUBLISHED = [demo for demo in CASE_STUDIES if demo.status == "published"]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def totals(session) -> dict[str, int]:
    return {
        model.__name__: count(session, model)
        for model in (CaseStudy, CaseStudyRevision, Lesson, Adaptation, Attachment, User)
    }


@pytest.fixture
def demo(session, monkeypatch) -> None:
    monkeypatch.setenv("KMRG_DEMO_PASSWORD", "demo-password-for-tests")
    load_demo(session)
    session.commit()


def test_loading_twice_adds_everything_once(session, demo, outbox):
    assert outbox == []  # the services' notices to invented people are dropped
    before = totals(session)
    assert load_case_study_demo(session) == DemoSummary(skipped=len(CASE_STUDIES))
    load_demo(session)
    session.commit()
    assert totals(session) == before
    assert before["CaseStudy"] == len(CASE_STUDIES)


def test_the_demo_is_rich(session, demo):
    statuses = dict(session.execute(select(CaseStudy.slug, CaseStudy.status)).all())
    assert statuses == {demo.slug_hint: CaseStudyStatus(demo.status) for demo in CASE_STUDIES}
    shown = [
        s for s in statuses.values() if s in (CaseStudyStatus.PUBLISHED, CaseStudyStatus.DRAFT)
    ]
    assert len(shown) >= 12
    assert count(session, Lesson) >= 30
    assert session.scalar(select(func.count(func.distinct(CaseStudy.organisation_id)))) >= 8
    themes_in_use = set(session.scalars(select(case_study_themes.c.theme_id))) | set(
        session.scalars(select(lesson_themes.c.theme_id))
    )
    assert len(themes_in_use) >= 8


def test_each_case_study_says_what_its_data_says(session, demo):
    for slug, demo_case in BY_SLUG.items():
        case_study = get_case_study_by_slug(session, slug)
        assert case_study.title == demo_case.title
        assert case_study.results == demo_case.results
        # Also where a champion of another city wrote it up (NMA, TSH, WC-DOTP).
        assert case_study.author.email == demo_case.author_email
        assert case_study.organisation.code == demo_case.organisation_code
        assert sorted(t.name for t in case_study.themes) == sorted(demo_case.themes)
        reviewer = case_study.reviewer.email if case_study.reviewer else None
        assert reviewer == demo_case.reviewer_email
        assert len(case_study.revisions) == 1 + len(demo_case.revisions)
        lessons = session.scalars(
            select(Lesson).where(Lesson.source_id == case_study.id).order_by(Lesson.id)
        ).all()
        assert [(lesson.title, lesson.stage.value) for lesson in lessons] == [
            (lesson.title, lesson.stage) for lesson in demo_case.lessons
        ]
        adaptations = session.scalars(
            select(Adaptation).where(Adaptation.case_study_id == case_study.id)
        ).all()
        assert sorted(a.organisation.code for a in adaptations) == sorted(
            code for code, _changed, _happened in demo_case.adaptations
        )
        # Reuse is recorded by a person of the organisation that reused it.
        assert all(a.recorded_by.organisation_id == a.organisation_id for a in adaptations)


def test_revisions_replay_the_history_oldest_first(client, session, demo):
    demo_case = BY_SLUG["buf-revenue-collection-turnaround"]
    case_study = get_case_study_by_slug(session, demo_case.slug_hint)
    first, *later = case_study.revisions
    assert first.sections["results"] == demo_case.revisions[0].changes["results"]
    assert first.summary == demo_case.revisions[1].changes["summary"]
    assert [r.editor.email for r in later] == [r.editor_email for r in demo_case.revisions]
    assert later[-1].summary == demo_case.summary

    page = client.get(f"/case-studies/{demo_case.slug_hint}/history")
    assert page.status_code == 200
    rows = re.findall(r'<th scope="row">(\d+)</th>', page.get_data(as_text=True))
    assert rows == ["3", "2", "1"]


def test_every_case_study_with_attachment_texts_has_its_files(session, demo):
    for demo_case in CASE_STUDIES:
        case_study = get_case_study_by_slug(session, demo_case.slug_hint)
        files = session.scalars(
            select(Attachment)
            .where(Attachment.owner_type == "case_study", Attachment.owner_id == case_study.id)
            .order_by(Attachment.id)
        ).all()
        assert [(f.kind.value, f.title) for f in files] == [
            (kind, title) for kind, title, _text in demo_case.attachment_texts
        ]
        if demo_case.slug_hint in ATTACHMENT_ONLY_WORDS:
            word = ATTACHMENT_ONLY_WORDS[demo_case.slug_hint]
            assert any(word in f.extracted_text for f in files), demo_case.slug_hint


def found_titles(client, word: str) -> set[str]:
    page = client.get(f"/search?q={word}").get_data(as_text=True)
    return {demo.title for demo in CASE_STUDIES if f">{escape(demo.title)}</a>" in page}


def test_search_finds_a_published_case_study_by_a_word_only_its_attachment_holds(client, demo):
    for demo_case in PUBLISHED:
        if demo_case.slug_hint in ATTACHMENT_ONLY_WORDS:
            word = ATTACHMENT_ONLY_WORDS[demo_case.slug_hint]
            assert found_titles(client, word) == {demo_case.title}, word


def test_the_attachments_of_a_draft_or_submitted_case_study_stay_out_of_search(client, demo):
    for word in ("Amanzingwe", "Dassieklip"):
        page = client.get(f"/search?q={word}").get_data(as_text=True)
        assert "0 results for" in page, word
        assert found_titles(client, word) == set()


def test_the_pdf_maker_writes_text_that_extraction_reads_back():
    paragraphs = [
        "A first paragraph long enough to wrap " * 4 + "(with parentheses) and a back\\slash.",
        "Reconciled accounts went into the Ikhwezi ledger, after its morning-star emblem.",
    ]
    text = read_text(make_pdf("Pack: template", paragraphs), AttachmentKind.PDF).text
    assert " ".join(text.split()) == " ".join(["Pack: template", *paragraphs]).strip()


def test_the_pdf_maker_refuses_text_longer_than_a_page():
    with pytest.raises(ValueError, match="one page"):
        make_pdf("Too long", ["word " * 2000])


def test_the_docx_maker_writes_a_heading_and_paragraphs():
    import docx

    data = make_docx("Agreement", ["First part.", "Second part."])
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs] == ["Agreement", "First part.", "Second part."]
    assert document.paragraphs[0].style.name == "Heading 1"
