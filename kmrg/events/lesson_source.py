"""Meetings as a source of lessons (see kmrg.lessons.sources): what a meeting taught.

A lesson drawn from a meeting is as visible as the meeting: public with a public meeting, and
otherwise seen by those who may see the meeting. Its organisers and participants add lessons once
it has been held.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from kmrg.events.models import Meeting, MeetingVisibility
from kmrg.events.permissions import can_add_meeting_lesson, can_view_meeting, is_meeting_public
from kmrg.events.search import meeting_years
from kmrg.lessons.sources import SourceKind, register_source

SOURCE_TYPE = "meeting"


def _load(session: Session, meeting_id: int) -> Meeting | None:
    return session.get(Meeting, meeting_id)


def _url(meeting: Meeting) -> str:
    return url_for("events.show_meeting", slug=meeting.slug)


def _public_ids() -> Select[Any]:
    return select(Meeting.id).where(
        Meeting.visibility == MeetingVisibility.PUBLIC, Meeting.is_draft == false()
    )


def _years(meeting: Meeting) -> list[int]:
    # The years search finds the meeting under, so its lessons are found in the same ones.
    return [int(year) for year in meeting_years(meeting)]


def register_meeting_source() -> SourceKind:
    """Register meetings as a kind of lesson source."""
    return register_source(
        SOURCE_TYPE,
        "Meeting",
        load=_load,
        title=lambda meeting: meeting.title,
        url=_url,
        can_view=can_view_meeting,
        is_public=is_meeting_public,
        public_ids=_public_ids,
        can_add_lesson=can_add_meeting_lesson,
        model=Meeting,
        years=_years,
    )
