"""Meeting and series forms (WTForms only; views pass the choices in)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

MARKDOWN_HINT = "Markdown: blank lines between paragraphs, *emphasis*, lists with “- ”."
SAST_HINT = "South African time (SAST)."


class MeetingForm(FlaskForm):
    series = SelectField("Series", choices=[], description="The series this meeting belongs to.")
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    organisation_id = SelectField(
        "Host organisation", choices=[], description="The municipality hosting the meeting."
    )
    starts_on = DateField(
        "First day", validators=[DataRequired("Give the day it starts.")], description=SAST_HINT
    )
    starts_time = TimeField(
        "Starts at", validators=[DataRequired("Give the time it starts, e.g. 09:00.")]
    )
    ends_on = DateField(
        "Last day",
        validators=[Optional()],
        description="Leave empty for a meeting of one day.",
    )
    ends_time = TimeField(
        "Ends at", validators=[DataRequired("Give the time it ends, e.g. 16:00.")]
    )
    venue = StringField(
        "Venue",
        validators=[Optional(), Length(max=300)],
        description="Building and address, e.g. “East London City Hall, Oxford Street”.",
    )
    online_url = StringField(
        "Online meeting link",
        validators=[Optional(), Length(max=500)],
        description="For people joining online; starts with https://.",
        render_kw={"inputmode": "url"},
    )
    aims = TextAreaField(
        "Aims",
        validators=[Optional(), Length(max=5000)],
        description="One aim a line.",
        render_kw={"rows": 4},
    )
    visibility = RadioField("Who may see it", choices=[])
    notes = TextAreaField(
        "Notes",
        validators=[Optional(), Length(max=100_000)],
        description=f"Anything else about the meeting. {MARKDOWN_HINT}",
        render_kw={"rows": 8},
    )
    # The version the form was opened with: a stale save is refused, not silently applied.
    version = HiddenField()
    submit = SubmitField("Save the meeting")


class SeriesForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=20_000)],
        description=f"Who meets, how often and why. {MARKDOWN_HINT}",
        render_kw={"rows": 6},
    )
    organisation_id = SelectField(
        "Convened by",
        choices=[],
        description="The organisation that runs the series (its secretariat).",
    )
    version = HiddenField()
    submit = SubmitField("Save the series")


class MeetingActionForm(FlaskForm):
    """A one-button form on the meeting page: its CSRF token and the page's version."""

    version = HiddenField()
    submit = SubmitField()


class MeetingStatusForm(MeetingActionForm):
    """A status button: the status it moves the meeting to."""

    status = HiddenField()
