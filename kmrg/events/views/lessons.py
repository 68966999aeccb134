"""The lessons drawn from a meeting, on the meeting page (the lessons area's own partial)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from kmrg.events.lesson_source import SOURCE_TYPE
from kmrg.events.models import Meeting
from kmrg.events.views.meetings import meeting_page_context
from kmrg.extensions import db
from kmrg.lessons.queries import source_lessons_context


@meeting_page_context
def _lessons_context(meeting: Meeting) -> dict[str, Any]:
    return source_lessons_context(db.session, SOURCE_TYPE, meeting.id, current_user)
