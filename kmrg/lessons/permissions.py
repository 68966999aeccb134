"""Who may see, write, promote and publish lessons.

Used by views (abort 403) and templates (hide the button) alike.
"""

from __future__ import annotations

from typing import Any

from kmrg.lessons.models import Lesson, LessonStatus
from kmrg.lessons.sources import LessonSource


def _is_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_admin", False))


def _is_champion_of(user: Any, organisation_id: int | None) -> bool:
    return bool(
        getattr(user, "is_champion", False)
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )


def is_lesson_public(lesson: Lesson, source: LessonSource | None = None) -> bool:
    """Tell whether the public may see the lesson: its source is public, or it is published."""
    if lesson.has_source:
        source = source or lesson.source
        return source is not None and source.is_public
    return lesson.status is LessonStatus.PUBLISHED


def can_view_lesson(user: Any, lesson: Lesson) -> bool:
    """The public sees public lessons; otherwise whoever may see the source, or the draft."""
    source = lesson.source if lesson.has_source else None
    if is_lesson_public(lesson, source):
        return True
    if _is_admin(user):
        return True
    if not _is_active(user):
        return False
    if lesson.has_source:
        return source is not None and source.can_view(user)
    return lesson.author_id == user.id or _is_champion_of(user, lesson.organisation_id)


def can_create_lesson(user: Any) -> bool:
    """Active members of an organisation, and administrators, write lessons."""
    return _is_admin(user) or (_is_active(user) and user.organisation_id is not None)


def can_add_lesson_to_source(user: Any, source: LessonSource) -> bool:
    """Those the source's own area allows (for a case study: its organisation's people)."""
    return can_create_lesson(user) and source.kind.may_add_lesson(user, source.obj)


def can_edit_lesson(user: Any, lesson: Lesson) -> bool:
    """The author, a champion of the lesson's organisation, or an administrator edits it."""
    if _is_admin(user):
        return True
    if not _is_active(user) or not can_view_lesson(user, lesson):
        return False
    return lesson.author_id == user.id or _is_champion_of(user, lesson.organisation_id)


def can_promote_lesson(user: Any, lesson: Lesson) -> bool:
    """A champion of the lesson's organisation, or an administrator, promotes it one stage."""
    if lesson.stage.next is None:
        return False
    return _is_admin(user) or (_is_active(user) and _is_champion_of(user, lesson.organisation_id))


def can_publish_lesson(user: Any, lesson: Lesson) -> bool:
    """A champion of its organisation, or an administrator, publishes a standalone draft."""
    if lesson.has_source or lesson.status is not LessonStatus.DRAFT:
        return False
    return _is_admin(user) or (_is_active(user) and _is_champion_of(user, lesson.organisation_id))
