"""Forms of the inbox: writing to an expert, and replying in a conversation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class ContactExpertForm(FlaskForm):
    subject = StringField(
        "Subject",
        validators=[DataRequired("Give your message a subject."), Length(max=200)],
        description="One line, e.g. “Advice on a meter audit in a mid-size metro”.",
    )
    need = TextAreaField(
        "What you need",
        validators=[DataRequired("Write your message."), Length(max=5000)],
        description=(
            "Plain text. Say who you are, what you are working on and what help you hope for."
        ),
        render_kw={"rows": 10},
    )
    preferred_dates = StringField(
        "Preferred dates (optional)",
        validators=[Length(max=200)],
        description="E.g. “any Tuesday in March” or “before the budget adjustment in February”.",
    )
    submit = SubmitField("Send message")


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your reply",
        validators=[DataRequired("Write your message."), Length(max=5000)],
        render_kw={"rows": 6},
    )
    submit = SubmitField("Send reply")
