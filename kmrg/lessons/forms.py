"""Lesson forms (WTForms only; views pass the choices in)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

MARKDOWN_HINT = "Markdown: blank lines between paragraphs, *emphasis*, lists with “- ”."


class LessonForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    driving_event = TextAreaField(
        "What happened",
        validators=[DataRequired(), Length(max=20_000)],
        description="The event or situation that taught the lesson. " + MARKDOWN_HINT,
    )
    lesson = TextAreaField(
        "The lesson",
        validators=[DataRequired(), Length(max=20_000)],
        description="What was learned, in a sentence or two. " + MARKDOWN_HINT,
    )
    recommendation = TextAreaField(
        "Recommendation",
        validators=[Optional(), Length(max=20_000)],
        description="What the next municipality should do (or avoid). " + MARKDOWN_HINT,
    )
    evidence = TextAreaField(
        "Evidence",
        validators=[Optional(), Length(max=20_000)],
        description="What shows the lesson holds: figures, reports, results. " + MARKDOWN_HINT,
    )
    applies_to = TextAreaField(
        "Where it applies",
        validators=[Optional(), Length(max=20_000)],
        description="The kinds of municipality, service or situation it applies to.",
    )
    themes = SelectMultipleField(
        "Themes",
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    organisation = SelectField("Organisation", choices=[])
    # The version the form was opened with: a stale save is refused, not silently applied.
    version = HiddenField()
    submit = SubmitField("Save the lesson")


class LessonFilterForm(FlaskForm):
    """Narrow the lessons list; read from the query string, so it needs no CSRF token."""

    class Meta:
        csrf = False

    theme = SelectField("Theme", choices=[], validate_choice=False)
    province = SelectField("Province", choices=[], validate_choice=False)
    category = SelectField("Category", choices=[], validate_choice=False)
    organisation = StringField("Organisation code", validators=[Length(max=20)])
    year = SelectField("Year", choices=[], validate_choice=False)
    stage = SelectField("Stage", choices=[], validate_choice=False)


class PromoteLessonForm(FlaskForm):
    """Promote one stage: carries the stage offered and the page's version, so a repeated or
    stale click can neither skip a stage nor act on a lesson the promoter has not seen."""

    stage = HiddenField(validators=[DataRequired()])
    version = HiddenField()
    submit = SubmitField()


class LessonActionForm(FlaskForm):
    """A one-button form (publish): its CSRF token and the page's version."""

    version = HiddenField()
    submit = SubmitField()
