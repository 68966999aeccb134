"""Meetings as search documents: one per meeting, with the meeting's own visibility.

A meeting's document holds its aims, agenda sessions and their notes, outcomes and decisions,
approved minutes (drafts and circulated minutes stay out: they may still change and are not
yet the meeting's record), notes and the text of its annexures. It names no people: attendees,
guests, speakers and presenters are personal information, and a search must never find a
meeting by someone's name where their profile would not show it.

Public meetings are found by everyone, members-only meetings by signed-in members. Invited-only
meetings and imported drafts are not indexed at all: no audience of the index is exactly the
people invited, so they stay out of results, counts, facets, snippets and suggestions alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import url_for
from sqlalchemy import false, select, union
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, joinedload, object_session, selectinload

from kmrg.attachments.models import Attachment
from kmrg.attachments.queries import attachments_by_owner
from kmrg.events.annexures import OWNER_TYPE as ATTACHMENT_OWNER_TYPE
from kmrg.events.annexures import annexure_letter
from kmrg.events.models import (
    AgendaSession,
    Annexure,
    Meeting,
    MeetingSeries,
    MeetingVisibility,
    Minutes,
    MinutesStatus,
    Outcome,
)
from kmrg.events.permissions import can_view_meeting
from kmrg.localtime import to_local
from kmrg.markdown import html_to_text, markdown_to_text
from kmrg.organisations.models import Organisation
from kmrg.organisations.search import organisation_facets
from kmrg.search.registry import AttachedText, Audience, DocumentType, SearchDocument, registry

DOC_TYPE = "meeting"
AUDIENCES = {
    MeetingVisibility.PUBLIC: Audience.PUBLIC,
    MeetingVisibility.MEMBERS: Audience.MEMBERS,
}
SUMMARY_LENGTH = 300


def meeting_audience(meeting: Meeting) -> Audience | None:
    """Return who may find the meeting in search, or None when it must stay out of the index."""
    if meeting.is_draft:
        return None
    return AUDIENCES.get(meeting.visibility)


def build_meeting_document(
    meeting: Meeting, files: dict[int, Attachment] | None = None
) -> SearchDocument | None:
    """Return the meeting's search document, or None if it must not be indexed now.

    `files` are the annexures' attachments by id (loaded by the caller for many meetings at
    once); an annexure whose file is missing is found by its title.
    """
    audience = meeting_audience(meeting)
    if audience is None:
        return None
    files = files or {}
    host = meeting.host_organisation
    keywords = [meeting.series.title]
    if host is not None:
        keywords += [host.name, host.code, host.province_name]
    for annexure in meeting.annexures:
        presenting = annexure.presenting_organisation
        if presenting is not None:
            keywords += [presenting.name, presenting.code]
    facets: dict[str, list[str]] = {"year": meeting_years(meeting)}
    facets.update(organisation_facets(host))
    return SearchDocument(
        doc_type=DOC_TYPE,
        doc_id=str(meeting.id),
        title=meeting.title,
        audience=audience,
        summary=_summary(meeting),
        body="\n\n".join(part for part in _body(meeting) if part),
        attachments=[
            _attached_text(index, annexure, files.get(annexure.attachment_id))
            for index, annexure in enumerate(meeting.annexures)
        ],
        keywords=" · ".join(dict.fromkeys(word for word in keywords if word)),
        facets=facets,
        date=to_local(meeting.starts_at).date(),
    )


def meeting_years(meeting: Meeting) -> list[str]:
    """Return the years a meeting is found under (two for one over New Year), in SAST."""
    first, last = to_local(meeting.starts_at).year, to_local(meeting.ends_at).year
    return [str(year) for year in range(first, last + 1)]


def build_meeting_documents(
    session: Session, meetings: Sequence[Meeting]
) -> dict[str, SearchDocument | None]:
    """Return the documents of many loaded meetings, their annexures' files read in one query."""
    indexed = [m.id for m in meetings if meeting_audience(m) is not None]
    files = {
        attachment.id: attachment
        for attachments in attachments_by_owner(session, ATTACHMENT_OWNER_TYPE, indexed).values()
        for attachment in attachments
    }
    return {str(m.id): build_meeting_document(m, files) for m in meetings}


def describe_meeting(meeting: Meeting) -> list[str]:
    """Return what a search result says under the meeting's title: dates, host and status."""
    details = [meeting_dates(meeting)]
    if meeting.host_organisation is not None:
        details.append(meeting.host_organisation.name)
    details.append(meeting.status.label)
    return details


def meeting_dates(meeting: Meeting) -> str:
    """Return the meeting's days in SAST: "7 February 2008", "7–8 February 2008" …"""
    start, end = to_local(meeting.starts_at).date(), to_local(meeting.ends_at).date()
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


