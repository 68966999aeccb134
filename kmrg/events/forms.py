"""Meeting, series, agenda, annexure, attendance, minutes, outcome, action item and import forms.

WTForms only; views pass the choices in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from kmrg.forms import choices

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


# Attendance: invitations, the answer to one, and the register.


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteMembersForm(FlaskForm):
    people = _Checkboxes("People to invite", choices=[], validate_choice=False)
    submit = SubmitField("Invite the people ticked")


class InviteOrganisationForm(FlaskForm):
    organisation = SelectField(
        "Organisation",
        choices=[],
        description="Everyone with an active account there is invited and told by e-mail.",
    )
    submit = SubmitField("Invite everyone of this organisation")


class GuestForm(FlaskForm):
    guest_name = StringField("Guest's name", validators=[DataRequired(), Length(max=200)])
    guest_organisation = StringField(
        "Their organisation",
        validators=[Optional(), Length(max=200)],
        description="As it should appear on the register and their certificate.",
    )
    submit = SubmitField("Add the guest")


class RsvpForm(FlaskForm):
    answer = RadioField(
        "Will you attend?",
        choices=choices(
            [("yes", "Yes, I will attend"), ("maybe", "Maybe"), ("no", "No, I cannot")]
        ),
        validators=[DataRequired(message="Choose whether you will attend.")],
    )
    submit = SubmitField("Send my answer")


class RegisterForm(FlaskForm):
    attended = _Checkboxes("Who attended", choices=[], validate_choice=False)
    submit = SubmitField("Save the register")


class WalkInMemberForm(FlaskForm):
    person = SelectField(
        "Hub member",
        choices=[],
        # The view looks the person up among those it offered, and says so beside the field.
        validate_choice=False,
        description="Someone not listed here can be registered as a guest below.",
    )
    submit = SubmitField("Register them as present")


class RemoveParticipantForm(FlaskForm):
    submit = SubmitField("Remove")


# Minutes, comments, and outcomes and decisions.


class MinutesForm(FlaskForm):
    version = HiddenField()
    body = TextAreaField(
        "Minutes",
        validators=[Optional(), Length(max=100_000)],
        description=f"Every save is kept as a revision. {MARKDOWN_HINT}",
        render_kw={"rows": 20},
    )
    submit = SubmitField("Save the minutes")


class MinutesStepForm(FlaskForm):
    """A one-button step (start, circulate, approve, back to draft) with the page's version."""

    version = HiddenField()
    submit = SubmitField()


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Your comment",
        validators=[DataRequired(message="Write your comment."), Length(max=5_000)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 4},
    )
    submit = SubmitField("Add my comment")


class OutcomeForm(FlaskForm):
    kind = RadioField(
        "Kind",
        choices=choices(
            [
                ("decision", "Decision: what the meeting resolved"),
                ("outcome", "Outcome: what came of it"),
            ]
        ),
        default="outcome",
        validators=[DataRequired(message="Choose decision or outcome.")],
    )
    text = TextAreaField(
        "What was decided or what came of it",
        validators=[
            DataRequired(message="Write what was decided or what came of it."),
            Length(max=5_000),
        ],
        render_kw={"rows": 3},
    )
    session = SelectField("Session", choices=[], validate_choice=False)
    submit = SubmitField("Record it")


class RemoveOutcomeForm(FlaskForm):
    submit = SubmitField("Remove")


class AnnexureForm(FlaskForm):
    """Attach a presentation or report to a meeting as its next annexure.

    The lists default to "none", so a page that leaves one out (no sessions) still validates.
    """

    file = FileField("File")
    title = StringField(
        "Title",
        validators=[Optional(), Length(max=200)],
        description="As the record lists it, e.g. “Knowledge management in the municipalities”. "
        "Leave it blank to use the file's name.",
    )
    session_id = SelectField("Presented in the session", choices=[], default="")
    presenter_id = SelectField(
        "Presenter in the Hub",
        choices=[],
        default="",
        description="People on the meeting's list and its speakers.",
    )
    presenter_name = StringField(
        "Or the presenter's name",
        validators=[Optional(), Length(max=200)],
        description="For a presenter who has no account in the Hub.",
    )
    presenting_organisation = SelectField("Presenting organisation", choices=[], default="")
    submit = SubmitField("Add the annexure")


class AnnexureMoveForm(FlaskForm):
    """Move one annexure up or down; `index` is where the page showed it."""

    index = HiddenField()
    direction = HiddenField()


class AnnexureRemoveForm(FlaskForm):
    """Remove one annexure (the CSRF token is all it carries)."""
