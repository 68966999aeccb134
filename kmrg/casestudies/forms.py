"""Case study forms (WTForms only; views pass the choices in)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

MARKDOWN_HINT = "Markdown: blank lines between paragraphs, *emphasis*, lists with “- ”."


def _section(label: str, hint: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=50_000)],
        description=f"{hint} {MARKDOWN_HINT}",
        render_kw={"rows": 8},
    )


class CaseStudyForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(
        "Summary",
        validators=[DataRequired(), Length(max=1500)],
        description="One paragraph of plain text: what was done, where, and what came of it.",
        render_kw={"rows": 4},
    )
    organisation = SelectField(
        "Organisation",
        choices=[],
        description="The municipality or organisation where it happened.",
    )
    start_year = IntegerField(
        "Started in (year)",
        validators=[Optional(), NumberRange(min=1994, max=2100)],
        render_kw={"inputmode": "numeric"},
    )
    end_year = IntegerField(
        "Ended in (year)",
        validators=[Optional(), NumberRange(min=1994, max=2100)],
        description="Leave empty if it lasted less than a year.",
        render_kw={"inputmode": "numeric"},
    )
    period_note = StringField(
        "Period, in words",
        validators=[Optional(), Length(max=120)],
        description="Optional, e.g. “March 2008 to June 2010” or “2019 and ongoing”.",
    )
    themes = SelectMultipleField(
        "Themes",
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    owners = TextAreaField(
        "Project owners and contacts",
        validators=[Optional(), Length(max=10_000)],
        description=(
            "One person a line: “name or e-mail | role, organisation | contact”. An e-mail "
            "links a person with a Hub account; write “contact” at the end for the people "
            "readers may approach."
        ),
        render_kw={"rows": 4},
    )
    context = _section("Context", "The place, the people and the situation before.")
    challenge = _section("The challenge", "What had to change, and why it was hard.")
    approach = _section("What was done", "The steps taken, by whom, and in what order.")
    results = _section("Results and evidence", "What changed, with figures and sources.")
    lessons_learned = _section("Lessons learned", "What others should copy or avoid.")
    links = TextAreaField(
        "Links",
        validators=[Optional(), Length(max=10_000)],
        description="Related reports and pages, as a Markdown list: - [Title](https://…)",
        render_kw={"rows": 3},
    )
    attachment = FileField(
        "Attach a file",
        description="Presentations, reports or photos: PDF, DOCX, PPTX, XLSX, ODT, PNG or JPEG.",
    )
    attachment_title = StringField("Title of the file", validators=[Optional(), Length(max=200)])
    # The version the form was opened with: a stale save is refused, not silently applied.
    version = HiddenField()
    submit = SubmitField("Save the case study")


class ReturnForm(FlaskForm):
    comments = TextAreaField(
        "Comments for the author",
        validators=[DataRequired(message="Tell the author what to change."), Length(max=5000)],
        description="What should change before it can be published. The author sees this.",
        render_kw={"rows": 5},
    )
    # The version the page was shown with: a repeated or overtaken click changes nothing.
    version = HiddenField()
    submit = SubmitField("Return for changes")


class CaseStudyActionForm(FlaskForm):
    """A one-button form (submit, publish, archive): its CSRF token and the page's version."""

    version = HiddenField()
    submit = SubmitField()


class AdaptationForm(FlaskForm):
    what_changed = TextAreaField(
        "What you changed",
        validators=[DataRequired(), Length(max=20_000)],
        description="How you adapted the approach to your municipality. " + MARKDOWN_HINT,
    )
    what_happened = TextAreaField(
        "What happened",
        validators=[DataRequired(), Length(max=20_000)],
        description="The results, good or bad, and what you would do differently. " + MARKDOWN_HINT,
    )
    submit = SubmitField("Record the adaptation")
