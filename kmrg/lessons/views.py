"""Lesson pages: the list, a lesson, writing, promoting and publishing one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.exceptions import ValidationError
from kmrg.extensions import db
from kmrg.forms import (
    choices,
    province_filter_choices,
    submitted_version,
    theme_filter_choices,
)
from kmrg.inputs import bounded_int, page_number
from kmrg.lessons import blueprint, permissions, queries, services
from kmrg.lessons.forms import (
    LessonActionForm,
    LessonFilterForm,
    LessonForm,
    PromoteLessonForm,
)
from kmrg.lessons.models import Lesson, LessonStage, LessonStatus
from kmrg.lessons.sources import (
    LessonSource,
    load_source,
    parse_source_key,
    preload_sources,
    source_key,
)
from kmrg.organisations.queries import (
    CATEGORIES,
    get_organisation_by_code,
    organisation_choices,
)
from kmrg.service_calls import committing
from kmrg.themes.models import Theme
from kmrg.themes.queries import list_themes

STALE_LESSON_EDIT = (
    "Someone changed this lesson since you opened the page; nothing was saved. Your text is "
    "kept below: compare it with the lesson, then save again to replace theirs."
)
PER_PAGE = 20


def _get_visible_lesson_or_404(lesson_id: int) -> Lesson:
    lesson = queries.get_lesson(db.session, lesson_id)
    # A lesson the viewer may not see does not exist for them.
    if lesson is None or not permissions.can_view_lesson(current_user, lesson):
        abort(404)
    return lesson


@blueprint.route("/lessons/")
def list_lessons():
    filters = queries.LessonFilters(
        theme=request.args.get("theme", ""),
        province=request.args.get("province", ""),
        category=request.args.get("category", ""),
        organisation=request.args.get("organisation", "").strip()[:20],
        # The filter ends at the next new year, and datetime ends at 9999.
        year=bounded_int(request.args.get("year"), 1, 9998),
        stage=request.args.get("stage", ""),
    )
    page = db.paginate(
        queries.lessons_query(filters, current_user),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    # The SQL narrows; each lesson's own permission check has the final word. It reads each
    # lesson's source: all of the page's in one query per kind, not one query a lesson.
    preload_sources(db.session, ((lesson.source_type, lesson.source_id) for lesson in page.items))
    lessons = [lesson for lesson in page.items if permissions.can_view_lesson(current_user, lesson)]
    form = LessonFilterForm(formdata=request.args)
    form.theme.choices = theme_filter_choices(list_themes(db.session))
    form.province.choices = province_filter_choices()
    form.category.choices = choices(
        [("", "All categories")] + [(value, kind.label) for value, kind in CATEGORIES.items()]
    )
    form.year.choices = choices(
        [("", "Any year")] + [(str(y), str(y)) for y in queries.lesson_years(db.session)]
    )
    form.stage.choices = choices([("", "All stages")] + [(s.value, s.label) for s in LessonStage])
    return render_template(
        "lessons/list.html", page=page, lessons=lessons, form=form, filters=filters
    )


@blueprint.route("/lessons/<int:lesson_id>")
def show_lesson(lesson_id: int):
    lesson = _get_visible_lesson_or_404(lesson_id)
    source = lesson.source
    return render_template(
        "lessons/show.html",
        lesson=lesson,
        source=source if source is not None and source.can_view(current_user) else None,
        promote_form=PromoteLessonForm(version=str(lesson.version)),
        action_form=LessonActionForm(version=str(lesson.version)),
    )


def _theme_choices() -> list[Theme]:
    return list_themes(db.session)


def _chosen_themes(form: LessonForm, themes: list[Theme]) -> list[Theme]:
    wanted = set(form.themes.data or [])
    return [theme for theme in themes if theme.slug in wanted]


def _fill_choices(form: LessonForm, themes: list[Theme]) -> None:
    form.themes.choices = choices([(t.slug, t.name) for t in themes])


def _requested_source() -> LessonSource | None:
    text = request.values.get("source")
    if not text:
        return None
    key = parse_source_key(text)
    source = load_source(db.session, *key) if key else None
    if source is None:
        abort(404)
    if not permissions.can_add_lesson_to_source(current_user, source):
        abort(403)
    return source


@blueprint.route("/lessons/new", methods=["GET", "POST"])
@login_required
def create_lesson():
    if not permissions.can_create_lesson(current_user):
        abort(403)
    source = _requested_source()
    themes = _theme_choices()
    form = LessonForm()
    _fill_choices(form, themes)
    is_admin = bool(getattr(current_user, "is_admin", False))
    if is_admin:
        form.organisation.choices = choices(organisation_choices(db.session))
        if request.method == "GET" and current_user.organisation is not None:
            form.organisation.data = current_user.organisation.code
    else:
        # Members write for their own organisation: the field is not shown or read.
        del form.organisation
    if form.validate_on_submit():
        organisation = (
            get_organisation_by_code(db.session, form.organisation.data or "")
            if is_admin
            else current_user.organisation
        )
        with committing(form) as call:
            lesson = services.create_lesson(
                db.session,
                current_user,
                title=form.title.data,
                driving_event=form.driving_event.data,
                lesson=form.lesson.data,
                recommendation=form.recommendation.data or "",
                evidence=form.evidence.data or "",
                applies_to=form.applies_to.data or "",
                themes=_chosen_themes(form, themes),
                organisation=organisation,
                source=(source.source_type, source.obj.id) if source else None,
            )
        if call.succeeded:
            flash(f"The lesson “{lesson.title}” is saved as an observation.", "success")
            return redirect(url_for("lessons.show_lesson", lesson_id=lesson.id))
    return render_template(
        "lessons/edit.html",
        form=form,
        lesson=None,
        source=source,
        source_key=source_key(source.source_type, source.obj.id) if source else "",
    )


@blueprint.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@login_required
def edit_lesson(lesson_id: int):
    lesson = _get_visible_lesson_or_404(lesson_id)
    if not permissions.can_edit_lesson(current_user, lesson):
        abort(403)
    themes = _theme_choices()
    form = LessonForm(obj=lesson if request.method == "GET" else None)
    _fill_choices(form, themes)
    del form.organisation
    if request.method == "GET":
        form.version.data = str(lesson.version)
        form.themes.data = [theme.slug for theme in lesson.themes]
    if form.validate_on_submit():
        with committing(form, stale_message=STALE_LESSON_EDIT) as call:
            services.update_lesson(
                db.session,
                current_user,
                lesson,
                expected_version=submitted_version(form),
                title=form.title.data,
                driving_event=form.driving_event.data,
                lesson_text=form.lesson.data,
                recommendation=form.recommendation.data or "",
                evidence=form.evidence.data or "",
                applies_to=form.applies_to.data or "",
                themes=_chosen_themes(form, themes),
            )
        if call.succeeded:
            flash("The lesson is saved.", "success")
            return redirect(url_for("lessons.show_lesson", lesson_id=lesson.id))
        # A refused save leaves the form ready to save against the version now stored.
        form.version.data = str(lesson.version)
    return render_template(
        "lessons/edit.html", form=form, lesson=lesson, source=lesson.source, source_key=""
    )


def _overtaken_message(done: str | None) -> str:
    """Say why a lesson's button did nothing: what was `done` to it meanwhile, if that is known."""
    if done:
        return f"This lesson was already {done}. Here it is as it is now."
    return (
        "This lesson was changed by someone else meanwhile, so nothing was done. "
        "Here it is as it is now."
    )


