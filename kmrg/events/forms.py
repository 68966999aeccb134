"""Meeting and series forms (WTForms only; views pass the choices in)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField


class MeetingActionForm(FlaskForm):
    """A one-button form on the meeting page: its CSRF token and the page's version."""

    version = HiddenField()
    submit = SubmitField()
