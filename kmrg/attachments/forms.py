"""Forms of the attachments area; an owner's page renders them and posts to our views."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional


class AttachmentUploadForm(FlaskForm):
    """Add one file to an owner; `next` is where to return (the owner's page)."""

    file = FileField("File")
    title = StringField("Title (optional)", validators=[Optional(), Length(max=200)])
    next = HiddenField()


class AttachmentRemoveForm(FlaskForm):
    """Remove one file (the CSRF token and where to return)."""

    next = HiddenField()
