"""The simulated users of bench/load.py: anonymous readers and signed-in members who write.

A reader looks at pages (home, case studies, lessons, experts, themes, organisations) and
searches, with a think time between steps. A member signs in once, through the login form, then
reads and searches like a reader and now and then writes: starts a case study draft, edits one of
its drafts, or sends an inbox message (a first message to an expert, or a reply in that
conversation). Writes go through the forms as a browser would: GET the form, post its fields with
the CSRF token it carries, follow the redirect.

Members stay inside the Hub's sending limits (kmrg.inbox.services and the views' rate limits), so
every refusal the bench sees is a real error, not a limit it ran into on purpose.
"""

from __future__ import annotations

import html
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from load_http import Browser, RequestFailed, Sample, find_form

# Page views by weight: what a visitor mostly opens.
PAGE_WEIGHTS = {
    "home": 15,
    "case-study list": 10,
    "case study": 20,
    "lesson list": 8,
    "lesson": 16,
    "expert list": 8,
    "expert": 10,
    "theme list": 4,
    "organisation list": 3,
    "organisation": 6,
}
WRITE_WEIGHTS = {"create draft": 3, "edit draft": 3, "message": 4}

# Within the Hub's limits for one account during one run (see kmrg.inbox.services and views):
# 10 new conversations a day, 3 with one expert, 60 messages an hour, 30 replies in 10 minutes.
NEW_CONVERSATIONS_PER_ACCOUNT = 8
CONVERSATIONS_PER_EXPERT = 2
MESSAGES_PER_ACCOUNT = 40
REPLIES_PER_ACCOUNT = 24


@dataclass
class Account:
    """A demo account members sign in with, and what has been sent from it during this run."""

    email: str
    contactable: list[str]  # slugs of experts with accounts this person may write to
    lock: threading.Lock = field(default_factory=threading.Lock)
    conversations: list[str] = field(default_factory=list)  # inbox paths, e.g. /inbox/3
    started_with: Counter[str] = field(default_factory=Counter)
    messages: int = 0
    replies: int = 0

    def take_new_conversation(self, rng: random.Random) -> str | None:
        """Reserve a first message to an expert within the limits; return the expert's slug."""
        with self.lock:
            started = sum(self.started_with.values())
            if started >= NEW_CONVERSATIONS_PER_ACCOUNT or self.messages >= MESSAGES_PER_ACCOUNT:
                return None
            open_to = [
                s for s in self.contactable if self.started_with[s] < CONVERSATIONS_PER_EXPERT
            ]
            if not open_to:
                return None
            slug = rng.choice(open_to)
            self.started_with[slug] += 1
            self.messages += 1
            return slug

    def take_reply(self, rng: random.Random) -> str | None:
        """Reserve a reply within the limits; return the conversation's path."""
        with self.lock:
            if not self.conversations or self.replies >= REPLIES_PER_ACCOUNT:
                return None
            if self.messages >= MESSAGES_PER_ACCOUNT:
                return None
            self.replies += 1
            self.messages += 1
            return rng.choice(self.conversations)


@dataclass
class Plan:
    """What the users may visit and type, found on the running Hub and in its demo content."""

    pages: dict[str, list[str]]  # page label -> paths
    queries: list[tuple[str, str]]  # (label, query text)
    accounts: list[Account]
    password: str
    words: list[str]  # for the text members write
    think: tuple[float, float]  # seconds, uniform between


