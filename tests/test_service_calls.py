"""How views run services: commit on success, roll back and say why otherwise."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Forbidden
from wtforms import StringField

import kmrg
from kmrg.exceptions import PermissionDenied, ValidationError
from kmrg.extensions import db
from kmrg.models import StaleEditError
from kmrg.service_calls import STALE_ACTION, committing
from kmrg.themes.models import Theme


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


def add_theme(name: str) -> None:
    db.session.add(Theme(name=name, slug=name.lower()))
    db.session.flush()


def theme_names() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Theme.name)))


@pytest.fixture
def request_context(app):
    with app.test_request_context("/", method="POST"):
        yield


def test_a_call_that_works_is_committed(request_context):
    with committing(NameForm()) as call:
        add_theme("Kept")
    assert call.succeeded
    db.session.rollback()  # nothing left to undo: it was committed
    assert theme_names() == ["Kept"]


def test_a_refused_call_is_rolled_back_and_answers_403(request_context):
    def refused() -> None:
        with committing(NameForm()):
            add_theme("Refused")
            raise PermissionDenied("no")

    with pytest.raises(Forbidden):
        refused()
    assert theme_names() == []


def test_invalid_input_is_rolled_back_and_shown_beside_its_field(request_context):
    form = NameForm()
    with committing(form) as call:
        add_theme("Invalid")
        raise ValidationError("Give a shorter name.", "name")
    assert not call.succeeded
    assert form.name.errors == ["Give a shorter name."]
    assert theme_names() == []


def test_invalid_input_without_a_form_is_flashed(request_context):
    with committing() as call:
        add_theme("Invalid")
        raise ValidationError("Only a submitted case study is published.")
    assert not call.succeeded
    assert get_flashed_messages(with_categories=True) == [
        ("error", "Only a submitted case study is published.")
    ]
    assert theme_names() == []


def test_a_stale_edit_keeps_the_form_and_says_so(request_context):
    form = NameForm()
    with committing(form, stale_message="Changed elsewhere; nothing saved.") as call:
        add_theme("Stale")
        raise StaleEditError("old version")
    assert not call.succeeded
    assert call.stale
    assert form.form_errors == ["Changed elsewhere; nothing saved."]
    assert theme_names() == []


def test_a_stale_edit_without_a_message_propagates(request_context):
    with pytest.raises(StaleEditError), committing(NameForm()):
        raise StaleEditError("old version")


def test_a_stale_one_button_action_is_flashed_not_raised(request_context):
    # The version column caught two clicks at once: the second one's UPDATE matched no row.
    with committing() as call:
        add_theme("Second click")
        raise StaleDataError("UPDATE statement on table 'themes' expected to update 1 row(s)")
    assert not call.succeeded
    assert call.stale
    assert get_flashed_messages(with_categories=True) == [("info", STALE_ACTION)]
    assert theme_names() == []


def test_a_stale_one_button_action_says_what_the_view_reads_after_the_rollback(request_context):
    add_theme("Committed first")
    db.session.commit()
    with committing(stale_message=lambda: f"Already there: {', '.join(theme_names())}.") as call:
        add_theme("Rolled back")
        raise StaleEditError("old version")
    assert call.stale
    assert get_flashed_messages() == ["Already there: Committed first."]


# The only views that end a transaction by hand, each because committing() cannot say it.
HAND_WRITTEN_TRANSACTIONS = {
    # A refused owners field still counts the member's look-ups; committing() would roll them back.
    ("casestudies/views/case_studies.py", "_owners_from", "commit"),
    # The same endorsement saved from another tab is an IntegrityError, which committing() leaves.
    ("experts/views/endorsements.py", "endorse_expert", "rollback"),
    # kmrg.service_calls reaches the organisations area (through kmrg.forms), which search may not.
    ("search/views.py", "search", "commit"),
}


class TransactionEnds(ast.NodeVisitor):
    """Collect (function, method) for each commit() or rollback() call, by innermost function."""

    def __init__(self) -> None:
        self.functions = ["<module>"]
        self.found: set[tuple[str, str]] = set()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr in {"commit", "rollback"}:
            self.found.add((self.functions[-1], node.func.attr))
        self.generic_visit(node)


def transactions_ended_in(path: Path) -> set[tuple[str, str, str]]:
    """Return (module, function, method) for each commit() or rollback() called in a module."""
    ends = TransactionEnds()
    ends.visit(ast.parse(path.read_text(encoding="utf-8")))
    module = path.relative_to(Path(kmrg.__file__).parent).as_posix()
    return {(module, function, method) for function, method in ends.found}


def test_views_commit_only_through_committing():
    package = Path(kmrg.__file__).parent
    # An area's views are its `views` module, or the modules of its `views` package.
    view_modules = {*package.rglob("views.py"), *package.rglob("views/*.py")}
    assert len(view_modules) > 10  # the scan found the views, so an empty result means something
    found = set().union(*(transactions_ended_in(path) for path in view_modules))
    assert found == HAND_WRITTEN_TRANSACTIONS
