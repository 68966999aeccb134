"""Action item pages: record, show, edit, note progress, close by a record; the open actions.

The meeting page shows its actions and the series' earlier open ones (carried forward) in
templates/events/_actions.html, from the `actions_panel` this module adds to its context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from kmrg.auth.models import User
from kmrg.auth.people import describe_person
from kmrg.auth.permissions import can_view_profile
from kmrg.events import action_queries, actions, blueprint, fulfilment, permissions
from kmrg.events.forms import ActionFilterForm, ActionForm, FulfilmentForm, ProgressForm
from kmrg.events.models import ActionItem, ActionStatus, Meeting
from kmrg.events.queries import get_series_by_slug
from kmrg.events.views.meetings import get_meeting_or_404, meeting_page_context
from kmrg.exceptions import ValidationError
from kmrg.extensions import db
from kmrg.forms import apply_validation_error, choices, submitted_version
from kmrg.inputs import MAX_ID, bounded_int, page_number
from kmrg.localtime import local_today
from kmrg.organisations.queries import organisation_label
from kmrg.search.queries import SearchRequest, search_site
from kmrg.service_calls import committing

PER_PAGE = 25
SEARCH_RESULTS_SHOWN = 10
STALE_ACTION_EDIT = (
    "Someone changed this action after you opened it, so your changes were NOT saved. Your text "
    "is kept below: check the action as it is now, then save again."
)
STALE_PROGRESS = (
    "Someone changed this action's status after you opened it, so nothing was saved. Here it is "
    "now; your note is kept below."
)


@dataclass(frozen=True)
class ActionRow:
    """An action as a list shows it, with whether it is overdue."""

    action: ActionItem
    is_overdue: bool


@dataclass(frozen=True)
class ActionPanel:
    """What the meeting page shows of actions: its own, and the series' earlier open ones."""

    own: list[ActionRow]
    carried: list[ActionRow]
    can_record: bool


def _rows(found: list[ActionItem]) -> list[ActionRow]:
    today = local_today()
    return [ActionRow(a, action_queries.is_overdue(a, today)) for a in found]


@meeting_page_context
def _meeting_page_actions(meeting: Meeting) -> dict[str, Any]:
    return {
        "actions_panel": ActionPanel(
            own=_rows(action_queries.meeting_actions(db.session, meeting)),
            carried=_rows(
                action_queries.carried_forward_actions(db.session, current_user, meeting)
            ),
            can_record=permissions.can_record_outcomes(current_user, meeting),
        )
    }


def _action_or_404(action_id: int) -> ActionItem:
    action = action_queries.get_action(db.session, action_id)
    # An action of a meeting the viewer may not see is not acknowledged at all.
    if action is None or not permissions.can_view_action(current_user, action):
        abort(404)
    return action


# The open actions across every series.


