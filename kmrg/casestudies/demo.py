"""Load the demo case studies of demo_content through the real services (safe to repeat).

Every step goes through the services a person would use, acting as the demo account named in
the data, so the demo has the revisions, audit events, rendered HTML, attachment text and
search-queue rows that real use produces. Where a rule stands in the way of the demo's story,
the administrator acts instead, and a comment says why.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmrg.attachments.services import extract_now, make_upload, store_attachment
from kmrg.auth.models import AccountStatus, User
from kmrg.auth.queries import champions_of, get_user_by_email
from kmrg.casestudies import adaptation_services, owners, services
from kmrg.casestudies.attachments import OWNER_TYPE
from kmrg.casestudies.demo_content import (
    CASE_STUDIES,
    REVISABLE_SECTIONS,
    DemoCaseStudy,
    DemoLesson,
)
from kmrg.casestudies.lesson_source import SOURCE_TYPE
from kmrg.casestudies.models import SECTIONS, CaseStudy, CaseStudyStatus
from kmrg.casestudies.queries import get_case_study_by_slug
from kmrg.lessons.models import LessonStage
from kmrg.lessons.services import create_lesson, promote_lesson
from kmrg.notifications.emails import dropping_mail
from kmrg.organisations.models import Organisation
from kmrg.organisations.queries import get_organisation_by_code
from kmrg.text import slugify
from kmrg.themes.models import Theme

ADMIN_EMAIL = "admin@example.org"
# Demo people are invented and have example.org addresses; the loader acts only as them.
DEMO_DOMAIN = "@example.org"


@dataclass
class DemoSummary:
    """What one run of the loader added."""

    case_studies: int = 0
    skipped: int = 0
    revisions: int = 0
    attachments: int = 0
    lessons: int = 0
    adaptations: int = 0


def load_case_study_demo(session: Session) -> DemoSummary:
    """Add each demo case study whose slug is not taken yet, with its history, files and lessons.

    Assumes the organisations, starter themes and demo people are loaded. Raises LookupError
    when the data names a person, organisation or theme that is missing.
    """
    summary = DemoSummary()
    admin = _demo_user(session, ADMIN_EMAIL)
    themes = {theme.name: theme for theme in session.scalars(select(Theme))}
    with dropping_mail(session):
        for demo in CASE_STUDIES:
            if get_case_study_by_slug(session, demo.slug_hint) is not None:
                summary.skipped += 1
                continue
            _load_one(session, admin, themes, demo, summary)
            summary.case_studies += 1
    return summary


def _load_one(
    session: Session,
    admin: User,
    themes: dict[str, Theme],
    demo: DemoCaseStudy,
    summary: DemoSummary,
) -> None:
    organisation = get_organisation_by_code(session, demo.organisation_code)
    if organisation is None:
        raise LookupError(f"No organisation has the code {demo.organisation_code!r}.")
    author = _demo_user(session, demo.author_email)

    texts = _first_version(demo)
    data = _data(session, demo, organisation, themes, texts)
    # The write-ups of NMA, TSH and WC-DOTP were done by a champion of another city, which the
    # "own organisation only" rule refuses; the administrator enters them on the author's behalf
    # (the audit log and revision 1 say so) and the case study credits its real author.
    on_behalf = author.organisation_id != organisation.id
    case_study = services.create_case_study(session, admin if on_behalf else author, data)
    if on_behalf:
        case_study.author_id = author.id
    # Stable addresses, and the key that makes the loader safe to repeat (the service would
    # derive the slug from the first version's title).
    case_study.slug = demo.slug_hint
    session.flush()

    for revision in demo.revisions:
        texts.update({name: getattr(demo, name) for name in revision.changes})
        editor = _demo_user(session, revision.editor_email)
        data = _data(session, demo, None, themes, texts)
        # update_case_study looks up the themes after applying the text; that query autoflushes
        # the edit, so its "was anything modified?" check then sees nothing and skips the revision
        # (reported to the lead). Without autoflush the service works as it means to.
        with session.no_autoflush:
            changed = services.update_case_study(
                session, editor, case_study, data, expected_version=case_study.version
            )
        if not changed:
            raise RuntimeError(f"{demo.slug_hint}: a demo revision changed nothing")
        summary.revisions += 1

    for kind, title, text in demo.attachment_texts:
        _attach(session, author, case_study, kind, title, text)
        summary.attachments += 1

    if demo.status != CaseStudyStatus.DRAFT:
        services.submit_case_study(session, author, case_study)
    if demo.status == CaseStudyStatus.PUBLISHED:
        reviewer = _demo_user(session, demo.reviewer_email or ADMIN_EMAIL)
        services.publish_case_study(session, reviewer, case_study)

    promoter = _promoter(session, admin, organisation)
    for lesson in demo.lessons:
        _add_lesson(session, admin, author, promoter, case_study, themes, lesson)
        summary.lessons += 1

    for code, what_changed, what_happened in demo.adaptations:
        reuser = _demo_person_of(session, code)
        adaptation_services.record_adaptation(
            session, reuser, case_study, what_changed=what_changed, what_happened=what_happened
        )
        summary.adaptations += 1


def _first_version(demo: DemoCaseStudy) -> dict[str, str]:
    """Return the texts as first saved: the final ones with every revision's earlier text."""
    texts = {name: getattr(demo, name) for name in REVISABLE_SECTIONS}
    for revision in demo.revisions:
        texts.update(revision.changes)
    return texts


