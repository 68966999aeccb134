"""Forms for action items (WTForms only; the views pass the choices in)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

EARLIEST_DUE = date(2000, 1, 1)
LATEST_DUE = date(2099, 12, 31)


class DueDateField(DateField):
    """A date typed as year-month-day (a date picker on phones), with a message people read."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Give the date as year-month-day, for example 2025-03-14.") from None


def _plausible_due_date(_form: FlaskForm, field: DueDateField) -> None:
    if field.data is not None and not EARLIEST_DUE <= field.data <= LATEST_DUE:
        raise ValidationError("Check the year of the due date.")


class ActionForm(FlaskForm):
    description = TextAreaField(
        "What has to be done",
        validators=[DataRequired("Say what has to be done."), Length(max=2000)],
    )
    owner = SelectField(
        "Who owns it",
        choices=[],
        validate_choice=False,
        validators=[DataRequired("Choose who owns the action: a person or an organisation.")],
        description="One person, or an organisation (its KM champions are reminded).",
    )
    due_on = DueDateField(
        "Due date",
        validators=[Optional(), _plausible_due_date],
        description="South African date. The owner is reminded before it and once after it.",
    )
    # The version the form was opened with: a stale save is refused, not silently applied.
    version = HiddenField()
    submit = SubmitField("Save the action")


class ProgressForm(FlaskForm):
    note = TextAreaField("What happened", validators=[Optional(), Length(max=4000)])
    status = SelectField("Status", choices=[], validate_choice=False)
    version = HiddenField()
    submit = SubmitField("Record progress")


class FulfilmentForm(FlaskForm):
    """Close an action by naming what fulfils it: an annexure, a pasted address or a search hit."""

    annexure = SelectField("An annexure of this series", choices=[], validate_choice=False)
    address = StringField(
        "Or the address of a Hub page",
        validators=[Optional(), Length(max=500)],
        description="Copy it from the address bar: a case study, a lesson, an expert, a file …",
    )
    chosen = RadioField("Or one of these search results", choices=[], validate_choice=False)
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=4000)])
    version = HiddenField()
    submit = SubmitField("Close the action as done")


class ActionFilterForm(FlaskForm):
    """Narrow the open actions; read from the query string, so it needs no CSRF token."""

    class Meta:
        csrf = False

    owner = SelectField("Owner", choices=[], validate_choice=False)
    organisation = SelectField("Organisation", choices=[], validate_choice=False)
    series = SelectField("Series", choices=[], validate_choice=False)
