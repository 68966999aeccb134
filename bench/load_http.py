"""A small browser for bench/load.py: one keep-alive connection, cookies, forms, timed requests.

Standard library only (http.client). Every request is timed from sending to the last byte of the
body and recorded as a Sample; a 5xx, a connection error, a timeout or any status the caller did
not expect counts as an error, and raises RequestFailed so the simulated user gives up that step
(as a person would) and carries on with the next.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Sample:
    """One request: what kind of step it served, which page, when, how long, and how it ended."""

    kind: str  # "page view", "search", "write", "sign-in", "warm-up"
    page: str  # a label for the route, e.g. "case study", "search (filtered)"
    method: str
    started: float  # time.monotonic() when it was sent
    seconds: float
    status: int | None  # None: no answer (connection error, timeout)
    error: str | None  # why it counts as an error, None when it does not


class RequestFailed(Exception):
    """The request was recorded as an error; the step it belonged to cannot go on."""


@dataclass(frozen=True)
class Response:
    status: int
    location: str  # the path of a redirect's Location, or ""
    text: str


class Browser:
    """One simulated visitor: its own connection (reused while the server keeps it) and cookies."""

    def __init__(
        self, host: str, port: int, record: Callable[[Sample], None], timeout: float = 30.0
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.record = record
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def close(self) -> None:
        self.connection.close()

    def get(self, kind: str, page: str, path: str, expect: Iterable[int] = (200,)) -> Response:
        return self.request(kind, page, "GET", path, None, expect)

    def post(
        self, kind: str, page: str, path: str, fields: list[tuple[str, str]], expect=(302, 303)
    ) -> Response:
        return self.request(kind, page, "POST", path, fields, expect)

    def request(
        self,
        kind: str,
        page: str,
        method: str,
        path: str,
        fields: list[tuple[str, str]] | None,
        expect: Iterable[int],
    ) -> Response:
        headers = {
            "User-Agent": "kmrg-bench-load",
            "Accept": "text/html",
            # Logged by gunicorn (bench/load.py's access log format): server time per kind.
            "X-Bench-Kind": kind.replace(" ", "_"),
            "X-Bench-Page": page.replace(" ", "_"),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.monotonic()
        clock = time.perf_counter()
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()  # the next request opens a fresh connection
            seconds = time.perf_counter() - clock
            self.record(Sample(kind, page, method, began, seconds, None, type(error).__name__))
            raise RequestFailed(f"{method} {path}: {error!r}") from error
        seconds = time.perf_counter() - clock
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value == "" or "1970" in (morsel["expires"] or ""):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        status = response.status
        error = None
        if status not in tuple(expect):
            error = f"{status} (expected {'/'.join(map(str, expect))})"
        self.record(Sample(kind, page, method, began, seconds, status, error))
        if error is not None:
            raise RequestFailed(f"{method} {path}: {error}")
        location = urlsplit(response.getheader("Location") or "")
        target = location.path + (f"?{location.query}" if location.query else "")
        return Response(status, target, data.decode("utf-8", "replace"))


# -- forms -------------------------------------------------------------------------------------


@dataclass
class Form:
    """A form as a browser would submit it: its action and its fields' current values, in order."""

    action: str
    fields: list[tuple[str, str]]
    names: set[str]

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)

    def submit(self, changes: dict[str, str | list[str]]) -> list[tuple[str, str]]:
        """Return the fields to post: the form's own values, with `changes` in their place."""
        kept = [(n, v) for n, v in self.fields if n not in changes]
        for name, value in changes.items():
            kept += [(name, v) for v in ([value] if isinstance(value, str) else value)]
        return kept


class _FormParser(HTMLParser):
    """Collect every form's successful controls (inputs, checked boxes, textareas, selects)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._textarea: tuple[str, list[str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(attr.get("action", ""), [], set()))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = attr.get("name")
        if tag == "input" and name:
            form.names.add(name)
            kind = attr.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attr:
                return
            form.fields.append((name, attr.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            form.names.add(name)
            self._textarea = (name, [])
        elif tag == "select" and name:
            form.names.add(name)
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = attr.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attr:
                form.fields.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            # HTML drops one newline right after <textarea>; browsers post the rest.
            self.forms[-1].fields.append((name, "".join(parts).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.forms[-1].fields.append((self._select, self._select_first))
            self._select = None


def find_form(page: str, field: str) -> Form:
    """Return the first form on `page` with a control named `field` (with its CSRF token)."""
    parser = _FormParser()
    parser.feed(page)
    for form in parser.forms:
        if field in form.names and form.value("csrf_token"):
            return form
    raise LookupError(f"no form with a {field!r} field and a CSRF token on the page")
