"""The "adapted here" form: another organisation records that it reused a case study."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kmrg.casestudies import adaptation_services, blueprint, permissions, queries
from kmrg.casestudies.forms import AdaptationForm
from kmrg.extensions import db
from kmrg.service_calls import committing


@blueprint.route("/case-studies/<slug>/adaptations", methods=["GET", "POST"])
@login_required
def record_adaptation(slug: str):
    case_study = queries.get_case_study_by_slug(db.session, slug)
    # Unpublished work is not acknowledged to people who may not see it.
    if case_study is None or not permissions.can_view_case_study(current_user, case_study):
        abort(404)
    back = url_for("casestudies.show_case_study", slug=case_study.slug)
    form = AdaptationForm()
    if form.validate_on_submit():
        with committing(form) as call:
            adaptation_services.record_adaptation(
                db.session,
                current_user,
                case_study,
                what_changed=form.what_changed.data,
                what_happened=form.what_happened.data,
            )
        if call.succeeded:
            flash(f"Thank you: {current_user.organisation.name}'s reuse is recorded.", "success")
            return redirect(back)
        if form.form_errors:
            # Refused as a whole (their own organisation's case study): nothing to correct here.
            flash(" ".join(form.form_errors), "error")
            return redirect(back)
    elif request.method == "GET" and not permissions.can_record_adaptation(
        current_user, case_study
    ):
        abort(403)
    return render_template(
        "casestudies/record_adaptation.html", form=form, case_study=case_study, back=back
    )
