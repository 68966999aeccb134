"""Hostile input never gets a 500: every route, its path variables, query parameters and forms.

The demo content is loaded once for the module so every path variable has a real value to fall
back on; an administrator (who reaches the most views) sends a few hostile values per place an
attacker controls — huge and negative integers, digits `isdigit()` accepts but `int()` refuses,
NUL bytes, very long and non-ASCII text, a path escape — with a valid CSRF token, so each view's
own handling runs. Any 5xx, or an exception escaping a view, is collected with its request and
reported together.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from sqlalchemy import Select, select
from werkzeug.routing import Rule
from wtforms.fields.core import UnboundField

from kmrg.attachments.models import Attachment
from kmrg.auth.models import Role, User
from kmrg.casestudies.models import CaseStudy, CaseStudyStatus
from kmrg.demo import load_demo
from kmrg.experts.models import Endorsement, ExpertProfile
from kmrg.extensions import db
from kmrg.inbox.models import Conversation
from kmrg.lessons.models import Lesson
from kmrg.themes.models import Theme
from tests import conftest
from tests.factories import csrf_token, post

DEMO_PASSWORD = "demo-password-for-fuzzing"

HUGE = "99999999999999999999"
# Values an attacker controls, a few per kind of trouble rather than every combination.
HOSTILE = [
    HUGE,
    "2147483648",  # one past a 32-bit integer
    "-1",
    "²²²²",  # passes str.isdigit(), refused by int()
    "\x00",
    "../../etc/passwd",
    "ünïcødé ☃ 𝔘 " * 200,
]
# Every query parameter a view reads, and the search facets.
QUERY_NAMES = [
    "page",
    "per_page",
    "year",
    "from",
    "to",
    "version",
    "q",
    "sort",
    "theme",
    "province",
    "category",
    "organisation",
    "org",
    "stage",
    "status",
    "role",
    "action",
    "target_type",
    "kind",
    "area",
    "next",
    "source",
    "type",
    "organisation_type",
    "language",
    "availability",
]
SKIPPED_ENDPOINTS = {"auth.logout", "static"}  # signing out would end the fuzzing session


def form_field_names() -> set[str]:
    """Return the name of every field of every form in the Hub."""
    names: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        names.update(
            name for name in dir(form_class) if isinstance(getattr(form_class, name), UnboundField)
        )
    return names


class _FormReader(HTMLParser):
    """Read the forms of a page: action, method and the fields a browser would submit."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._fields = {}
            self.forms.append((values.get("action", ""), values.get("method", "get"), self._fields))
        elif self._fields is None:
            return
        elif tag == "option" and self._select:
            # The first option, unless a later one is selected.
            if "selected" in values or self._select not in self._fields:
                self._fields[self._select] = values.get("value", "")
        elif not values.get("name"):
            return
        elif tag == "input" and values.get("type") not in {"submit", "file", "button"}:
            if values.get("type") in {"checkbox", "radio"} and "checked" not in values:
                return
            self._fields.setdefault(values["name"], values.get("value", ""))
        elif tag == "textarea":
            self._textarea = values["name"]
            self._fields[values["name"]] = ""
        elif tag == "select":
            self._select = values["name"]

    def handle_data(self, data: str) -> None:
        if self._textarea and self._fields is not None:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._fields = None


@dataclass
class Fuzzer:
    """A signed-in administrator's client that notes every request the server failed."""

    client: FlaskClient
    token: str
    failures: list[str] = field(default_factory=list)
    forms: dict[str, dict[str, str]] = field(default_factory=dict)
    requests: int = 0

    def send(self, method: str, url: str, what: str = "", **kwargs: object) -> None:
        """Send one request; note it (`what` says which input was hostile) if the server failed."""
        self.requests += 1
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:
            self.failures.append(f"{method} {url!r} {what}: {type(error).__name__}: {error}")
            return
        with response:  # downloads hold their file open until closed
            if response.status_code >= 500:
                self.failures.append(f"{method} {url!r} {what}: {response.status_code}")
            elif (
                method == "GET" and response.status_code == 200 and response.mimetype == "text/html"
            ):
                self._remember_forms(url, response.get_data(as_text=True))

    def report(self) -> str:
        return f"{len(self.failures)} of {self.requests} requests failed:\n" + "\n".join(
            self.failures
        )

    def _remember_forms(self, url: str, page: str) -> None:
        reader = _FormReader()
        reader.feed(page)
        for action, method, fields in reader.forms:
            if method.lower() == "post":
                self.forms.setdefault(urlsplit(action or url).path, fields)


