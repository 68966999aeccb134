"""Expert profile forms (WTForms only; views pass the choices in)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

MARKDOWN_HINT = "Markdown: blank lines between paragraphs, *emphasis*, lists with “- ”."
EXPERTISE_ROWS = 6


class ExpertiseRowForm(Form):
    """One row of the expertise table; a row left empty is ignored."""

    theme = SelectField("Theme", choices=[], validate_choice=False)
    skill = StringField("Or a skill in your own words", validators=[Length(max=120)])
    level = SelectField("Level", choices=[], validate_choice=False)


class ExpertProfileForm(FlaskForm):
    headline = StringField(
        "Headline",
        validators=[DataRequired(), Length(max=200)],
        description="One line on what you know, e.g. “Revenue enhancement in a mid-size metro”.",
    )
    biography = TextAreaField(
        "Short biography",
        validators=[Optional(), Length(max=5_000)],
        description="What you have done and where. " + MARKDOWN_HINT,
    )
    expertise = FieldList(FormField(ExpertiseRowForm), min_entries=EXPERTISE_ROWS, max_entries=12)
    province = SelectField("Province", choices=[])
    languages = SelectMultipleField(
        "Languages you speak",
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    availability = SelectMultipleField(
        "Available for",
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    days_per_quarter = IntegerField(
        "Days per quarter",
        validators=[Optional(), NumberRange(min=0, max=90)],
        description="Roughly how many days a quarter you can give.",
    )
    preferred_channel = SelectField("Preferred way to be contacted", choices=[])
    visibility = RadioField("Who may see this profile", choices=[])
    email_visibility = SelectField(
        "Who may see your e-mail address",
        choices=[],
        description="Visitors who are not signed in never see it.",
    )
    phone = StringField("Phone (optional)", validators=[Optional(), Length(max=40)])
    phone_visibility = SelectField(
        "Who may see your phone number",
        choices=[],
        description="Visitors who are not signed in never see it.",
    )
    # The version the form was opened with: a stale save is refused, not silently applied.
    version = HiddenField()
    submit = SubmitField("Save the profile")


class ExternalProfileForm(ExpertProfileForm):
    """A champion lists someone outside the Hub: who they are and how they agreed."""

    name = StringField("Their name", validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        "Their e-mail address (optional)",
        validators=[Optional(), Length(max=254)],
        description="Without one, members cannot contact them through the Hub.",
    )
    job_title = StringField("Their role (optional)", validators=[Optional(), Length(max=120)])
    organisation = SelectField("Their organisation (optional)", choices=[])
    consent_note = TextAreaField(
        "How and when they agreed to be listed",
        validators=[DataRequired(), Length(max=1_000)],
        description="E.g. “Agreed by e-mail on 3 March 2026 to a public profile, e-mail shown "
        "to signed-in members, phone to nobody”. Keep their message.",
    )
    consent_confirmed = BooleanField(
        "I confirm this person agreed to be listed with exactly these choices of who sees what.",
        validators=[DataRequired("Confirm the person agreed, or do not list them.")],
    )


class ExpertFilterForm(FlaskForm):
    """Narrow the directory; read from the query string, so it needs no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        "Search experts",
        validators=[Optional(), Length(max=200)],
        render_kw={"type": "search"},
        description="Words from what people know, their biography or their work on the Hub, "
        "e.g. “revenue collection”.",
    )
    theme = SelectField("Theme", choices=[], validate_choice=False)
    province = SelectField("Province", choices=[], validate_choice=False)
    organisation_type = SelectField("Organisation type", choices=[], validate_choice=False)
    category = SelectField("Municipal category", choices=[], validate_choice=False)
    language = SelectField("Language", choices=[], validate_choice=False)
    availability = SelectField("Available for", choices=[], validate_choice=False)


class ExpertActionForm(FlaskForm):
    """A one-button form (confirm): only its CSRF token matters."""

    submit = SubmitField()


class EndorsementForm(FlaskForm):
    """Endorse one area of an expert's profile with a sentence about the work done together.

    The service checks the area and the statement's length (after normalising whitespace).
    """

    area = SelectField(
        "The area of their expertise you saw at work",
        choices=[],
        validate_choice=False,
        description="One endorsement per area: choosing an area you already endorsed changes "
        "your sentence instead of adding another.",
    )
    statement = TextAreaField(
        "What work did you do together?",
        validators=[DataRequired("Say in a sentence what work you did together.")],
        description="Plain text, 20 to 500 characters, e.g. “We rebuilt the indigent register "
        "together in 2023; she led the data clean-up.”",
    )
    submit = SubmitField("Endorse")


class InferredAreaForm(FlaskForm):
    """Confirm, hide or take back the decision on an inferred area: one button per action."""

    action = SelectField("Decision", choices=[], validators=[DataRequired()])
