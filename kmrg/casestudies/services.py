"""Write case studies: draft, edit, submit, publish, return, archive. Flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.casestudies import notices, permissions
from kmrg.casestudies.models import (
    SECTIONS,
    CaseStudy,
    CaseStudyRevision,
    CaseStudyStatus,
)
from kmrg.casestudies.owners import OwnerEntry, apply_owners
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.markdown import render_markdown
from kmrg.models import StaleEditError, utcnow
from kmrg.organisations.models import Organisation
from kmrg.slugs import add_with_free_slug
from kmrg.text import slugify
from kmrg.themes.models import Theme

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 1500
SECTION_MAX_LENGTH = 50_000
PERIOD_NOTE_MAX_LENGTH = 120
COMMENTS_MAX_LENGTH = 5000
FIRST_YEAR = 1994  # democratic local government; nothing the Hub documents happened before


@dataclass
class CaseStudyData:
    """What an author fills in; the same for a new case study and an edit."""

    title: str
    summary: str
    organisation_id: int | None = None
    start_year: int | None = None
    end_year: int | None = None
    period_note: str = ""
    sections: dict[str, str] = field(default_factory=dict)
    links: str = ""
    theme_ids: Sequence[int] = ()
    owners: Sequence[OwnerEntry] = ()


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError("Give the case study a title.", "title")
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(f"Keep the title under {TITLE_MAX_LENGTH} characters.", "title")
    return title


def _clean_summary(summary: str) -> str:
    # One paragraph of plain text: line breaks typed in a text box become spaces.
    summary = " ".join((summary or "").split())
    if not summary:
        raise ValidationError("Summarise the case study in one paragraph.", "summary")
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise ValidationError(
            f"Keep the summary to one paragraph of under {SUMMARY_MAX_LENGTH:,} characters.",
            "summary",
        )
    return summary


def _clean_section(text: str | None, name: str) -> str:
    text = (text or "").strip()
    if len(text) > SECTION_MAX_LENGTH:
        raise ValidationError(f"Keep this section under {SECTION_MAX_LENGTH:,} characters.", name)
    return text


def _clean_years(start: int | None, end: int | None) -> tuple[int | None, int | None]:
    last = utcnow().year + 1
    for value, name in ((start, "start_year"), (end, "end_year")):
        if value is not None and not FIRST_YEAR <= value <= last:
            raise ValidationError(f"Give a year between {FIRST_YEAR} and {last}.", name)
    if start is None and end is not None:
        raise ValidationError("Give the year it started too.", "start_year")
    if start is not None and end is not None and end < start:
        raise ValidationError("The end year cannot come before the start year.", "end_year")
    return start, end


def _organisation_for(session: Session, actor: Any, organisation_id: int | None) -> Organisation:
    if organisation_id is None or not permissions.can_choose_any_organisation(actor):
        organisation_id = organisation_id or getattr(actor, "organisation_id", None)
        if organisation_id != getattr(actor, "organisation_id", None):
            raise ValidationError(
                "You may write case studies for your own organisation only.", "organisation"
            )
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None:
        raise ValidationError("Choose the organisation the case study is about.", "organisation")
    return organisation


def _themes_for(
    session: Session, theme_ids: Sequence[int], keep: Sequence[Theme] = ()
) -> list[Theme]:
    wanted = set(theme_ids)
    if not wanted:
        return []
    themes = list(session.scalars(select(Theme).where(Theme.id.in_(wanted))))
    kept_ids = {theme.id for theme in keep}
    # A retired theme stays on records already tagged with it but is not offered anew.
    themes = [t for t in themes if not t.is_retired or t.id in kept_ids]
    if len(themes) != len(wanted):
        raise ValidationError("Choose themes from the list.", "themes")
    return sorted(themes, key=lambda theme: theme.name)


def _apply(session: Session, case_study: CaseStudy, data: CaseStudyData) -> None:
    case_study.title = _clean_title(data.title)
    case_study.summary = _clean_summary(data.summary)
    case_study.start_year, case_study.end_year = _clean_years(data.start_year, data.end_year)
    note = " ".join((data.period_note or "").split())
    if len(note) > PERIOD_NOTE_MAX_LENGTH:
        raise ValidationError(
            f"Keep the period under {PERIOD_NOTE_MAX_LENGTH} characters.", "period_note"
        )
    case_study.period_note = note
    for name, _label in [*SECTIONS, ("links", "Links")]:
        source = data.links if name == "links" else data.sections.get(name, "")
        text = _clean_section(source, name)
        if getattr(case_study, name) != text or not getattr(case_study, f"{name}_html"):
            setattr(case_study, name, text)
            setattr(case_study, f"{name}_html", render_markdown(text))
    themes = _themes_for(session, data.theme_ids, keep=case_study.themes)
    if [t.id for t in themes] != [t.id for t in case_study.themes]:
        case_study.themes = themes
    apply_owners(case_study, data.owners)


def snapshot_of(case_study: CaseStudy) -> dict[str, str]:
    """Return the texts a revision keeps, by field name (title, summary, sections, links)."""
    return {
        "title": case_study.title,
        "summary": case_study.summary,
        **case_study.section_texts(),
        "links": case_study.links,
    }


def _record_revision(session: Session, actor: Any, case_study: CaseStudy) -> CaseStudyRevision:
    last = session.scalar(
        select(func.max(CaseStudyRevision.number)).where(
            CaseStudyRevision.case_study_id == case_study.id
        )
    )
    texts = snapshot_of(case_study)
    revision = CaseStudyRevision(
        case_study_id=case_study.id,
        number=(last or 0) + 1,
        editor_id=getattr(actor, "id", None),
        title=texts.pop("title"),
        summary=texts.pop("summary"),
        sections=texts,
    )
    session.add(revision)
    return revision


def create_case_study(session: Session, actor: Any, data: CaseStudyData) -> CaseStudy:
    """Start a draft case study for the actor's organisation (admins: any organisation)."""
    if not permissions.can_create_case_study(actor):
        raise PermissionDenied("Only active members write case studies.")
    organisation = _organisation_for(session, actor, data.organisation_id)
    case_study = CaseStudy(
        organisation=organisation,
        author_id=actor.id,
        status=CaseStudyStatus.DRAFT,
        themes=[],
        owners=[],
    )
    # No autoflush: looking up themes mid-change would write it early and hide it from the
    # modified-check below, losing the revision.
    with session.no_autoflush:
        _apply(session, case_study, data)
    case_study.updated_at = utcnow()
    add_with_free_slug(session, case_study, slugify(case_study.title) or "case-study")
    _record_revision(session, actor, case_study)
    record_event(session, actor, "case_study.created", case_study)
    return case_study


