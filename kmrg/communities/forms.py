"""Community, topic, reply, flag and moderation forms; WTForms only, views pass the choices in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

MARKDOWN_HINT = "Markdown: blank lines between paragraphs, *emphasis*, lists with “- ”."


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CommunityForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(
        "Purpose", description="What the community is for and who it is for. " + MARKDOWN_HINT
    )
    kind = RadioField("Kind", choices=[], validators=[DataRequired()])
    join_policy = RadioField("Who may join", choices=[], validators=[DataRequired()])
    visibility = RadioField("Who may read it", choices=[], validators=[DataRequired()])
    themes = CheckboxesField("Themes", choices=[], coerce=int)
    version = HiddenField()
    submit = SubmitField("Save")


class TopicForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField("What you want to discuss", description=MARKDOWN_HINT)
    themes = CheckboxesField("Themes", choices=[], coerce=int)
    submit = SubmitField("Start the topic")


class ReplyForm(FlaskForm):
    body = TextAreaField("Your reply", validators=[DataRequired()], description=MARKDOWN_HINT)
    submit = SubmitField("Reply")


class EditPostForm(FlaskForm):
    body = TextAreaField("Text", validators=[DataRequired()], description=MARKDOWN_HINT)
    version = HiddenField()
    submit = SubmitField("Save")


class FlagForm(FlaskForm):
    reason = StringField(
        "Why should a facilitator look at it?", validators=[DataRequired(), Length(max=500)]
    )
    submit = SubmitField("Flag it")


class MoveTopicForm(FlaskForm):
    destination = SelectField("Move to", choices=[])
    version = HiddenField()
    submit = SubmitField("Move")


class CommunityActionForm(FlaskForm):
    """A one-button form; `version` is the record's as the page showed it, where it has one."""

    version = HiddenField()


class ResourceForm(FlaskForm):
    address = StringField(
        "Address of the case study, lesson, meeting or file",
        validators=[DataRequired(), Length(max=500)],
        description="Open it in the Hub and copy the address from your browser.",
    )
    note = StringField(
        "Why it matters to the community", validators=[DataRequired(), Length(max=500)]
    )
    submit = SubmitField("Link it")
