"""Agenda session forms (WTForms only; the views pass the days and people in)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from kmrg.events.forms import MARKDOWN_HINT

EMPTY_SPEAKER_ROWS = 2


class SpeakerRow(Form):
    """One speaker: a person in the Hub, or a guest by name and organisation."""

    user_id = SelectField("Person in the Hub", choices=[], validate_choice=False)
    guest_name = StringField("Or a guest's name", validators=[Optional(), Length(max=200)])
    guest_organisation = StringField(
        "Guest's organisation", validators=[Optional(), Length(max=200)]
    )


class SessionForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    day = SelectField("Day", choices=[], validate_choice=False)
    starts = TimeField(
        "Starts at", validators=[Optional()], description="SAST; leave empty if not known."
    )
    ends = TimeField("Ends at", validators=[Optional()])
    facilitator_id = SelectField("Facilitator in the Hub", choices=[], validate_choice=False)
    facilitator_name = StringField(
        "Or a guest facilitator",
        validators=[Optional(), Length(max=200)],
        description="Name and organisation, e.g. “Kubeshni Govender-Jones, SACN”.",
    )
    notes = TextAreaField(
        "What was presented and discussed",
        validators=[Optional(), Length(max=100_000)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 8},
    )
    speakers = FieldList(FormField(SpeakerRow), min_entries=EMPTY_SPEAKER_ROWS, max_entries=12)
    # The session as the form saw it: an edit of a session changed meanwhile is refused.
    fingerprint = HiddenField()
    submit = SubmitField("Save the session")


class SessionMoveForm(FlaskForm):
    """The up and down buttons: which way to move."""

    direction = HiddenField()
