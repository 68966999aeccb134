"""Write lessons: validate, change, flush; the view commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from kmrg.audit.services import record_event
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.lessons.models import Lesson, LessonStage, LessonStatus
from kmrg.lessons.permissions import (
    can_add_lesson_to_source,
    can_create_lesson,
    can_edit_lesson,
    can_promote_lesson,
    can_publish_lesson,
    can_view_lesson,
)
from kmrg.lessons.sources import load_source
from kmrg.markdown import render_markdown
from kmrg.models import StaleEditError, utcnow
from kmrg.notifications.services import notify, site_path
from kmrg.organisations.models import Organisation
from kmrg.themes.models import Theme

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 20_000

# Registered by kmrg.lessons.init_app.
PUBLISHED_KIND = "lesson_published"


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError("Give the lesson a short title.", "title")
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(f"Keep the title under {TITLE_MAX_LENGTH} characters.", "title")
    return title


def _clean_text(value: str | None, field: str, required_message: str | None = None) -> str:
    text = (value or "").strip()
    if required_message and not text:
        raise ValidationError(required_message, field)
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(f"Keep this under {TEXT_MAX_LENGTH:,} characters.", field)
    return text


def _apply_text(
    lesson: Lesson,
    *,
    title: str,
    driving_event: str,
    lesson_text: str,
    recommendation: str,
    evidence: str,
    applies_to: str,
) -> None:
    lesson.title = _clean_title(title)
    lesson.driving_event = _clean_text(
        driving_event, "driving_event", "Say what happened: the event that taught the lesson."
    )
    lesson.lesson = _clean_text(lesson_text, "lesson", "State the lesson itself.")
    lesson.recommendation = _clean_text(recommendation, "recommendation")
    lesson.evidence = _clean_text(evidence, "evidence")
    lesson.applies_to = _clean_text(applies_to, "applies_to")
    # The rendered HTML is stored beside its Markdown so pages never render on read.
    lesson.driving_event_html = render_markdown(lesson.driving_event)
    lesson.lesson_html = render_markdown(lesson.lesson)
    lesson.recommendation_html = render_markdown(lesson.recommendation)
    lesson.evidence_html = render_markdown(lesson.evidence)


def create_lesson(
    session: Session,
    actor: Any,
    *,
    title: str,
    driving_event: str,
    lesson: str,
    recommendation: str = "",
    evidence: str = "",
    applies_to: str = "",
    themes: Sequence[Theme] = (),
    organisation: Organisation | None = None,
    source: tuple[str, int] | None = None,
) -> Lesson:
    """Write a lesson, standalone or drawn from a source; it starts as an observation.

    Raises PermissionDenied, ValidationError, or NotFound-like ValidationError for a bad source.
    """
    if not can_create_lesson(actor):
        raise PermissionDenied("Only signed-in members of an organisation write lessons.")
    if organisation is None:
        organisation = getattr(actor, "organisation", None)
    if organisation is None:
        raise ValidationError("Choose the organisation the lesson belongs to.", "organisation")
    if not getattr(actor, "is_admin", False) and organisation.id != actor.organisation_id:
        raise PermissionDenied("You write lessons for your own organisation.")
    record = Lesson(
        organisation=organisation,
        author_id=actor.id,
        stage=LessonStage.OBSERVATION,
        status=LessonStatus.DRAFT,
    )
    if source is not None:
        loaded = load_source(session, *source)
        if loaded is None:
            raise ValidationError("The source of this lesson no longer exists.", "source")
        if not can_add_lesson_to_source(actor, loaded):
            raise PermissionDenied(f"You may not add lessons to this {loaded.label.lower()}.")
        record.source_type, record.source_id = source
    _apply_text(
        record,
        title=title,
        driving_event=driving_event,
        lesson_text=lesson,
        recommendation=recommendation,
        evidence=evidence,
        applies_to=applies_to,
    )
    record.themes = list(themes)
    session.add(record)
    session.flush()
    record_event(session, actor, "lesson.created", record)
    return record


def update_lesson(
    session: Session,
    actor: Any,
    lesson: Lesson,
    *,
    expected_version: int,
    title: str,
    driving_event: str,
    lesson_text: str,
    recommendation: str,
    evidence: str,
    applies_to: str,
    themes: Sequence[Theme],
) -> None:
    """Change a lesson's text and themes; a form opened before another save is refused."""
    if not can_edit_lesson(actor, lesson):
        raise PermissionDenied("You may not edit this lesson.")
    if lesson.version != expected_version:
        raise StaleEditError("Someone changed this lesson since you opened the page.")
    _apply_text(
        lesson,
        title=title,
        driving_event=driving_event,
        lesson_text=lesson_text,
        recommendation=recommendation,
        evidence=evidence,
        applies_to=applies_to,
    )
    if {t.id for t in lesson.themes} != {t.id for t in themes}:
        lesson.themes = list(themes)
    if not session.is_modified(lesson):
        return
    lesson.updated_at = utcnow()
    session.flush()
    record_event(session, actor, "lesson.updated", lesson)


