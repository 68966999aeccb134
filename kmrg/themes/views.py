"""The theme taxonomy, and the administrators' pages that maintain it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.extensions import db
from kmrg.forms import submitted_version
from kmrg.service_calls import committing
from kmrg.themes import blueprint, permissions, queries, services
from kmrg.themes.forms import ThemeActionForm, ThemeCreateForm, ThemeEditForm
from kmrg.themes.models import Theme


def _get_theme_or_404(slug: str) -> Theme:
    theme = queries.get_theme_by_slug(db.session, slug)
    if theme is None:
        abort(404)
    return theme


def _require_manager() -> None:
    if not permissions.can_manage_themes(current_user):
        abort(403)


@blueprint.route("/themes/")
def list_themes():
    return render_template("themes/list.html", themes=queries.list_themes(db.session))


@blueprint.route("/admin/themes/")
@login_required
def admin_list_themes():
    _require_manager()
    return render_template(
        "themes/admin/list.html", themes=queries.list_themes(db.session, include_retired=True)
    )


@blueprint.route("/admin/themes/new", methods=["GET", "POST"])
@login_required
def create_theme():
    _require_manager()
    form = ThemeCreateForm()
    if form.validate_on_submit():
        with committing(form) as call:
            theme = services.create_theme(
                db.session, current_user, form.name.data, form.description.data or ""
            )
        if call.succeeded:
            flash(f"The theme {theme.name} is added.", "success")
            return redirect(url_for("themes.admin_list_themes"))
    return render_template("themes/admin/create.html", form=form)


def _stale_edit(theme: Theme) -> str:
    return (
        "Someone changed this theme since you opened the page; nothing was saved. "
        f"It is now called “{theme.name}”. Your text is kept below: save again to "
        "replace theirs."
    )


@blueprint.route("/admin/themes/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_theme(slug: str):
    _require_manager()
    theme = _get_theme_or_404(slug)
    form = ThemeEditForm(obj=theme if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(theme.version)
    if form.validate_on_submit():
        with committing(form, stale_message=lambda: _stale_edit(theme)) as call:
            services.update_theme(
                db.session,
                current_user,
                theme,
                name=form.name.data,
                description=form.description.data or "",
                expected_version=submitted_version(form),
            )
        if call.succeeded:
            flash(f"The theme {theme.name} is saved.", "success")
            return redirect(url_for("themes.admin_list_themes"))
        if call.stale:
            form.version.data = str(theme.version)
    return render_template(
        "themes/admin/edit.html", form=form, theme=theme, action_form=ThemeActionForm()
    )


def _set_retired(slug: str, retired: bool):
    _require_manager()
    theme = _get_theme_or_404(slug)
    if not ThemeActionForm().validate_on_submit():
        abort(400)
    with committing() as call:
        services.set_theme_retired(db.session, current_user, theme, retired)
    if call.succeeded:
        if retired:
            flash(f"The theme {theme.name} is retired: it is no longer offered.", "success")
        else:
            flash(f"The theme {theme.name} is restored.", "success")
    return redirect(url_for("themes.admin_list_themes"))


@blueprint.route("/admin/themes/<slug>/retire", methods=["POST"])
@login_required
def retire_theme(slug: str):
    return _set_retired(slug, True)


@blueprint.route("/admin/themes/<slug>/restore", methods=["POST"])
@login_required
def restore_theme(slug: str):
    return _set_retired(slug, False)