def _data(
    session: Session,
    demo: DemoCaseStudy,
    organisation: Organisation | None,
    themes: dict[str, Theme],
    texts: dict[str, str],
) -> services.CaseStudyData:
    return services.CaseStudyData(
        title=texts["title"],
        summary=texts["summary"],
        organisation_id=organisation.id if organisation is not None else None,
        start_year=demo.period_start_year,
        end_year=demo.period_end_year,
        sections={name: texts[name] for name, _label in SECTIONS},
        links="\n".join(f"- [{label}]({url})" for label, url in demo.links),
        theme_ids=[_theme(themes, name).id for name in demo.themes],
        owners=[_owner(session, *owner) for owner in demo.owners],
    )


def _owner(session: Session, who: str, role: str, is_contact: bool) -> owners.OwnerEntry:
    if not who.startswith("external:"):
        return owners.OwnerEntry(user=_demo_user(session, who), role=role, is_contact=is_contact)
    name, their_role, organisation = who.removeprefix("external:").split("|")
    return owners.OwnerEntry(
        external_name=name,
        role=f"{role} ({their_role}; {organisation})",
        is_contact=is_contact,
    )


def _theme(themes: dict[str, Theme], name: str) -> Theme:
    try:
        return themes[name]
    except KeyError:
        raise LookupError(f"No theme is called {name!r}; load the starter themes first.") from None


def _demo_user(session: Session, email: str) -> User:
    user = get_user_by_email(session, email)
    if user is None or not user.is_active:
        raise LookupError(f"The demo account {email} is missing or not active.")
    return user


def _demo_person_of(session: Session, code: str) -> User:
    """Return the first active demo person of the organisation with this code."""
    user = session.scalar(
        select(User)
        .join(Organisation, User.organisation_id == Organisation.id)
        .where(
            Organisation.code == code,
            User.status == AccountStatus.ACTIVE,
            User.email.endswith(DEMO_DOMAIN),
        )
        .order_by(User.id)
        .limit(1)
    )
    if user is None:
        raise LookupError(f"No active demo person belongs to {code}; add one to DEMO_PEOPLE.")
    return user


def _promoter(session: Session, admin: User, organisation: Organisation) -> User:
    """Return a demo champion of the organisation, or the administrator where it has none."""
    champions = sorted(
        (c for c in champions_of(session, organisation.id) if c.email.endswith(DEMO_DOMAIN)),
        key=lambda champion: champion.id,
    )
    return champions[0] if champions else admin


