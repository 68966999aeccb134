"""Account forms (WTForms only; views pass the choices in)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from kmrg.auth.models import ProfileVisibility, Role
from kmrg.forms import choices


class RegistrationForm(FlaskForm):
    name = StringField(
        "Full name",
        validators=[DataRequired(), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "Work e-mail address",
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    organisation = StringField(
        "Organisation",
        validators=[DataRequired(), Length(max=220)],
        description="Start typing your municipality or organisation, or its code (e.g. BUF).",
        render_kw={"list": "organisation-options", "autocomplete": "off"},
    )
    job_title = StringField(
        "Job title",
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "organization-title"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=256)],
        description="At least 10 characters.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Apply for an account")


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()
    submit = SubmitField("Sign in")


class LogoutForm(FlaskForm):
    submit = SubmitField("Sign out")


class PasswordResetRequestForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    submit = SubmitField("E-mail me a reset link")


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Set the new password")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Change password")


class AccountForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    job_title = StringField("Job title", validators=[Optional(), Length(max=120)])
    profile_visibility = RadioField(
        "Who may see your name, organisation and job title",
        choices=choices((v.value, v.label) for v in ProfileVisibility),
    )
    version = HiddenField()
    submit = SubmitField("Save")


class ApproveUserForm(FlaskForm):
    submit = SubmitField("Approve")


class UserStatusForm(FlaskForm):
    submit = SubmitField()


class UserRoleForm(FlaskForm):
    role = SelectField("Role", choices=choices((r.value, r.label) for r in Role))
    submit = SubmitField("Change role")


class UserOrganisationForm(FlaskForm):
    organisation = SelectField("Organisation", choices=[])
    submit = SubmitField("Move")