def _summary(meeting: Meeting) -> str:
    aims = meeting.aim_list
    if aims:
        return " · ".join(aims)
    notes = _text(meeting.notes, meeting.notes_html)
    if len(notes) <= SUMMARY_LENGTH:
        return notes
    return notes[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + " …"


def _body(meeting: Meeting) -> list[str]:
    parts = []
    for session in meeting.sessions:
        parts += [session.title, _text(session.notes, session.notes_html)]
    parts += [f"{outcome.kind.label}: {outcome.text}" for outcome in meeting.outcomes]
    minutes = meeting.minutes
    if minutes is not None and minutes.status is MinutesStatus.APPROVED:
        parts.append(_text(minutes.body, minutes.body_html))
    parts.append(_text(meeting.notes, meeting.notes_html))
    return parts


def _attached_text(index: int, annexure: Annexure, file: Attachment | None) -> AttachedText:
    name = f"Annexure {annexure_letter(index)}: {annexure.title}"
    if file is None:
        return AttachedText(name=name, kind="annexure", text=annexure.title)
    return AttachedText(name=name, kind=file.kind.value, text=file.extracted_text or annexure.title)


def _text(source: str, rendered: str) -> str:
    # The stored HTML is cheaper to read; Markdown whose HTML was not rendered is read itself.
    if rendered:
        return html_to_text(rendered)
    return markdown_to_text(source) if source else ""


def _build_alone(meeting: Meeting) -> SearchDocument | None:
    session = object_session(meeting)
    if session is None:
        return build_meeting_document(meeting)
    return build_meeting_documents(session, [meeting])[str(meeting.id)]


def _load(session: Session, ids: Sequence[str]) -> dict[str, Meeting]:
    numbers = [int(i) for i in ids if i.isdigit()]
    meetings = session.scalars(
        select(Meeting)
        .options(
            joinedload(Meeting.series),
            joinedload(Meeting.host_organisation),
            joinedload(Meeting.minutes),
            selectinload(Meeting.sessions),
            selectinload(Meeting.outcomes),
            selectinload(Meeting.annexures).joinedload(Annexure.presenting_organisation),
            # can_view_meeting reads the list of participants.
            selectinload(Meeting.participants),
        )
        .where(Meeting.id.in_(numbers))
    )
    return {str(meeting.id): meeting for meeting in meetings}


def _indexable_ids(session: Session) -> Iterable[str]:
    ids = session.scalars(
        select(Meeting.id).where(
            Meeting.is_draft == false(),
            Meeting.visibility.in_(list(AUDIENCES)),
        )
    )
    return (str(i) for i in ids)


def _url(meeting: Meeting) -> str:
    return url_for("events.show_meeting", slug=meeting.slug)


def _its_meeting(part: AgendaSession | Outcome | Minutes | Annexure, _c: Connection) -> list[int]:
    return [part.meeting_id] if part.meeting_id is not None else []


def _owning_meeting(attachment: Attachment, _connection: Connection) -> list[int]:
    return [attachment.owner_id] if attachment.owner_type == ATTACHMENT_OWNER_TYPE else []


def _of_series(series: MeetingSeries, connection: Connection) -> Iterable[int]:
    return connection.execute(select(Meeting.id).where(Meeting.series_id == series.id)).scalars()


def _of_organisation(organisation: Organisation, connection: Connection) -> Iterable[int]:
    # Hosts are facets and keywords; presenting organisations are keywords.
    return connection.execute(
        union(
            select(Meeting.id).where(Meeting.host_organisation_id == organisation.id),
            select(Annexure.meeting_id).where(
                Annexure.presenting_organisation_id == organisation.id
            ),
        )
    ).scalars()


def dependents() -> dict[type[Any], Any]:
    """Return the changes that alter a meeting's document, and how to find the meeting.

    Participants and speakers are not among them: nothing about people is indexed.
    """
    return {
        AgendaSession: _its_meeting,
        Outcome: _its_meeting,
        Minutes: _its_meeting,
        Annexure: _its_meeting,
        Attachment: _owning_meeting,
        MeetingSeries: _of_series,
        Organisation: _of_organisation,
    }


def register_search_documents() -> None:
    """Register meetings with the search engine."""
    registry.register(
        DocumentType(
            name=DOC_TYPE,
            label="Meeting",
            plural="Meetings",
            model=Meeting,
            build=_build_alone,
            build_many=build_meeting_documents,
            load=_load,
            indexable_ids=_indexable_ids,
            can_view=can_view_meeting,
            url=_url,
            dependents=dependents(),
            describe=describe_meeting,
        )
    )