def _add_lesson(
    session: Session,
    admin: User,
    author: User,
    promoter: User,
    case_study: CaseStudy,
    themes: dict[str, Theme],
    demo: DemoLesson,
) -> None:
    # Only the case study's own organisation adds lessons to it; where its author belongs to
    # another organisation (see _load_one), the administrator adds them.
    writer = author if author.organisation_id == case_study.organisation_id else admin
    lesson = create_lesson(
        session,
        writer,
        title=demo.title,
        driving_event=demo.driving_event,
        lesson=demo.lesson,
        recommendation=demo.recommendation,
        evidence=demo.evidence,
        applies_to=demo.applies_to,
        themes=[_theme(themes, name) for name in demo.themes],
        organisation=case_study.organisation,
        source=(SOURCE_TYPE, case_study.id),
    )
    target = LessonStage(demo.stage)
    while lesson.stage is not target:
        next_stage = lesson.stage.next
        if next_stage is None:
            raise ValueError(f"{demo.title!r}: unknown stage {demo.stage!r}")
        promote_lesson(session, promoter, lesson, next_stage)


def _attach(
    session: Session, actor: User, case_study: CaseStudy, kind: str, title: str, text: str
) -> None:
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    if kind == "pdf":
        data = make_pdf(title, paragraphs)
    elif kind == "docx":
        data = make_docx(title, paragraphs)
    else:
        raise ValueError(f"{case_study.slug}: the demo makes PDF and DOCX files, not {kind!r}")
    filename = f"{slugify(title)[:80]}.{kind}"
    attachment = store_attachment(
        session, actor, make_upload(data, filename), OWNER_TYPE, case_study.id, title=title
    )
    # The demo's own files are trusted and loading is no request: read their text now, so the
    # demo is searchable the moment it is loaded.
    extract_now(session, attachment, data)


# Letter-size page, one-inch margins; ~85 characters of 11-point Helvetica fit in a line.
_PAGE_WIDTH, _PAGE_HEIGHT, _MARGIN = 612, 792, 72
_LINE_CHARACTERS, _LEADING = 85, 15


def _pdf_string(text: str) -> bytes:
    # WinAnsiEncoding is cp1252; a character outside it fails loudly rather than vanishing.
    encoded = text.encode("cp1252")
    return b"(" + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def make_pdf(title: str, paragraphs: list[str]) -> bytes:
    """Return a one-page PDF with a heading and wrapped paragraphs whose text pypdf extracts.

    Raises ValueError when the text does not fit on one page.
    """
    lines = [b"BT", b"/F2 14 Tf", b"%d %d Td" % (_MARGIN, _PAGE_HEIGHT - _MARGIN)]
    lines += [_pdf_string(title) + b" Tj", b"/F1 11 Tf", b"%d TL" % _LEADING]
    used = 1
    for paragraph in paragraphs:
        lines.append(b"T*")  # a blank line between paragraphs
        used += 1
        for line in textwrap.wrap(
            paragraph, _LINE_CHARACTERS, break_long_words=False, break_on_hyphens=False
        ):
            lines.append(b"T* " + _pdf_string(line) + b" Tj")
            used += 1
    lines.append(b"ET")
    if used * _LEADING > _PAGE_HEIGHT - 2 * _MARGIN:
        raise ValueError(f"{title!r} does not fit on one page")
    stream = b"\n".join(lines)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        % (_PAGE_WIDTH, _PAGE_HEIGHT),
        font % b"Helvetica",
        font % b"Helvetica-Bold",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def make_docx(title: str, paragraphs: list[str]) -> bytes:
    """Return a Word document with a heading and the paragraphs."""
    import docx  # python-docx loads lxml; only the demo and attachment extraction need it

    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
