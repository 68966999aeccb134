"""Administrators start and describe series of meetings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.events import blueprint, permissions, queries, services
from kmrg.events.forms import SeriesForm
from kmrg.events.models import MeetingSeries
from kmrg.extensions import db
from kmrg.forms import choices, submitted_version
from kmrg.inputs import MAX_ID, bounded_int
from kmrg.service_calls import committing

STALE_SERIES_EDIT = (
    "Someone else saved this series after you opened it, so your changes were NOT saved. "
    "Your text is kept below: save again to replace their version with yours."
)


def _prepare_series_form(form: SeriesForm) -> None:
    if not permissions.can_manage_series(current_user):
        abort(403)
    form.organisation_id.choices = choices(
        [("", "None")]
        + [(str(o_id), label) for o_id, label in queries.organisation_id_choices(db.session)]
    )


def _series_data_from(form: SeriesForm) -> services.SeriesData:
    return services.SeriesData(
        title=form.title.data or "",
        description=form.description.data or "",
        organisation_id=bounded_int(form.organisation_id.data, 1, MAX_ID),
    )


@blueprint.route("/series/new", methods=["GET", "POST"])
@login_required
def create_series():
    form = SeriesForm()
    _prepare_series_form(form)
    if form.validate_on_submit():
        with committing(form) as call:
            series = services.create_series(db.session, current_user, _series_data_from(form))
        if call.succeeded:
            flash(f"The series “{series.title}” is started.", "success")
            return redirect(url_for("events.show_series", slug=series.slug))
    return render_template("events/edit_series.html", form=form, series=None)


def _get_series_or_404(slug: str) -> MeetingSeries:
    series = queries.get_series_by_slug(db.session, slug)
    if series is None:
        abort(404)
    return series


@blueprint.route("/series/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_series(slug: str):
    series = _get_series_or_404(slug)
    form = SeriesForm()
    _prepare_series_form(form)
    if request.method == "GET":
        form.title.data = series.title
        form.description.data = series.description
        form.organisation_id.data = str(series.organisation_id or "")
        form.version.data = str(series.version)
    if form.validate_on_submit():
        with committing(form, stale_message=STALE_SERIES_EDIT) as call:
            services.update_series(
                db.session,
                current_user,
                series,
                _series_data_from(form),
                expected_version=submitted_version(form),
            )
        if call.succeeded:
            flash(f"The series “{series.title}” is saved.", "success")
            return redirect(url_for("events.show_series", slug=series.slug))
        form.version.data = str(series.version)
    return render_template("events/edit_series.html", form=form, series=series)
