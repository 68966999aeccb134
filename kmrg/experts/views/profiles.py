"""Expert directory, profile pages, the profile form, and vCards."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.auth.models import ProfileVisibility
from kmrg.experts import blueprint, directory, endorsements, permissions, queries, services
from kmrg.experts.forms import (
    ExpertActionForm,
    ExpertFilterForm,
    ExpertProfileForm,
    ExternalProfileForm,
)
from kmrg.experts.models import (
    AVAILABILITY,
    ContactChannel,
    ContactVisibility,
    ExpertiseLevel,
    ExpertProfile,
    Language,
)
from kmrg.experts.vcard import build_vcard
from kmrg.experts.views.evidence import evidence_context
from kmrg.extensions import db
from kmrg.forms import (
    choices,
    province_filter_choices,
    submitted_version,
    theme_filter_choices,
)
from kmrg.inputs import page_number
from kmrg.organisations.models import Province
from kmrg.organisations.queries import get_organisation_by_code, organisation_choices
from kmrg.service_calls import committing
from kmrg.themes.models import Theme
from kmrg.themes.queries import list_themes
from kmrg.urls import external_url

PER_PAGE = 20
STALE_EDIT = (
    "This profile was changed elsewhere since you opened the page; nothing was saved. Your text "
    "is kept below: check it, then save again."
)
VISIBILITY_LABELS = {
    ProfileVisibility.HIDDEN: "Hidden: only me and the Hub's administrators",
    ProfileVisibility.MEMBERS: "Signed-in members of the Hub",
    ProfileVisibility.PUBLIC: "Everyone, including the public",
}


def _get_visible_profile_or_404(slug: str) -> ExpertProfile:
    profile = queries.get_profile_by_slug(db.session, slug)
    # A profile the viewer may not see does not exist for them.
    if profile is None or not permissions.can_view_expert_profile(current_user, profile):
        abort(404)
    return profile


@blueprint.route("/experts/")
def list_experts():
    args = request.args
    filters = queries.ExpertFilters(
        text=args.get("q", "")[: directory.MAX_TEXT_LENGTH],
        theme=args.get("theme", ""),
        province=args.get("province", ""),
        organisation_type=args.get("organisation_type", ""),
        category=args.get("category", ""),
        language=args.get("language", ""),
        availability=args.get("availability", ""),
    )
    page = directory.search_experts(
        db.session, filters, current_user, page=page_number(), per_page=PER_PAGE
    )
    form = ExpertFilterForm(formdata=args)
    form.theme.choices = theme_filter_choices(list_themes(db.session))
    form.province.choices = province_filter_choices()
    form.organisation_type.choices = choices([("", "Any kind"), *queries.ORGANISATION_TYPES])
    form.category.choices = choices([("", "Any category"), *queries.CATEGORIES])
    form.language.choices = choices([("", "Any language"), *_language_pairs()])
    form.availability.choices = choices([("", "Anything"), *AVAILABILITY])
    own = queries.get_profile_of_user(db.session, getattr(current_user, "id", None))
    return render_template("experts/list.html", page=page, form=form, filters=filters, own=own)


def _language_pairs() -> list[tuple[str, str]]:
    return sorted(((lang.value, lang.label) for lang in Language), key=lambda pair: pair[1])


@blueprint.route("/experts/<slug>")
def show_expert(slug: str):
    profile = _get_visible_profile_or_404(slug)
    return render_template(
        "experts/show.html",
        profile=profile,
        show_email=permissions.can_see_contact(current_user, profile, "email") and profile.email,
        show_phone=permissions.can_see_contact(current_user, profile, "phone") and profile.phone,
        action_form=ExpertActionForm(),
        endorsements=endorsements.visible_endorsements(db.session, profile, current_user),
        endorsements_addressed=permissions.is_addressed_by_endorsements(current_user, profile),
        can_endorse=permissions.can_endorse_expert(current_user, profile)
        and bool(endorsements.endorsable_areas(profile)),
        **evidence_context(profile),
    )


def _fill_choices(form: ExpertProfileForm, themes: list[Theme]) -> None:
    form.province.choices = choices(
        [("", "Not in a province (national)")] + [(p.value, p.label) for p in Province]
    )
    form.languages.choices = choices(_language_pairs())
    form.availability.choices = choices(list(AVAILABILITY))
    form.preferred_channel.choices = choices([(c.value, c.label) for c in ContactChannel])
    form.visibility.choices = choices([(v.value, VISIBILITY_LABELS[v]) for v in ProfileVisibility])
    contact = choices([(c.value, c.label) for c in ContactVisibility])
    form.email_visibility.choices = contact
    form.phone_visibility.choices = list(contact)
    theme_choices = [("", "—")] + [(t.slug, t.name) for t in themes]
    level_choices = [(level.value, level.label) for level in ExpertiseLevel]
    for row in form.expertise:
        row.form.theme.choices = choices(theme_choices)
        row.form.level.choices = choices(level_choices)


def _fill_from_profile(form: ExpertProfileForm, profile: ExpertProfile) -> None:
    form.headline.data = profile.headline
    form.biography.data = profile.biography
    form.province.data = profile.province.value if profile.province else ""
    form.languages.data = [lang.value for lang in profile.languages]
    form.availability.data = [a for a, _ in AVAILABILITY if getattr(profile, a)]
    form.days_per_quarter.data = profile.days_per_quarter
    form.preferred_channel.data = profile.preferred_channel.value
    form.visibility.data = profile.visibility.value
    form.email_visibility.data = profile.email_visibility.value
    form.phone_visibility.data = profile.phone_visibility.value
    form.phone.data = profile.phone
    form.version.data = str(profile.version)
    while len(form.expertise) < min(len(profile.expertise) + 2, 12):
        form.expertise.append_entry()
    for row, expertise in zip(form.expertise, profile.expertise, strict=False):
        row.form.theme.data = expertise.theme.slug if expertise.theme else ""
        row.form.skill.data = expertise.skill or ""
        row.form.level.data = expertise.level.value
    if isinstance(form, ExternalProfileForm):
        form.name.data = profile.external_name
        form.email.data = profile.external_email
        form.job_title.data = profile.external_job_title
        organisation = profile.external_organisation
        form.organisation.data = organisation.code if organisation else ""
        form.consent_note.data = profile.consent_note


def _person(form: ExternalProfileForm) -> services.ExternalPerson:
    return services.ExternalPerson(
        name=form.name.data or "",
        email=form.email.data or "",
        job_title=form.job_title.data or "",
        organisation=get_organisation_by_code(db.session, form.organisation.data or ""),
        consent_note=form.consent_note.data or "",
    )


def _blank_profile_defaults(form: ExpertProfileForm, province: Province | None) -> None:
    # New profiles start closed: the person opens up what they choose.
    form.province.data = province.value if province else ""
    form.visibility.data = ProfileVisibility.HIDDEN.value
    form.email_visibility.data = ContactVisibility.NOBODY.value
    form.phone_visibility.data = ContactVisibility.NOBODY.value
    form.preferred_channel.data = ContactChannel.HUB_MESSAGE.value


def _enum(enum_class: Any, value: str | None, default: Any) -> Any:
    return enum_class(value) if value in enum_class._value2member_map_ else default


def _details(form: ExpertProfileForm, themes: list[Theme]) -> services.ProfileDetails:
    by_slug = {theme.slug: theme for theme in themes}
    expertise = [
        services.ExpertiseEntry(
            level=_enum(ExpertiseLevel, row.form.level.data, ExpertiseLevel.PRACTITIONER),
            theme=by_slug.get(row.form.theme.data or ""),
            skill=row.form.skill.data or "",
        )
        for row in form.expertise
    ]
    return services.ProfileDetails(
        headline=form.headline.data or "",
        biography=form.biography.data or "",
        province=_enum(Province, form.province.data, None),
        languages=[_enum(Language, v, None) for v in form.languages.data or []],
        expertise=expertise,
        availability=list(form.availability.data or []),
        days_per_quarter=form.days_per_quarter.data,
        preferred_channel=_enum(ContactChannel, form.preferred_channel.data, ContactChannel.EMAIL),
        visibility=_enum(ProfileVisibility, form.visibility.data, ProfileVisibility.HIDDEN),
        email_visibility=_enum(
            ContactVisibility, form.email_visibility.data, ContactVisibility.NOBODY
        ),
        phone_visibility=_enum(
            ContactVisibility, form.phone_visibility.data, ContactVisibility.NOBODY
        ),
        phone=form.phone.data or "",
    )


@blueprint.route("/experts/new", methods=["GET", "POST"])
@login_required
def create_expert():
    if not permissions.can_create_expert_profile(current_user):
        abort(403)
    own = queries.get_profile_of_user(db.session, current_user.id)
    if own is not None:
        return redirect(url_for("experts.edit_expert", slug=own.slug))
    themes = list_themes(db.session)
    form = ExpertProfileForm()
    _fill_choices(form, themes)
    if request.method == "GET":
        organisation = current_user.organisation
        _blank_profile_defaults(form, organisation.province if organisation else None)
    if form.validate_on_submit():
        with committing(form) as call:
            profile = services.create_expert_profile(
                db.session, current_user, _details(form, themes)
            )
        if call.succeeded:
            flash("Your expert profile is saved.", "success")
            return redirect(url_for("experts.show_expert", slug=profile.slug))
    return render_template("experts/edit.html", form=form, profile=None)


def _fill_external_choices(form: ExternalProfileForm, themes: list[Theme]) -> None:
    _fill_choices(form, themes)
    form.organisation.choices = choices([("", "— none —"), *organisation_choices(db.session)])


@blueprint.route("/experts/new/external", methods=["GET", "POST"])
@login_required
def create_external_expert():
    if not permissions.can_create_external_profile(current_user):
        abort(403)
    themes = list_themes(db.session)
    form = ExternalProfileForm()
    _fill_external_choices(form, themes)
    if request.method == "GET":
        _blank_profile_defaults(form, None)
    if form.validate_on_submit():
        with committing(form) as call:
            profile = services.create_external_profile(
                db.session, current_user, _person(form), _details(form, themes)
            )
        if call.succeeded:
            flash(f"{profile.name}’s expert profile is saved; you keep it for them.", "success")
            return redirect(url_for("experts.show_expert", slug=profile.slug))
    return render_template("experts/edit.html", form=form, profile=None)


def _save_edit(form: ExpertProfileForm, profile: ExpertProfile, themes: list[Theme]) -> None:
    details = _details(form, themes)
    version = submitted_version(form)
    if isinstance(form, ExternalProfileForm):
        services.update_external_profile(
            db.session, current_user, profile, _person(form), details, expected_version=version
        )
    else:
        services.update_expert_profile(
            db.session, current_user, profile, details, expected_version=version
        )


@blueprint.route("/experts/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_expert(slug: str):
    profile = _get_visible_profile_or_404(slug)
    if not permissions.can_edit_expert_profile(current_user, profile):
        abort(403)
    themes = list_themes(db.session)
    form = ExternalProfileForm() if profile.is_external else ExpertProfileForm()
    if request.method == "GET":
        _fill_from_profile(form, profile)
    if isinstance(form, ExternalProfileForm):
        _fill_external_choices(form, themes)
    else:
        _fill_choices(form, themes)
    if form.validate_on_submit():
        with committing(form, stale_message=STALE_EDIT) as call:
            _save_edit(form, profile, themes)
        if call.succeeded:
            flash("The expert profile is saved.", "success")
            return redirect(url_for("experts.show_expert", slug=profile.slug))
        # After a refused save the form carries the version it can now be saved against.
        form.version.data = str(profile.version)
    return render_template("experts/edit.html", form=form, profile=profile)


@blueprint.route("/experts/<slug>/delete", methods=["GET", "POST"])
@login_required
def delete_expert(slug: str):
    profile = _get_visible_profile_or_404(slug)
    if not permissions.can_delete_expert_profile(current_user, profile):
        abort(403)
    form = ExpertActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        name = profile.name
        with committing() as call:
            services.delete_expert_profile(db.session, current_user, profile)
        if call.succeeded:
            flash(f"{name}’s expert profile is removed.", "success")
        return redirect(url_for("experts.list_experts"))
    return render_template("experts/delete.html", profile=profile, action_form=form)


@blueprint.route("/experts/<slug>/confirm", methods=["POST"])
@login_required
def confirm_expert(slug: str):
    profile = _get_visible_profile_or_404(slug)
    if not ExpertActionForm().validate_on_submit():
        abort(400)
    with committing() as call:
        services.confirm_expert_profile(db.session, current_user, profile)
    if call.succeeded:
        flash("Thank you: your profile is confirmed as current.", "success")
    return redirect(url_for("experts.show_expert", slug=profile.slug))


@blueprint.route("/experts/<slug>.vcf")
def download_vcard(slug: str):
    profile = _get_visible_profile_or_404(slug)
    emails = (
        [profile.email]
        if profile.email and permissions.can_see_contact(current_user, profile, "email")
        else []
    )
    phones = (
        [profile.phone]
        if profile.phone and permissions.can_see_contact(current_user, profile, "phone")
        else []
    )
    # A card without a way to reach the person would only leak the rest of the profile.
    if not emails and not phones:
        abort(404)
    organisation = profile.organisation
    card = build_vcard(
        name=profile.name,
        organisation=organisation.name if organisation else "",
        title=profile.job_title or profile.headline,
        note=profile.headline,
        emails=emails,
        phones=phones,
        url=external_url("experts.show_expert", slug=profile.slug),
    )
    response = Response(card, mimetype="text/vcard")
    response.headers["Content-Disposition"] = f'attachment; filename="{profile.slug}.vcf"'
    # Contact details are personal information: no shared cache keeps them.
    response.headers["Cache-Control"] = "private, no-store"
    return response