class User:
    """One simulated person, run in its own thread until `stop` is set."""

    def __init__(
        self,
        number: int,
        browser: Browser,
        plan: Plan,
        stop: threading.Event,
        account: Account | None,
        write_share: float,
        search_share: float,
        seed: int,
    ) -> None:
        self.number, self.browser, self.plan, self.stop = number, browser, plan, stop
        self.account, self.write_share, self.search_share = account, write_share, search_share
        self.rng = random.Random(seed * 100_003 + number)
        self.drafts: list[str] = []  # paths of the case studies this user started
        self.signed_in = False

    def run(self) -> None:
        # Arrive spread over the first think time, as people do, not all in the same instant.
        self.think()
        while not self.stop.is_set():
            try:
                self.step()
            except RequestFailed:
                pass  # recorded; a person moves on to something else
            except LookupError as error:
                # A page without the form it should hold: an error the server's status hid.
                self.browser.record(
                    Sample("bench", "form missing", "GET", time.monotonic(), 0.0, 200, str(error))
                )
            self.think()
        self.browser.close()

    def think(self) -> None:
        low, high = self.plan.think
        self.stop.wait(self.rng.uniform(low, high))

    def step(self) -> None:
        if self.account is not None and not self.signed_in:
            self.sign_in()
        elif self.account is not None and self.rng.random() < self.write_share:
            self.write()
        elif self.rng.random() < self.search_share:
            self.search()
        else:
            self.view_page()

    # -- reading --------------------------------------------------------------------------------

    def view_page(self) -> None:
        pages = {label: paths for label, paths in self.plan.pages.items() if paths}
        labels = [label for label in PAGE_WEIGHTS if label in pages]
        label = self.rng.choices(labels, [PAGE_WEIGHTS[x] for x in labels])[0]
        self.browser.get("page view", label, self.rng.choice(pages[label]))

    def search(self) -> None:
        label, text = self.rng.choice(self.plan.queries)
        self.browser.get("search", label, "/search?" + urlencode({"q": text}))

    # -- signing in and writing -----------------------------------------------------------------

    def sign_in(self) -> None:
        assert self.account is not None
        page = self.browser.get("sign-in", "login form", "/login")
        form = find_form(page.text, "password")
        fields = form.submit({"email": self.account.email, "password": self.plan.password})
        answer = self.browser.post("sign-in", "sign in", "/login", fields)
        self.browser.get("sign-in", "after sign-in", answer.location or "/")
        self.signed_in = True

    def write(self) -> None:
        choices = dict(WRITE_WEIGHTS)
        if not self.drafts:
            choices.pop("edit draft")
        action = self.rng.choices(list(choices), list(choices.values()))[0]
        if action == "message" and self.send_message():
            return
        if action == "edit draft":
            self.edit_draft()
        else:
            self.create_draft()

    def text(self, words: int) -> str:
        return " ".join(self.rng.choice(self.plan.words) for _ in range(words))

    def create_draft(self) -> None:
        page = self.browser.get("write", "new case study form", "/case-studies/new")
        form = find_form(page.text, "title")
        theme = self.rng.choice([v for n, v in _options(page.text, "themes")] or [""])
        fields = form.submit(
            {
                "title": f"Load test {self.number}-{len(self.drafts) + 1} {self.text(4)}",
                "summary": self.text(40).capitalize() + ".",
                "context": self.text(80),
                "challenge": self.text(60),
                "start_year": str(self.rng.randint(2005, 2026)),
                "themes": [theme] if theme else [],
            }
        )
        answer = self.browser.post("write", "create case study", "/case-studies/new", fields)
        self.browser.get("write", "case study (after save)", answer.location)
        self.drafts.append(answer.location)

    def edit_draft(self) -> None:
        path = self.rng.choice(self.drafts)
        page = self.browser.get("write", "edit case study form", f"{path}/edit")
        form = find_form(page.text, "title")
        results = (form.value("results") or "") + "\n\n" + self.text(30).capitalize() + "."
        fields = form.submit({"results": results})
        answer = self.browser.post("write", "edit case study", f"{path}/edit", fields)
        self.browser.get("write", "case study (after save)", answer.location)

    def send_message(self) -> bool:
        """Reply in a conversation or write to an expert; False when every limit is reached."""
        assert self.account is not None
        conversation = None
        if self.account.conversations and self.rng.random() < 0.6:
            conversation = self.account.take_reply(self.rng)
        if conversation is not None:
            page = self.browser.get("write", "conversation", conversation)
            form = find_form(page.text, "body")
            fields = form.submit({"body": self.text(30).capitalize() + "."})
            answer = self.browser.post("write", "reply", f"{conversation}/reply", fields)
            self.browser.get("write", "conversation (after send)", answer.location)
            return True
        slug = self.account.take_new_conversation(self.rng)
        if slug is None:
            return False
        page = self.browser.get("write", "contact form", f"/experts/{slug}/contact")
        form = find_form(page.text, "need")
        fields = form.submit(
            {"subject": self.text(6).capitalize(), "need": self.text(60).capitalize() + "."}
        )
        answer = self.browser.post("write", "contact expert", f"/experts/{slug}/contact", fields)
        self.browser.get("write", "conversation (after send)", answer.location)
        with self.account.lock:
            self.account.conversations.append(answer.location)
        return True


def _options(page: str, name: str) -> list[tuple[str, str]]:
    """Return the (name, value) of every checkbox called `name` on the page, checked or not."""
    pattern = re.compile(r'<input[^>]*name="' + re.escape(name) + r'"[^>]*value="([^"]*)"')
    return [(name, value) for value in pattern.findall(page)]


# -- finding the pages ---------------------------------------------------------------------------

LISTS = {
    "home": "/",
    "case-study list": "/case-studies/",
    "lesson list": "/lessons/",
    "expert list": "/experts/",
    "theme list": "/themes/",
    "organisation list": "/organisations/",
}
LINKS = {
    "case study": re.compile(r'href="(/case-studies/(?!new\b|feed\b)[a-z0-9-]+)"'),
    "lesson": re.compile(r'href="(/lessons/\d+)"'),
    "expert": re.compile(r'href="(/experts/(?!new\b)[a-z0-9-]+)"'),
    "organisation": re.compile(r'href="(/organisations/[A-Za-z0-9]+)"'),
}
# A list's other pages and filtered views, as its own links offer them.
LIST_VARIANTS = re.compile(r'href="(/(?:case-studies|lessons|experts|organisations)/\?[^"]+)"')


def discover_pages(browser: Browser) -> dict[str, list[str]]:
    """Open every list page as an anonymous visitor and collect the pages it links to."""
    pages: dict[str, list[str]] = {label: [path] for label, path in LISTS.items()}
    pages.update({label: [] for label in LINKS})
    for label, path in LISTS.items():
        text = browser.get("warm-up", label, path).text
        for linked, pattern in LINKS.items():
            pages[linked] += [p for p in pattern.findall(text) if p not in pages[linked]]
        for variant in LIST_VARIANTS.findall(text):
            variant = html.unescape(variant)
            owner = next(lbl for lbl, p in LISTS.items() if p != "/" and variant.startswith(p))
            if variant not in pages[owner] and len(pages[owner]) < 12:
                pages[owner].append(variant)
    # The lists' second pages lead to more records (older lessons, more organisations).
    for label in ("lesson list", "case-study list"):
        for path in pages[label][1:3]:
            text = browser.get("warm-up", label, path).text
            linked = label.removesuffix(" list")
            pages[linked] += [p for p in LINKS[linked].findall(text) if p not in pages[linked]]
    return pages