def update_case_study(
    session: Session,
    actor: Any,
    case_study: CaseStudy,
    data: CaseStudyData,
    *,
    expected_version: int,
) -> bool:
    """Save an edit and keep a revision; return False when nothing changed.

    Raises StaleEditError when the case study changed since the form was opened (its version is
    not `expected_version`): nothing is applied, so the first save is never overwritten.
    """
    if not permissions.can_edit_case_study(actor, case_study):
        raise PermissionDenied("You may not edit this case study.")
    if case_study.version != expected_version:
        raise StaleEditError("Someone saved this case study since you opened the page.")
    before = snapshot_of(case_study)
    if data.organisation_id is not None and data.organisation_id != case_study.organisation_id:
        if not permissions.can_choose_any_organisation(actor):
            raise ValidationError(
                "Only administrators move a case study to another organisation.", "organisation"
            )
        case_study.organisation = _organisation_for(session, actor, data.organisation_id)
    # No autoflush: looking up themes mid-change would write it early and hide it from the
    # modified-check below, losing the revision.
    with session.no_autoflush:
        _apply(session, case_study, data)
    if not session.is_modified(case_study) and not any(
        session.is_modified(owner) for owner in case_study.owners
    ):
        return False
    case_study.updated_at = utcnow()
    session.flush()
    changed_text = snapshot_of(case_study) != before
    if changed_text:
        _record_revision(session, actor, case_study)
    record_event(
        session,
        actor,
        "case_study.updated",
        case_study,
        "Text changed" if changed_text else "Details changed",
    )
    return True


