"""Calendar files: one meeting's .ics, and a series' subscribable feed (public, or personal)."""

from __future__ import annotations

from flask import Response, abort, current_app, request
from flask_login import current_user

from kmrg.events import blueprint, calendar, permissions, queries
from kmrg.events.feed_tokens import make_feed_token, read_feed_token
from kmrg.events.models import Meeting, MeetingSeries
from kmrg.extensions import db
from kmrg.urls import external_url

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
    person = None
    token = request.args.get("token")
    if token is not None:
        # Calendar apps send no cookie: the token in the address says whose feed this is.
        person = read_feed_token(db.session, token, current_app.config["SECRET_KEY"])
        if person is None:
            abort(404)
    meetings = calendar.list_feed_meetings(db.session, series, person)
    return _calendar_response(
        calendar.write_series_feed(series, meetings, personal=person is not None),
        calendar.calendar_file_name(series.slug),
        public=person is None,
    )


@blueprint.app_template_global()
def personal_feed_url(series: MeetingSeries) -> str | None:
    """Return the signed-in person's own feed address of `series` (None when signed out)."""
    if not (current_user.is_authenticated and current_user.is_active):
        return None
    token = make_feed_token(current_user, current_app.config["SECRET_KEY"])
    return external_url("events.series_calendar", slug=series.slug, token=token)


def _is_public(meeting: Meeting) -> bool:
    # What an anonymous visitor may see, a shared cache may keep.
    return permissions.can_view_meeting(None, meeting)


def _calendar_response(body: bytes, file_name: str, *, public: bool) -> Response:
    response = Response(body, content_type=calendar.MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = PUBLIC_MAX_AGE
    else:
        response.cache_control.private = True
        response.cache_control.no_store = True
    # Unchanged meetings write the same bytes: a calendar polling the feed gets a 304.
    response.add_etag()
    return response.make_conditional(request)