def _version_of(form: PromoteLessonForm | LessonActionForm) -> int | None:
    # A form without a version (not from the Hub's own page) is checked only by the version column.
    return submitted_version(form) if form.version.data else None


@blueprint.route("/lessons/<int:lesson_id>/promote", methods=["POST"])
@login_required
def promote_lesson(lesson_id: int):
    lesson = _get_visible_lesson_or_404(lesson_id)
    form = PromoteLessonForm()
    if not form.validate_on_submit():
        abort(400)
    if not permissions.can_promote_lesson(current_user, lesson) and lesson.stage.next is not None:
        abort(403)
    stage = form.stage.data

    def overtaken() -> str:
        # Called after the rollback, so the lesson reads as it now is.
        if lesson.stage.value == stage:
            return _overtaken_message(f"promoted to {lesson.stage.label.lower()}")
        return _overtaken_message(None)

    with committing(stale_message=overtaken) as call:
        if stage not in LessonStage._value2member_map_:
            raise ValidationError("Choose the stage to promote the lesson to.")
        services.promote_lesson(
            db.session,
            current_user,
            lesson,
            LessonStage(stage),
            expected_version=_version_of(form),
        )
    if call.succeeded:
        flash(f"The lesson is now a {lesson.stage.label.lower()}.", "success")
    return redirect(url_for("lessons.show_lesson", lesson_id=lesson_id))


@blueprint.route("/lessons/<int:lesson_id>/publish", methods=["POST"])
@login_required
def publish_lesson(lesson_id: int):
    lesson = _get_visible_lesson_or_404(lesson_id)
    form = LessonActionForm()
    if not form.validate_on_submit():
        abort(400)

    def overtaken() -> str:
        published = lesson.status is LessonStatus.PUBLISHED
        return _overtaken_message("published" if published else None)

    with committing(stale_message=overtaken) as call:
        services.publish_lesson(
            db.session, current_user, lesson, expected_version=_version_of(form)
        )
    if call.succeeded:
        flash("The lesson is published: everyone can read it.", "success")
    return redirect(url_for("lessons.show_lesson", lesson_id=lesson_id))