def _check_still_current(case_study: CaseStudy, expected_version: int | None) -> None:
    # Checked before the permission: a button from a page that is out of date (a double click,
    # or two reviewers at once) was meant for a state that has passed, so nothing is done and the
    # person is shown the case study as it now is, not told they may not do what was already done.
    if expected_version is not None and case_study.version != expected_version:
        raise StaleEditError("The case study changed since the page was shown.")


def submit_case_study(
    session: Session, actor: Any, case_study: CaseStudy, *, expected_version: int | None = None
) -> None:
    """Send a draft to the organisation's champions for review.

    Like every workflow step, raises StaleEditError when `expected_version` is given and the
    case study's version is another.
    """
    _check_still_current(case_study, expected_version)
    if not permissions.can_submit_case_study(actor, case_study):
        raise PermissionDenied("Only a draft's author or a reviewer submits it.")
    missing = [label for name, label in SECTIONS if not getattr(case_study, name).strip()]
    if missing:
        raise ValidationError(
            "Fill in every section before submitting: " + ", ".join(missing).lower() + "."
        )
    case_study.status = CaseStudyStatus.SUBMITTED
    case_study.submitted_at = utcnow()
    record_event(session, actor, "case_study.submitted", case_study)
    session.flush()
    notices.tell_reviewers(session, actor, case_study)


def publish_case_study(
    session: Session, actor: Any, case_study: CaseStudy, *, expected_version: int | None = None
) -> None:
    """Publish a submitted case study, naming its reviewer and the date."""
    _check_still_current(case_study, expected_version)
    if not permissions.can_publish_case_study(actor, case_study):
        raise PermissionDenied("Only a champion of the organisation or an administrator publishes.")
    now = utcnow()
    case_study.status = CaseStudyStatus.PUBLISHED
    case_study.reviewer_id = actor.id
    case_study.reviewed_at = now
    case_study.published_at = case_study.published_at or now
    case_study.review_comments = ""
    case_study.returned_at = None
    record_event(session, actor, "case_study.published", case_study)
    session.flush()
    notices.tell_author(session, actor, case_study, published=True)


def return_case_study(
    session: Session,
    actor: Any,
    case_study: CaseStudy,
    comments: str,
    *,
    expected_version: int | None = None,
) -> None:
    """Send a submitted case study back to its author with comments they will see."""
    _check_still_current(case_study, expected_version)
    if not permissions.can_return_case_study(actor, case_study):
        raise PermissionDenied("Only a champion of the organisation or an administrator reviews.")
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError("Tell the author what to change.", "comments")
    if len(comments) > COMMENTS_MAX_LENGTH:
        raise ValidationError(
            f"Keep the comments under {COMMENTS_MAX_LENGTH:,} characters.", "comments"
        )
    now = utcnow()
    case_study.status = CaseStudyStatus.DRAFT
    case_study.review_comments = comments
    case_study.returned_at = now
    case_study.reviewer_id = actor.id
    case_study.reviewed_at = now
    record_event(session, actor, "case_study.returned", case_study, comments[:300])
    session.flush()
    notices.tell_author(session, actor, case_study, published=False)


def archive_case_study(
    session: Session, actor: Any, case_study: CaseStudy, *, expected_version: int | None = None
) -> None:
    """Take a published case study out of circulation; it stays for its organisation."""
    _check_still_current(case_study, expected_version)
    if not permissions.can_archive_case_study(actor, case_study):
        raise PermissionDenied("Only a champion of the organisation or an administrator archives.")
    case_study.status = CaseStudyStatus.ARCHIVED
    case_study.archived_at = utcnow()
    record_event(session, actor, "case_study.archived", case_study)
    session.flush()