@blueprint.route("/actions/")
def list_actions():
    form = ActionFilterForm(formdata=request.args)
    filters = _filters_from(form)
    page = db.paginate(
        action_queries.open_actions(current_user, filters),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    owners = action_queries.owner_choices(db.session, current_user)
    form.owner.choices = choices([("", "Anyone"), *((str(u.id), u.name) for u in owners)])
    form.organisation.choices = choices(
        [
            ("", "Any organisation"),
            *(
                (str(o.id), o.name)
                for o in action_queries.organisation_choices(db.session, current_user)
            ),
        ]
    )
    form.series.choices = choices(
        [
            ("", "Every series"),
            *((s.slug, s.title) for s in action_queries.series_choices(db.session, current_user)),
        ]
    )
    return render_template(
        "events/actions.html",
        page=page,
        rows=_rows(list(page.items)),
        form=form,
        filters=filters,
        own_filter=(
            {"owner": current_user.id} if getattr(current_user, "is_authenticated", False) else None
        ),
    )


def _filters_from(form: ActionFilterForm) -> action_queries.ActionFilters:
    owner_id = bounded_int(form.owner.data, 1, MAX_ID)
    if owner_id is not None:
        owner = db.session.get(User, owner_id)
        # Narrowing to a person the viewer may not see by name would say what they own.
        if owner is None or not can_view_profile(current_user, owner):
            owner_id = None
    series = get_series_by_slug(db.session, form.series.data) if form.series.data else None
    return action_queries.ActionFilters(
        owner_id=owner_id,
        organisation_id=bounded_int(form.organisation.data, 1, MAX_ID),
        series_id=series.id if series is not None else None,
    )


# Recording and editing.


def _owner_value(action: ActionItem) -> str:
    if action.owner_user_id is not None:
        return f"person:{action.owner_user_id}"
    if action.owner_organisation_id is not None:
        return f"organisation:{action.owner_organisation_id}"
    return ""


def _prepare_owner_choices(form: ActionForm, action: ActionItem | None) -> None:
    people, organisations = action_queries.owner_options(db.session, current_user)
    options = [SelectChoice("", "Choose a person or an organisation")]
    options += [
        SelectChoice(
            f"person:{p.id}",
            f"{p.name}, {p.organisation.name}" if p.organisation else p.name,
            optgroup="People",
        )
        for p in people
    ]
    options += [
        SelectChoice(f"organisation:{o.id}", organisation_label(o), optgroup="Organisations")
        for o in organisations
    ]
    current = _owner_value(action) if action is not None else ""
    if current and current not in {option.value for option in options}:
        # The owner stays choosable even where the editor may not see them by name (POPIA).
        shown = describe_person(current_user, action.owner_user).text if action.owner_user else ""
        label = f"{shown or 'The current organisation'} (the current owner)"
        options.insert(1, SelectChoice(current, label))
    form.owner.choices = options


def _data_from(form: ActionForm) -> actions.ActionData:
    kind, _, number = (form.owner.data or "").partition(":")
    owner_id = bounded_int(number, 1, MAX_ID)
    if owner_id is None or kind not in ("person", "organisation"):
        raise ValidationError("Choose who owns the action from the list.", "owner")
    return actions.ActionData(
        description=form.description.data or "",
        owner_user_id=owner_id if kind == "person" else None,
        owner_organisation_id=owner_id if kind == "organisation" else None,
        due_on=form.due_on.data,
    )


@blueprint.route("/<slug>/actions/new", methods=["GET", "POST"])
@login_required
def create_action(slug: str):
    meeting = get_meeting_or_404(slug)
    if not permissions.can_record_outcomes(current_user, meeting):
        abort(403)
    form = ActionForm()
    _prepare_owner_choices(form, None)
    if form.validate_on_submit():
        with committing(form) as call:
            action = actions.record_action(db.session, current_user, meeting, _data_from(form))
        if call.succeeded:
            flash("The action is recorded.", "success")
            return redirect(url_for("events.show_action", action_id=action.id))
    return render_template("events/action_form.html", form=form, meeting=meeting, action=None)


@blueprint.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(action_id: int):
    action = _action_or_404(action_id)
    if not permissions.can_edit_action(current_user, action):
        abort(403)
    form = ActionForm(obj=action if request.method == "GET" else None)
    _prepare_owner_choices(form, action)
    if request.method == "GET":
        form.owner.data = _owner_value(action)
        form.version.data = str(action.version)
    if form.validate_on_submit():
        with committing(form, stale_message=STALE_ACTION_EDIT) as call:
            actions.edit_action(
                db.session,
                current_user,
                action,
                _data_from(form),
                expected_version=submitted_version(form),
            )
        if call.succeeded:
            flash("The action is saved.", "success")
            return redirect(url_for("events.show_action", action_id=action.id))
        # A refused save leaves the form ready to save against the version now stored.
        form.version.data = str(action.version)
    return render_template(
        "events/action_form.html", form=form, meeting=action.meeting, action=action
    )


# One action: its history, progress, and closing it by what fulfils it.


def _progress_form(action: ActionItem, formdata: Any = None) -> ProgressForm:
    form = ProgressForm(formdata=formdata)
    moves = actions.STATUS_MOVES[action.status]
    form.status.choices = choices(
        [("", f"Keep it {action.status.label.lower()}"), *((s.value, s.label) for s in moves)]
    )
    if formdata is None:
        form.version.data = str(action.version)
    return form


def _render_action(action: ActionItem, progress: ProgressForm | None = None) -> str:
    return render_template(
        "events/action.html",
        action=action,
        row=_rows([action])[0],
        fulfilled_by=fulfilment.fulfilment_of(db.session, current_user, action),
        progress_form=progress or _progress_form(action),
    )


@blueprint.route("/actions/<int:action_id>")
def show_action(action_id: int):
    return _render_action(_action_or_404(action_id))


@blueprint.route("/actions/<int:action_id>/progress", methods=["POST"])
@login_required
def update_action(action_id: int):
    action = _action_or_404(action_id)
    if not permissions.can_update_action(current_user, action):
        abort(403)
    form = _progress_form(action, request.form)
    status = form.status.data or ""
    if status and status not in ActionStatus._value2member_map_:
        form.status.errors = ["Choose a status from the list."]
    elif form.validate_on_submit():
        with committing(form, stale_message=STALE_PROGRESS) as call:
            actions.note_progress(
                db.session,
                current_user,
                action,
                note=form.note.data or "",
                status=ActionStatus(status) if status else None,
                expected_version=submitted_version(form),
            )
        if call.succeeded:
            flash("Progress is recorded.", "success")
            return redirect(url_for("events.show_action", action_id=action.id))
        action = _action_or_404(action_id)
        form.status.choices = _progress_form(action).status.choices
        form.version.data = str(action.version)
    return _render_action(action, form)


@blueprint.route("/actions/<int:action_id>/close", methods=["GET", "POST"])
@login_required
def close_action(action_id: int):
    action = _action_or_404(action_id)
    if not permissions.can_update_action(current_user, action):
        abort(403)
    query = (request.args.get("q") or "").strip()[:200]
    results = _search_results(query)
    form = FulfilmentForm()
    form.annexure.choices = choices(
        [
            ("", "None"),
            *(
                (f"{found.ref.type}:{found.ref.id}", found.title)
                for found in fulfilment.annexure_choices(db.session, current_user, action.meeting)
            ),
        ]
    )
    form.chosen.choices = choices((r.url, f"{r.type_label}: {r.title}") for r in results)
    if request.method == "GET":
        form.version.data = str(action.version)
    if form.validate_on_submit() and (ref := _chosen_record(form)) is not None:
        with committing(form, stale_message=actions.STALE_ACTION) as call:
            found = actions.close_with_record(
                db.session,
                current_user,
                action,
                ref,
                note=form.note.data or "",
                expected_version=submitted_version(form),
            )
        if call.succeeded:
            flash(f"The action is done, fulfilled by “{found.title}”.", "success")
            return redirect(url_for("events.show_action", action_id=action.id))
        form.version.data = str(action.version)
    return render_template(
        "events/action_close.html", form=form, action=action, query=query, results=results
    )


def _search_results(query: str) -> list[Any]:
    if not query:
        return []
    page = search_site(
        db.session, current_user, SearchRequest(text=query, per_page=SEARCH_RESULTS_SHOWN)
    )
    return page.results


def _chosen_record(form: FulfilmentForm) -> fulfilment.RecordRef | None:
    """Read the one record the form names, or put why not beside the form and return None."""
    given = [name for name in ("annexure", "address", "chosen") if (getattr(form, name).data or "")]
    if len(given) != 1:
        form.form_errors.append(
            "Choose one record: an annexure, the address of a Hub page, or a search result."
        )
        return None
    if given == ["annexure"]:
        kind, _, number = form.annexure.data.partition(":")
        record_id = bounded_int(number, 1, MAX_ID)
        if kind == fulfilment.ATTACHMENT and record_id is not None:
            return fulfilment.RecordRef(kind, record_id)
        form.form_errors.append("Choose an annexure from the list.")
        return None
    field = form.address if given == ["address"] else form.chosen
    ref = fulfilment.ref_from_address(db.session, field.data)
    if ref is None:
        apply_validation_error(
            form,
            ValidationError(
                "That is not the address of a case study, lesson, file or other record on this "
                "Hub. Open the record and copy the address from the address bar.",
                field.name,
            ),
        )
    return ref
