"""Forms of a meeting record's import and review (WTForms only; views pass the choices in)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ImportMeetingForm(FlaskForm):
    """Upload a meeting record, to make a draft meeting of a series from it."""

    series = SelectField(
        "Series",
        choices=[],
        validators=[DataRequired("Choose the series the meeting belongs to.")],
        description="The series this meeting belongs to.",
    )
    file = FileField("Meeting record")
    submit = SubmitField("Read the record")


class ProposalForm(FlaskForm):
    """Accept a proposal as edited, or reject it (the button pressed says which)."""

    text = TextAreaField("What to record", validators=[Optional(), Length(max=5000)])
    detail = StringField("Detail", validators=[Optional(), Length(max=300)])
    accept = SubmitField("Accept")
    reject = SubmitField("Reject")


class AcceptAllForm(FlaskForm):
    """Accept every pending proposal of one kind as it stands."""

    kind = HiddenField()
    submit = SubmitField("Accept all")
