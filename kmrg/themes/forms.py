"""Theme forms (WTForms only)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ThemeCreateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=2000)],
        description="One or two sentences on what the theme covers.",
    )
    submit = SubmitField("Add the theme")


class ThemeEditForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=120)],
        description="The theme's address stays the same, so links keep working.",
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    # The version the form was opened with: a stale save is refused, not silently applied.
    version = HiddenField()
    submit = SubmitField("Save")


class ThemeActionForm(FlaskForm):
    """A one-button form (retire, restore): only its CSRF token matters."""

    submit = SubmitField()
