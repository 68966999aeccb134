"""Registration, sign-in, passwords and the person's own account."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    has_request_context,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from kmrg.auth import blueprint, permissions, services, throttling
from kmrg.auth.forms import (
    AccountForm,
    LoginForm,
    LogoutForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    RegistrationForm,
)
from kmrg.auth.models import ProfileVisibility, User
from kmrg.exceptions import ValidationError
from kmrg.extensions import db, limiter
from kmrg.forms import submitted_version
from kmrg.organisations.queries import find_organisation_by_label, organisation_choices
from kmrg.security import safe_next_url
from kmrg.service_calls import committing
from kmrg.urls import external_url

# A sign-in or sign-out writes to the account (its last sign-in, its session token), so it loses
# to an edit of the same account saved a moment before, from another device.
STALE_SIGN_IN = (
    "Your account was changed elsewhere as you signed in, so you are not signed in. Sign in again."
)
STALE_SIGN_OUT = (
    "Your account was changed elsewhere as you signed out, so you are still signed in. "
    "Sign out again."
)
STALE_ACCOUNT_EDIT = (
    "Your account was changed elsewhere since you opened this page. "
    "Your changes were not saved: check them and save again."
)


@blueprint.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegistrationForm()
    if form.validate_on_submit():
        organisation = find_organisation_by_label(db.session, form.organisation.data)
        if organisation is None:
            form.organisation.errors.append(
                "Choose your organisation from the list (name or code, e.g. BUF)."
            )
        else:
            with committing(form) as call:
                # None when the address has an account: its owner is e-mailed instead, and the
                # applicant sees the same page either way.
                services.register_user(
                    db.session,
                    name=form.name.data,
                    email=form.email.data,
                    organisation=organisation,
                    job_title=form.job_title.data or "",
                    password=form.password.data,
                )
            if call.succeeded:
                return render_template("auth/registered.html", organisation=organisation)
    return render_template(
        "auth/register.html", form=form, organisations=organisation_choices(db.session)
    )


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next_url(request.args.get("next")) or ""
    if current_user.is_authenticated:
        return redirect(safe_next_url(form.next.data) or url_for("home.index"))
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr
        # Committed before the password is checked: the attempt counts whatever happens next,
        # and other workers see it at once (the row is not held while scrypt runs).
        with committing():
            attempt = services.start_sign_in(db.session, email, address)
        if not attempt.allowed:
            return _throttled(form, attempt)
        user = services.authenticate(db.session, email, form.password.data)
        if user is None:
            flash("That e-mail address and password do not match an account.", "error")
        else:
            with committing(stale_message=STALE_SIGN_IN) as call:
                services.finish_sign_in(db.session, email, address)
                if user.is_active:
                    services.record_sign_in(db.session, user)
            if call.succeeded and not user.is_active:
                flash(_inactive_message(user.status.value), "error")
            elif call.succeeded:
                login_user(user, remember=form.remember.data)
                flash(f"Welcome, {user.name}.", "success")
                return redirect(safe_next_url(form.next.data) or url_for("home.index"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


def _throttled(form: LoginForm, attempt: throttling.Decision):
    """Say how long to wait, and offer the reset link that lets the owner in at once."""
    response = make_response(
        render_template(
            "auth/login.html",
            form=form,
            throttled=attempt,
            per_account=attempt.scope == throttling.SIGN_IN_PER_ACCOUNT.scope,
        ),
        429,
    )
    response.headers["Retry-After"] = str(attempt.retry_after_seconds)
    return response


def _inactive_message(status: str) -> str:
    if status == "pending":
        return (
            "Your account is waiting for approval by a KM champion of your organisation or "
            "an administrator. You will get an e-mail when it is approved."
        )
    return (
        "This account is disabled. Contact the Hub's administrators if you think it should not be."
    )


def logout_form_context() -> dict[str, object]:
    """Give every page's header its sign-out button's form."""
    # E-mails are rendered outside requests and need no form.
    return {"logout_form": LogoutForm(formdata=None)} if has_request_context() else {}


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    with committing(stale_message=STALE_SIGN_OUT) as call:
        services.end_all_sessions(db.session, current_user)
    if call.succeeded:
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("home.index"))


@blueprint.route("/password/reset", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def request_password_reset():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        with committing(form) as call:
            services.request_password_reset(
                db.session,
                form.email.data,
                current_app.config["SECRET_KEY"],
                lambda token: external_url("auth.reset_password", token=token),
            )
        if call.succeeded:
            return render_template("auth/reset_requested.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form)


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    config = current_app.config
    try:
        services.user_for_reset_token(
            db.session, token, config["SECRET_KEY"], config["PASSWORD_RESET_MAX_AGE"]
        )
    except ValidationError as error:
        flash(error.message, "error")
        return redirect(url_for("auth.request_password_reset"))
    form = PasswordResetForm()
    if form.validate_on_submit():
        with committing(form) as call:
            services.reset_password(
                db.session,
                token,
                form.password.data,
                config["SECRET_KEY"],
                config["PASSWORD_RESET_MAX_AGE"],
            )
        if call.succeeded:
            logout_user()
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@blueprint.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = AccountForm(obj=current_user if request.method == "GET" else None)
    if request.method == "GET":
        form.profile_visibility.data = current_user.profile_visibility.value
        form.version.data = str(current_user.version)
    if form.validate_on_submit():
        with committing(form, stale_message=STALE_ACCOUNT_EDIT) as call:
            services.update_account(
                db.session,
                current_user,
                name=form.name.data,
                job_title=form.job_title.data or "",
                profile_visibility=ProfileVisibility(form.profile_visibility.data),
                expected_version=submitted_version(form),
            )
        if call.succeeded:
            flash("Your account is saved.", "success")
            return redirect(url_for("auth.account"))
        if call.stale:
            form.version.data = str(current_user.version)
    return render_template(
        "auth/account.html", form=form, password_form=PasswordChangeForm(prefix="pw")
    )


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm(prefix="pw")
    if form.validate_on_submit():
        with committing(form) as call:
            services.change_password(
                db.session, current_user, form.current_password.data, form.password.data
            )
        if call.succeeded:
            # The new session token has ended every other session; keep this one.
            login_user(current_user._get_current_object())
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form), 200 if not form.errors else 400


@blueprint.route("/people/<int:user_id>")
def show_person(user_id: int):
    person = db.session.get(User, user_id)
    if person is None or not permissions.can_view_profile(current_user, person):
        abort(404)
    return render_template("auth/person.html", person=person)
