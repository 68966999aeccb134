"""The organisations in the network, and the administrators' pages that maintain them."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, func, or_, select

from kmrg.auth.models import Role
from kmrg.auth.queries import visible_people_of_organisation
from kmrg.extensions import db
from kmrg.forms import submitted_version
from kmrg.inputs import page_number
from kmrg.organisations import blueprint, permissions, services
from kmrg.organisations.forms import (
    OrganisationActionForm,
    OrganisationCreateForm,
    OrganisationEditForm,
    OrganisationFilterForm,
    OrganisationSearchForm,
)
from kmrg.organisations.models import (
    MUNICIPAL_KINDS,
    Organisation,
    OrganisationKind,
    Province,
)
from kmrg.organisations.queries import (
    count_by_kind,
    get_organisation_by_code,
    organisations_by_province,
)
from kmrg.organisations.sections import sections_for
from kmrg.service_calls import committing

NATIONAL = "national"
PER_PAGE = 50


def _get_organisation_or_404(code: str) -> Organisation:
    organisation = get_organisation_by_code(db.session, code)
    if organisation is None:
        abort(404)
    return organisation


def _require_manager() -> None:
    if not permissions.can_manage_organisations(current_user):
        abort(403)


def _province_group(value: str) -> str | None:
    """Return the group name organisations_by_province uses for a ?province= value."""
    if value == NATIONAL:
        return "National"
    return Province(value).label if value in Province._value2member_map_ else None


@blueprint.route("/organisations/")
def list_organisations():
    province = request.args.get("province", "")
    kind = request.args.get("kind", "")
    province_name = _province_group(province)
    chosen_kind = OrganisationKind(kind) if kind in OrganisationKind._value2member_map_ else None
    grouped = organisations_by_province(db.session)
    if province_name:
        grouped = {name: kinds for name, kinds in grouped.items() if name == province_name}
    if chosen_kind:
        grouped = {
            name: {chosen_kind: kinds[chosen_kind]}
            for name, kinds in grouped.items()
            if chosen_kind in kinds
        }
    counts = count_by_kind(db.session)
    form = OrganisationFilterForm(formdata=request.args)
    form.province.choices = (
        [("", "All provinces")] + [(p.value, p.label) for p in Province] + [(NATIONAL, "National")]
    )
    form.kind.choices = [("", "All kinds")] + [(k.value, k.label) for k in OrganisationKind]
    return render_template(
        "organisations/list.html",
        grouped=grouped,
        form=form,
        is_filtered=bool(province_name or chosen_kind),
        counts=counts,
        partner_count=sum(n for k, n in counts.items() if k not in MUNICIPAL_KINDS),
        Kind=OrganisationKind,
    )


@blueprint.route("/organisations/<code>")
def show_organisation(code: str):
    organisation = _get_organisation_or_404(code)
    people = visible_people_of_organisation(db.session, organisation, current_user)
    # Champions first: they are who a visitor from another municipality should contact.
    people.sort(key=lambda person: person.role is not Role.CHAMPION)
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        people=people,
        sections=sections_for(current_app, db.session, current_user, organisation),
        action_form=OrganisationActionForm(),
        Kind=OrganisationKind,
    )


def _admin_organisations_query(text: str) -> Select[tuple[Organisation]]:
    query = select(Organisation).order_by(func.lower(Organisation.name), Organisation.code)
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(or_(Organisation.name.ilike(pattern), Organisation.code.ilike(pattern)))
    return query


@blueprint.route("/admin/organisations/")
@login_required
def admin_list_organisations():
    _require_manager()
    form = OrganisationSearchForm(formdata=request.args)
    text = " ".join((form.q.data or "").split())[:100]
    page = db.paginate(
        _admin_organisations_query(text), page=page_number(), per_page=PER_PAGE, error_out=False
    )
    return render_template("organisations/admin/list.html", page=page, form=form, q=text)


def _fill_create_choices(form: OrganisationCreateForm) -> None:
    form.kind.choices = [(k.value, k.label) for k in OrganisationKind]
    form.province.choices = [("", "None (national)")] + [(p.value, p.label) for p in Province]
    districts = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.DISTRICT, Organisation.is_retired.is_(False))
        .order_by(func.lower(Organisation.name))
    )
    form.district.choices = [("", "None")] + [(d.code, f"{d.name} ({d.code})") for d in districts]


@blueprint.route("/admin/organisations/new", methods=["GET", "POST"])
@login_required
def create_organisation():
    _require_manager()
    form = OrganisationCreateForm()
    _fill_create_choices(form)
    if form.validate_on_submit():
        district = (
            get_organisation_by_code(db.session, form.district.data)
            if (form.district.data)
            else None
        )
        with committing(form) as call:
            organisation = services.create_organisation(
                db.session,
                current_user,
                code=form.code.data,
                name=form.name.data,
                kind=OrganisationKind(form.kind.data),
                province=Province(form.province.data) if form.province.data else None,
                district=district,
            )
        if call.succeeded:
            flash(f"{organisation.name} ({organisation.code}) is added.", "success")
            return redirect(url_for("organisations.show_organisation", code=organisation.code))
    return render_template("organisations/admin/create.html", form=form)


def _stale_rename(organisation: Organisation) -> str:
    return (
        "Someone changed this organisation since you opened the page; nothing was saved. "
        f"It is now called “{organisation.name}”. Your name is kept below: save again "
        "to replace it."
    )


@blueprint.route("/admin/organisations/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_organisation(code: str):
    _require_manager()
    organisation = _get_organisation_or_404(code)
    form = OrganisationEditForm(obj=organisation if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(organisation.version)
    if form.validate_on_submit():
        with committing(form, stale_message=lambda: _stale_rename(organisation)) as call:
            services.rename_organisation(
                db.session, current_user, organisation, form.name.data, submitted_version(form)
            )
        if call.succeeded:
            flash(f"{organisation.name} is saved.", "success")
            return redirect(url_for("organisations.show_organisation", code=organisation.code))
        if call.stale:
            form.version.data = str(organisation.version)
    return render_template(
        "organisations/admin/edit.html",
        form=form,
        organisation=organisation,
        action_form=OrganisationActionForm(),
    )


def _set_retired(code: str, retired: bool):
    _require_manager()
    organisation = _get_organisation_or_404(code)
    if not OrganisationActionForm().validate_on_submit():
        abort(400)
    with committing() as call:
        services.set_organisation_retired(db.session, current_user, organisation, retired)
    if call.succeeded:
        if retired:
            flash(f"{organisation.name} is retired: it is no longer offered in lists.", "success")
        else:
            flash(f"{organisation.name} is restored.", "success")
    return redirect(url_for("organisations.show_organisation", code=organisation.code))


@blueprint.route("/admin/organisations/<code>/retire", methods=["POST"])
@login_required
def retire_organisation(code: str):
    return _set_retired(code, True)


@blueprint.route("/admin/organisations/<code>/restore", methods=["POST"])
@login_required
def restore_organisation(code: str):
    return _set_retired(code, False)
