"""Notification forms: one-button actions and the preferences per kind."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice


class ActionForm(FlaskForm):
    """A one-button form (follow, mark read, unsubscribe): its CSRF token is its only field."""


class PreferencesForm(FlaskForm):
    """One choice of delivery per kind; the fields are added per registered kind."""


def preferences_form(
    kinds: Iterable[tuple[str, str]], deliveries: list[SelectChoice]
) -> type[PreferencesForm]:
    """Return a preferences form class with a radio choice for each (name, label) kind."""

    class Form(PreferencesForm):
        pass

    for name, label in kinds:
        setattr(Form, f"kind_{name}", RadioField(label, choices=deliveries))
    return Form
