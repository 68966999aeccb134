"""Hostile input stopped at the edge: control characters refused, integers read within bounds.

Two kinds of input used to reach the database and fail there with a 500: a NUL byte (PostgreSQL
refuses it in any text) and integers beyond what a column holds (`/lessons/99999999999999999999`,
`?page=9223372036854775808`), or "digits" that pass `str.isdigit()` but not `int()` (`²²²²`). Here
they are answered once for every view: a request carrying a NUL (or, in a form field, another
control character) gets a 400 page before any view runs; an id in a path matches only 1..2³¹-1,
else the address is a 404; and views read integers from the query string or a form with
`bounded_int`, which returns None for anything that is not a plain decimal number in range.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

# The largest id a path may carry: PostgreSQL's `integer`, which the Hub's ids are.
MAX_ID = 2**31 - 1
MAX_PAGE = MAX_ID
# NUL anywhere; in form text also the other C0 controls (tab, line feed and carriage return are
# typed; the rest only ever arrive from scripts and would be stored and shown back).
_NUL = re.compile("\x00")
_FORM_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DECIMAL = re.compile(r"-?[0-9]{1,18}")


class UnreadableInput(BadRequest):
    """The request carried characters no person types: answered with a 400 page."""

    description = (
        "The address or a form field contained a control character (such as a NUL byte) that "
        "the Hub does not accept. Remove it, or go back and try again."
    )


class IdConverter(IntegerConverter):
    """`<int:…>` for the Hub's ids: ASCII digits, 1 to 2³¹-1, or the address does not match."""

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def bounded_int(value: Any, minimum: int, maximum: int) -> int | None:
    """Return `value` as an int if it is a plain decimal number within the bounds, else None.

    Only ASCII digits count: "²" and "٣" pass `str.isdigit()` but are not numbers anyone typed.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if minimum <= number <= maximum else None


def page_number(name: str = "page") -> int:
    """Return the page the query string asks for, 1 when it names none that could exist."""
    return bounded_int(request.args.get(name), 1, MAX_PAGE) or 1


def refuse_control_characters() -> None:
    """Answer 400 to a NUL in the path or query string, or a control character in a form field.

    Uploaded files' contents are not form fields: a PDF may hold any byte.
    """
    if _NUL.search(request.path) or any(
        _NUL.search(text) for item in request.args.items(multi=True) for text in item
    ):
        raise UnreadableInput()
    if any(_FORM_CONTROLS.search(text) for item in request.form.items(multi=True) for text in item):
        raise UnreadableInput()
    # A file's name is kept and shown, like a field; its contents are the file's business.
    if any(
        _FORM_CONTROLS.search(f"{name}{upload.filename or ''}")
        for name, upload in request.files.items(multi=True)
    ):
        raise UnreadableInput()


def init_inputs(app: Flask) -> None:
    """Read ids with bounds on every route, and refuse control characters before any view runs."""
    # Before any route is added: rules take their converters from the map when they are added.
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_control_characters)