def _check_still_current(lesson: Lesson, expected_version: int | None) -> None:
    # Checked first, as a case study's workflow steps are: a button from a page that is out of
    # date (a double click, two champions at once, an edit meanwhile) was meant for a lesson that
    # has passed, so nothing is done and the person is shown the lesson as it now is.
    if expected_version is not None and lesson.version != expected_version:
        raise StaleEditError("The lesson changed since the page was shown.")


def promote_lesson(
    session: Session,
    actor: Any,
    lesson: Lesson,
    to_stage: LessonStage,
    *,
    expected_version: int | None = None,
) -> None:
    """Move a lesson one stage forward, naming who promoted it.

    `to_stage` is the stage the promoter saw offered: a repeated or stale request is refused
    rather than skipping a stage. Raises StaleEditError when `expected_version` is given and the
    lesson's version is another.
    """
    _check_still_current(lesson, expected_version)
    if lesson.stage.next is None:
        raise ValidationError(f"This lesson is already a {lesson.stage.label.lower()}.")
    if not can_promote_lesson(actor, lesson):
        raise PermissionDenied("Only a KM champion of its organisation promotes a lesson.")
    if to_stage is not lesson.stage.next:
        raise ValidationError(
            f"This lesson is now at the stage “{lesson.stage.label}”; it can only move to "
            f"“{lesson.stage.next.label}”."
        )
    previous = lesson.stage
    lesson.stage = to_stage
    lesson.promoted_by = actor
    lesson.promoted_at = utcnow()
    session.flush()
    record_event(
        session,
        actor,
        "lesson.promoted",
        lesson,
        f"{previous.label} → {to_stage.label}, by {actor.name}",
    )


def publish_lesson(
    session: Session, actor: Any, lesson: Lesson, *, expected_version: int | None = None
) -> None:
    """Publish a standalone lesson (a lesson with a source is public with its source).

    Raises StaleEditError when `expected_version` is given and the lesson's version is another.
    """
    _check_still_current(lesson, expected_version)
    if lesson.has_source:
        raise ValidationError("This lesson is shown publicly when its source is published.")
    if lesson.status is LessonStatus.PUBLISHED:
        raise ValidationError("This lesson is already published.")
    if not can_publish_lesson(actor, lesson):
        raise PermissionDenied("Only a KM champion of its organisation publishes a lesson.")
    lesson.status = LessonStatus.PUBLISHED
    lesson.published_at = utcnow()
    session.flush()
    record_event(session, actor, "lesson.published", lesson)
    notify(
        session,
        [lesson.author],
        PUBLISHED_KIND,
        lesson,
        f"Your lesson is published: {lesson.title}",
        site_path("lessons.show_lesson", lesson_id=lesson.id),
        actor=actor,
        can_view=can_view_lesson,
    )
