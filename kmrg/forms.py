"""Form helpers shared by every area."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from kmrg.exceptions import ValidationError
from kmrg.inputs import MAX_ID, bounded_int
from kmrg.organisations.models import Province


def apply_validation_error(form: FlaskForm, error: ValidationError) -> None:
    """Show a service's validation error beside its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors), error.message]
    else:
        form.form_errors.append(error.message)


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def submitted_version(form: FlaskForm) -> int:
    """Return the record version a form was rendered with (-1, never a real one, if tampered)."""
    field = getattr(form, "version", None)
    version = bounded_int(getattr(field, "data", None), 1, MAX_ID)
    return -1 if version is None else version


def theme_filter_choices(themes: Iterable[object]) -> list[SelectChoice]:
    """Return the choices of a "theme" filter: any theme, then each theme by slug."""
    return choices([("", "All themes"), *((t.slug, t.name) for t in themes)])  # type: ignore[attr-defined]


def province_filter_choices() -> list[SelectChoice]:
    """Return the choices of a "province" filter: any province, then the nine."""
    return choices([("", "All provinces"), *((p.value, p.label) for p in Province)])
