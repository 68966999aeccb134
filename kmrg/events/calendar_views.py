"""Calendar files: one meeting's .ics, and the subscribable feed of a series' public meetings."""

from __future__ import annotations

from flask import Response, abort, request
from flask_login import current_user

from kmrg.events import blueprint, calendar, permissions, queries
from kmrg.events.models import Meeting
from kmrg.extensions import db

# Shared caches may keep what anyone may see for this long; a meeting made members-only
# leaves them as quickly.
PUBLIC_MAX_AGE = 900


@blueprint.get("/<slug>.ics")
def meeting_calendar(slug: str) -> Response:
    meeting = queries.get_meeting_by_slug(db.session, slug)
    if meeting is None or not permissions.can_view_meeting(current_user, meeting):
        abort(404)
    return _calendar_response(
        calendar.write_meeting_calendar(meeting),
        calendar.calendar_file_name(meeting.slug),
        public=_is_public(meeting),
    )


@blueprint.get("/series/<slug>.ics")
def series_calendar(slug: str) -> Response:
    series = queries.get_series_by_slug(db.session, slug)
    if series is None:
        abort(404)
    meetings = calendar.list_feed_meetings(db.session, series)
    return _calendar_response(
        calendar.write_series_feed(series, meetings),
        calendar.calendar_file_name(series.slug),
        public=True,
    )


def _is_public(meeting: Meeting) -> bool:
    return permissions.can_view_meeting(None, meeting)


def _calendar_response(body: bytes, file_name: str, *, public: bool) -> Response:
    response = Response(body, content_type=calendar.MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = PUBLIC_MAX_AGE
    else:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    # Unchanged meetings write the same bytes: a calendar polling the feed gets a 304.
    response.add_etag()
    return response.make_conditional(request)
