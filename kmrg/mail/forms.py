"""The outbox's one button."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class RetryMessageForm(FlaskForm):
    submit = SubmitField("Retry now")
