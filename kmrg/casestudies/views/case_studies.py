"""Case study pages: list, feed, detail, drafting, history, and the review workflow."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.auth.people import describe_person
from kmrg.casestudies import (
    attachments,
    blueprint,
    notices,
    owners,
    permissions,
    queries,
    services,
)
from kmrg.casestudies.diff import diff_revisions
from kmrg.casestudies.feed import build_feed
from kmrg.casestudies.forms import CaseStudyActionForm, CaseStudyForm, ReturnForm
from kmrg.casestudies.lesson_source import SOURCE_TYPE as LESSON_SOURCE_TYPE
from kmrg.casestudies.models import SECTIONS, CaseStudy, CaseStudyStatus
from kmrg.exceptions import ValidationError
from kmrg.extensions import db
from kmrg.forms import apply_validation_error, choices, submitted_version
from kmrg.inputs import MAX_ID, bounded_int, page_number
from kmrg.lessons import queries as lesson_queries
from kmrg.organisations.models import Province
from kmrg.service_calls import committing
from kmrg.themes.queries import list_themes
from kmrg.urls import external_url

STALE_CASE_STUDY_EDIT = (
    "Someone else saved this case study after you opened it, so your changes were NOT saved. "
    "Your text is kept below. Open the history in a new tab to see what they changed, then save "
    "again to replace their version with yours."
)
PER_PAGE = 20


def _get_case_study_or_404(slug: str) -> CaseStudy:
    case_study = queries.get_case_study_by_slug(db.session, slug)
    # Unpublished work is not acknowledged to people who may not see it.
    if case_study is None or not permissions.can_view_case_study(current_user, case_study):
        abort(404)
    return case_study


def _filters_from_request() -> queries.CaseStudyFilters:
    args = request.args
    province = args.get("province", "")
    status = args.get("status", "")
    year = args.get("year", "")
    sort = args.get("sort", "newest")
    return queries.CaseStudyFilters(
        theme=args.get("theme") or None,
        province=Province(province) if province in Province._value2member_map_ else None,
        category=args.get("category") if args.get("category") in queries.CATEGORIES else None,
        organisation=args.get("organisation") or None,
        year=bounded_int(year, 1000, 9999),
        status=(
            CaseStudyStatus(status)
            if status in CaseStudyStatus._value2member_map_
            and permissions.can_view_unpublished(current_user)
            else None
        ),
        sort=sort if sort in queries.SORTS else "newest",
    )


@blueprint.route("/case-studies/")
def list_case_studies():
    filters = _filters_from_request()
    page = db.paginate(
        queries.case_studies_query(current_user, filters),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "casestudies/list.html",
        page=page,
        filters=filters,
        themes=list_themes(db.session),
        provinces=list(Province),
        categories=queries.CATEGORIES,
        organisations=queries.organisations_with_case_studies(db.session, current_user),
        years=queries.years_with_case_studies(db.session),
        statuses=list(CaseStudyStatus) if permissions.can_view_unpublished(current_user) else [],
        sorts=queries.SORTS,
    )


@blueprint.route("/case-studies/feed.atom")
def feed():
    body = build_feed(queries.feed_case_studies(db.session), external_url)
    return current_app.response_class(body, mimetype="application/atom+xml")


def _prepare_form(form: CaseStudyForm, case_study: CaseStudy | None) -> None:
    kept = {theme.id for theme in case_study.themes} if case_study else set()
    themes = [
        t for t in list_themes(db.session, include_retired=True) if not t.is_retired or t.id in kept
    ]
    form.themes.choices = choices((str(t.id), t.name) for t in themes)
    if permissions.can_choose_any_organisation(current_user):
        form.organisation.choices = choices(
            (str(o_id), label) for o_id, label in queries.organisation_id_choices(db.session)
        )
    else:
        organisation = case_study.organisation if case_study else current_user.organisation
        form.organisation.choices = choices(
            [(str(organisation.id), organisation.name)] if organisation else []
        )
        # Not theirs to choose: whatever was posted, it is their own (or the record's) organisation.
        form.organisation.data = str(organisation.id) if organisation else None


def _owners_from(form: CaseStudyForm) -> list[owners.OwnerEntry] | None:
    """Read the owners field, or put its error beside it and return None.

    Unknown addresses count against the member's look-ups even though the form is refused, so
    that count is committed here, before (and instead of) the case study's own transaction.
    """
    try:
        return owners.parse_owner_lines(db.session, form.owners.data or "", actor=current_user)
    except ValidationError as error:
        # Not committing(): that rolls a refusal back, and these look-ups must count regardless.
        db.session.commit()
        apply_validation_error(form, error)
        return None


def _data_from(
    form: CaseStudyForm, owner_entries: list[owners.OwnerEntry]
) -> services.CaseStudyData:
    organisation = form.organisation.data
    return services.CaseStudyData(
        title=form.title.data or "",
        summary=form.summary.data or "",
        organisation_id=bounded_int(organisation, 1, MAX_ID),
        start_year=form.start_year.data,
        end_year=form.end_year.data,
        period_note=form.period_note.data or "",
        sections={name: getattr(form, name).data or "" for name, _label in SECTIONS},
        links=form.links.data or "",
        theme_ids=[
            theme_id
            for value in form.themes.data or []
            if (theme_id := bounded_int(value, 1, MAX_ID)) is not None
        ],
        owners=owner_entries,
    )


@blueprint.route("/case-studies/new", methods=["GET", "POST"])
@login_required
def create_case_study():
    if not permissions.can_create_case_study(current_user):
        abort(403)
    form = CaseStudyForm()
    _prepare_form(form, None)
    if request.method == "GET" and current_user.organisation_id:
        form.organisation.data = str(current_user.organisation_id)
    if form.validate_on_submit() and (owner_entries := _owners_from(form)) is not None:
        with committing(form) as call:
            case_study = services.create_case_study(
                db.session, current_user, _data_from(form, owner_entries)
            )
            attachments.store_from_form(db.session, current_user, case_study, form)
        if call.succeeded:
            flash(
                f"Your draft “{case_study.title}” is saved. Submit it for review when it is ready.",
                "success",
            )
            return redirect(url_for("casestudies.show_case_study", slug=case_study.slug))
    return render_template(
        "casestudies/edit.html",
        form=form,
        case_study=None,
        sections=SECTIONS,
        attachments_enabled=attachments.is_enabled(),
        files=[],
    )


def _owners_for_display(case_study: CaseStudy) -> tuple[list[Any], int]:
    """Return the owners the viewer may see, and how many Hub people were left out (POPIA)."""
    shown, hidden = [], 0
    for owner in case_study.owners:
        if owner.user is not None and not describe_person(current_user, owner.user).is_named:
            hidden += 1
        elif owner.user is not None or owner.external_name:
            shown.append(owner)
    return shown, hidden


@blueprint.route("/case-studies/<slug>")
def show_case_study(slug: str):
    case_study = _get_case_study_or_404(slug)
    owners, hidden_owners = _owners_for_display(case_study)
    return render_template(
        "casestudies/show.html",
        case_study=case_study,
        sections=SECTIONS,
        owners=owners,
        hidden_owners=hidden_owners,
        files=attachments.files_for(db.session, current_user, case_study),
        action_form=CaseStudyActionForm(version=str(case_study.version)),
        return_form=ReturnForm(version=str(case_study.version)),
        **lesson_queries.source_lessons_context(
            db.session, LESSON_SOURCE_TYPE, case_study.id, current_user
        ),
        **queries.adaptations_context(db.session, case_study),
    )


@blueprint.route("/case-studies/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_case_study(slug: str):
    case_study = _get_case_study_or_404(slug)
    if not permissions.can_edit_case_study(current_user, case_study):
        abort(403)
    form = CaseStudyForm(obj=case_study if request.method == "GET" else None)
    _prepare_form(form, case_study)
    if request.method == "GET":
        form.version.data = str(case_study.version)
        form.organisation.data = str(case_study.organisation_id)
        form.themes.data = [str(theme.id) for theme in case_study.themes]
        form.owners.data = queries.owner_lines(case_study.owners)
    if form.validate_on_submit() and (owner_entries := _owners_from(form)) is not None:
        with committing(form, stale_message=STALE_CASE_STUDY_EDIT) as call:
            changed = services.update_case_study(
                db.session,
                current_user,
                case_study,
                _data_from(form, owner_entries),
                expected_version=submitted_version(form),
            )
            stored = attachments.store_from_form(db.session, current_user, case_study, form)
        if call.succeeded:
            if changed or stored:
                flash(f"“{case_study.title}” is saved.", "success")
            else:
                flash("Nothing had changed, so nothing was saved.", "info")
            return redirect(url_for("casestudies.show_case_study", slug=case_study.slug))
        # A refused save leaves the form ready to save against the version now stored.
        form.version.data = str(case_study.version)
    return render_template(
        "casestudies/edit.html",
        form=form,
        case_study=case_study,
        sections=SECTIONS,
        files=attachments.files_for(db.session, current_user, case_study),
        attachments_enabled=attachments.is_enabled(),
        action_form=CaseStudyActionForm(),
    )


@blueprint.route("/case-studies/<slug>/history")
def show_history(slug: str):
    case_study = _get_case_study_or_404(slug)
    if not permissions.can_view_history(current_user, case_study):
        abort(404)
    revisions = queries.list_revisions(db.session, case_study)
    comparison = None
    older_number = bounded_int(request.args.get("from"), 1, MAX_ID)
    newer_number = bounded_int(request.args.get("to"), 1, MAX_ID)
    if older_number is not None or newer_number is not None:
        older = queries.get_revision(db.session, case_study, older_number or 0)
        newer = queries.get_revision(db.session, case_study, newer_number or 0)
        if older is None or newer is None:
            abort(404)
        comparison = (older, newer, diff_revisions(older, newer))
    return render_template(
        "casestudies/history.html",
        case_study=case_study,
        revisions=revisions,
        comparison=comparison,
    )


# What each workflow step leaves behind, to recognise a step that was already taken.
_ACTION_RESULTS = {
    "submit": (CaseStudyStatus.SUBMITTED, "submitted for review"),
    "publish": (CaseStudyStatus.PUBLISHED, "published"),
    "return": (CaseStudyStatus.DRAFT, "returned to its author"),
    "archive": (CaseStudyStatus.ARCHIVED, "archived"),
}


def _overtaken_message(case_study: CaseStudy, action: str) -> str:
    """Say why a workflow button did nothing, reading the case study as it now is."""
    status, done = _ACTION_RESULTS.get(action, (None, ""))
    if status is not None and case_study.status is status:
        return f"This case study was already {done}. Here it is as it is now."
    return (
        "This case study was changed by someone else meanwhile, so nothing was done. "
        "Here it is as it is now."
    )


def _who_reviews(case_study) -> str:
    _, administrators = notices.reviewers_of(db.session, case_study)
    if not administrators:
        return "Submitted for review. A KM champion of your organisation will review it."
    # Authors never review their own work: with no other champion, the administrators do.
    return (
        "Submitted for review. No other KM champion of your organisation can review it, so "
        "the Hub's administrators will."
    )


def _workflow_action(slug: str, action: str):
    case_study = _get_case_study_or_404(slug)
    form = ReturnForm() if action == "return" else CaseStudyActionForm()
    if not form.validate_on_submit() and action != "return":
        abort(400)
    if action == "return" and form.errors.keys() - {"comments"}:
        abort(400)
    # A form without a version (not from the Hub's own page) is checked only by the version column.
    version = submitted_version(form) if form.version.data else None
    with committing(stale_message=lambda: _overtaken_message(case_study, action)) as call:
        if action == "submit":
            services.submit_case_study(
                db.session, current_user, case_study, expected_version=version
            )
            message = _who_reviews(case_study)
        elif action == "publish":
            services.publish_case_study(
                db.session, current_user, case_study, expected_version=version
            )
            message = "Published: everyone can now read it, and it is in search and the feed."
        elif action == "return":
            services.return_case_study(
                db.session,
                current_user,
                case_study,
                form.comments.data or "",
                expected_version=version,
            )
            message = "Returned to the author with your comments."
        else:
            services.archive_case_study(
                db.session, current_user, case_study, expected_version=version
            )
            message = "Archived: it is no longer public."
    if call.succeeded:
        flash(message, "success")
    if call.stale and not permissions.can_view_case_study(current_user, case_study):
        return redirect(url_for("casestudies.list_case_studies"))
    return redirect(url_for("casestudies.show_case_study", slug=case_study.slug))


@blueprint.route("/case-studies/<slug>/submit", methods=["POST"])
@login_required
def submit_case_study(slug: str):
    return _workflow_action(slug, "submit")


@blueprint.route("/case-studies/<slug>/publish", methods=["POST"])
@login_required
def publish_case_study(slug: str):
    return _workflow_action(slug, "publish")


@blueprint.route("/case-studies/<slug>/return", methods=["POST"])
@login_required
def return_case_study(slug: str):
    return _workflow_action(slug, "return")


@blueprint.route("/case-studies/<slug>/archive", methods=["POST"])
@login_required
def archive_case_study(slug: str):
    return _workflow_action(slug, "archive")
