"""Administrators and champions manage accounts: approve, disable, roles, organisations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.auth import blueprint, permissions, services
from kmrg.auth.forms import ApproveUserForm, UserOrganisationForm, UserRoleForm, UserStatusForm
from kmrg.auth.models import AccountStatus, Role, User
from kmrg.auth.queries import pending_applications_for, users_query
from kmrg.extensions import db
from kmrg.forms import choices
from kmrg.inputs import page_number
from kmrg.organisations.queries import get_organisation_by_code, organisation_choices
from kmrg.service_calls import committing


def _get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@blueprint.route("/admin/users/")
@login_required
def list_users():
    if not permissions.can_manage_users(current_user):
        abort(403)
    status = request.args.get("status") or None
    role = request.args.get("role") or None
    text = (request.args.get("q") or "").strip()[:100]
    query = users_query(
        status=AccountStatus(status) if status in AccountStatus._value2member_map_ else None,
        role=Role(role) if role in Role._value2member_map_ else None,
        text=text or None,
    )
    page = db.paginate(query, page=page_number(), per_page=50, error_out=False)
    return render_template(
        "auth/admin/users.html",
        page=page,
        status=status,
        role=role,
        q=text,
        statuses=list(AccountStatus),
        roles=list(Role),
    )


@blueprint.route("/admin/users/pending")
@login_required
def list_applications():
    if not permissions.can_review_applications(current_user):
        abort(403)
    applicants = pending_applications_for(db.session, current_user)
    return render_template(
        "auth/admin/applications.html", applicants=applicants, approve_form=ApproveUserForm()
    )


@blueprint.route("/admin/users/<int:user_id>")
@login_required
def show_user(user_id: int):
    user = _get_user_or_404(user_id)
    if not (
        permissions.can_manage_users(current_user)
        or permissions.can_approve_user(current_user, user)
    ):
        abort(403)
    role_form = UserRoleForm(role=user.role.value)
    organisation_form = UserOrganisationForm(
        organisation=user.organisation.code if user.organisation else ""
    )
    organisation_form.organisation.choices = choices(
        [("", "— none —"), *organisation_choices(db.session)]
    )
    return render_template(
        "auth/admin/user.html",
        user=user,
        role_form=role_form,
        organisation_form=organisation_form,
        status_form=UserStatusForm(),
        approve_form=ApproveUserForm(),
    )


def _run(action, user: User, success: str):
    """Apply a service action, commit once, and report the outcome on the user's page."""
    with committing() as call:
        action()
    if call.succeeded:
        flash(success, "success")
    return redirect(
        (request.form.get("back") and url_for("auth.list_applications"))
        or url_for("auth.show_user", user_id=user.id)
    )


@blueprint.route("/admin/users/<int:user_id>/approve", methods=["POST"])
@login_required
def approve_user(user_id: int):
    user = _get_user_or_404(user_id)
    if not ApproveUserForm().validate_on_submit():
        abort(400)
    return _run(
        lambda: services.approve_user(db.session, current_user, user),
        user,
        f"{user.name}'s account is approved and they have been told by e-mail.",
    )


@blueprint.route("/admin/users/<int:user_id>/disable", methods=["POST"])
@login_required
def disable_user(user_id: int):
    user = _get_user_or_404(user_id)
    if not UserStatusForm().validate_on_submit():
        abort(400)
    return _run(
        lambda: services.disable_user(db.session, current_user, user),
        user,
        f"{user.name}'s account is disabled and signed out everywhere.",
    )


@blueprint.route("/admin/users/<int:user_id>/enable", methods=["POST"])
@login_required
def enable_user(user_id: int):
    user = _get_user_or_404(user_id)
    if not UserStatusForm().validate_on_submit():
        abort(400)
    return _run(
        lambda: services.enable_user(db.session, current_user, user),
        user,
        f"{user.name}'s account is active again.",
    )


@blueprint.route("/admin/users/<int:user_id>/role", methods=["POST"])
@login_required
def change_user_role(user_id: int):
    user = _get_user_or_404(user_id)
    form = UserRoleForm()
    if not form.validate_on_submit():
        abort(400)
    role = Role(form.role.data)
    return _run(
        lambda: services.change_role(db.session, current_user, user, role),
        user,
        f"{user.name} is now {role.label}.",
    )


@blueprint.route("/admin/users/<int:user_id>/organisation", methods=["POST"])
@login_required
def assign_user_organisation(user_id: int):
    user = _get_user_or_404(user_id)
    form = UserOrganisationForm()
    form.organisation.choices = choices([("", ""), *organisation_choices(db.session)])
    if not form.validate_on_submit():
        abort(400)
    organisation = (
        get_organisation_by_code(db.session, form.organisation.data)
        if form.organisation.data
        else None
    )
    return _run(
        lambda: services.assign_organisation(db.session, current_user, user, organisation),
        user,
        f"{user.name}'s organisation is updated.",
    )
