"""Organisation forms (WTForms only; views pass the choices in)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class OrganisationFilterForm(FlaskForm):
    """Narrow the public list; read from the query string, so it needs no CSRF token."""

    class Meta:
        csrf = False

    province = SelectField("Province", choices=[], validate_choice=False)
    kind = SelectField("Kind", choices=[], validate_choice=False)


class OrganisationSearchForm(FlaskForm):
    """Search the administrators' list by name or code (a GET form)."""

    class Meta:
        csrf = False

    q = SearchField("Name or code", validators=[Length(max=100)])


class OrganisationCreateForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[DataRequired(), Length(max=20)],
        description="2 to 20 capital letters, digits or hyphens, e.g. BUF or KZN225. "
        "The code cannot be changed later.",
        render_kw={"autocomplete": "off"},
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=[])
    province = SelectField(
        "Province", choices=[], description="Leave empty for national bodies and networks."
    )
    district = SelectField("District", choices=[], description="Only for a local municipality.")
    submit = SubmitField("Add the organisation")


class OrganisationEditForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=200)],
        description="The code stays the same, so links and records keep working.",
    )
    # The version the form was opened with: a stale save is refused, not silently applied.
    version = HiddenField()
    submit = SubmitField("Save")


class OrganisationActionForm(FlaskForm):
    """A one-button form (retire, restore): only its CSRF token matters."""

    submit = SubmitField()