@pytest.fixture(scope="module")
def fuzz_app(migrated: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app with the demo content, shared by the module's tests (loading it takes seconds)."""
    app = conftest.make_app(migrated, tmp_path_factory.mktemp("fuzz"))
    # Closed here, after the module, not by the suite's per-test closer.
    conftest._created_apps.remove(app)
    previous = os.environ.get("KMRG_DEMO_PASSWORD")
    os.environ["KMRG_DEMO_PASSWORD"] = DEMO_PASSWORD
    try:
        with app.app_context():
            load_demo(db.session)
            db.session.commit()
            yield app
            db.session.remove()
            conftest.empty_database(db.engine)
            app.extensions["kmrg.search"].backend.close()
            db.engine.dispose()
    finally:
        if previous is None:
            os.environ.pop("KMRG_DEMO_PASSWORD", None)
        else:
            os.environ["KMRG_DEMO_PASSWORD"] = previous


@pytest.fixture
def fuzzer(fuzz_app: Flask) -> Fuzzer:
    client = fuzz_app.test_client()
    response = post(client, "/login", {"email": "admin@example.org", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return Fuzzer(client, csrf_token(client))


def real_values() -> dict[str, str]:
    """Return a real value for each path variable, so a view gets past its lookup."""
    session = db.session

    def first(statement: Select) -> str:
        return str(session.scalars(statement.limit(1)).first())

    attachment = session.scalars(select(Attachment).limit(1)).one()
    return {
        # A submitted case study: it can still be edited, published or returned.
        "slug": first(select(CaseStudy.slug).where(CaseStudy.status == CaseStudyStatus.SUBMITTED)),
        "expert_slug": first(
            select(ExpertProfile.slug).join(Endorsement, Endorsement.profile_id == ExpertProfile.id)
        ),
        "theme_slug": first(select(Theme.slug)),
        "code": "BUF",
        "token": "not-a-token",
        "user_id": first(select(User.id).where(User.role == Role.MEMBER)),
        "lesson_id": first(select(Lesson.id)),
        "conversation_id": first(select(Conversation.id)),
        "endorsement_id": first(select(Endorsement.id)),
        "attachment_id": str(attachment.id),
        "display_name": attachment.display_name,
        "owner_type": attachment.owner_type,
        "owner_id": str(attachment.owner_id),
    }


_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def build(rule: Rule, values: dict[str, str], **hostile: str) -> str:
    """Return the rule's path with real values, or the hostile one given for a variable."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in hostile:
            return quote(hostile[name], safe="")
        if name == "slug" and rule.rule.startswith("/experts/"):
            name = "expert_slug"
        elif name == "slug" and rule.rule.startswith("/admin/themes/"):
            name = "theme_slug"
        # A variable not named here yet is still fuzzed; "1" stands in while another is hostile
        # (add a real value above to reach deeper into its view).
        return quote(values.get(name, "1"), safe="")

    return _VARIABLE.sub(value, rule.rule)


def fuzzed_rules(app: Flask, method: str) -> list[Rule]:
    return [
        rule
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        if method in (rule.methods or ()) and rule.endpoint not in SKIPPED_ENDPOINTS
    ]


def test_hostile_path_variables_get_no_server_error(fuzz_app, fuzzer):
    values = real_values()
    for method in ("GET", "POST"):
        for rule in fuzzed_rules(fuzz_app, method):
            for name in rule.arguments:
                for value in HOSTILE:
                    url = build(rule, values, **{name: value})
                    fuzzer.send(method, url, data={"csrf_token": fuzzer.token})
    assert not fuzzer.failures, fuzzer.report()


def test_hostile_query_parameters_get_no_server_error(fuzz_app, fuzzer):
    values = real_values()
    for rule in fuzzed_rules(fuzz_app, "GET"):
        url = build(rule, values)
        for value in HOSTILE:
            parameters = dict.fromkeys(QUERY_NAMES, value)
            fuzzer.send("GET", url, f"every parameter {value[:20]!r}", query_string=parameters)
    assert not fuzzer.failures, fuzzer.report()


def test_hostile_form_fields_get_no_server_error(fuzz_app, fuzzer):
    values = real_values()
    # The pages' own forms, to send back with one field hostile at a time.
    for rule in fuzzed_rules(fuzz_app, "GET"):
        fuzzer.send("GET", build(rule, values))
    names = form_field_names() - {"csrf_token"}
    for rule in fuzzed_rules(fuzz_app, "POST"):
        url = build(rule, values)
        # Every field the Hub knows, all hostile at once...
        for value in HOSTILE:
            form = {"csrf_token": fuzzer.token, **dict.fromkeys(names, value)}
            fuzzer.send("POST", url, f"every field {value[:20]!r}", data=form)
        # ...and, where a page offers this form, the real form with one field hostile at a time.
        real_form = fuzzer.forms.get(urlsplit(url).path, {})
        for name in real_form.keys() - {"csrf_token"}:
            for value in (HUGE, "²²²²"):  # (a NUL never reaches a view: see above)
                fuzzer.send("POST", url, f"{name}={value!r}", data={**real_form, name: value})
    assert not fuzzer.failures, fuzzer.report()
