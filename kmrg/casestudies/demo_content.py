"""Demo case studies and lessons for ``kmrg demo``: pure data, no behaviour.

The data lives in ``demo_content.toml`` next to this module, which only declares its shape
and reads it once, at import (``python -m kmrg.casestudies.demo_content`` checks it).
Everything there is written for the demo in the Hub's own words. The municipalities and partner
organisations are real and named by their codes (municipal demarcation codes such as BUF, DC15 or
KZN225; partner codes such as WC-DOTP from kmrg/organisations/data). Every person is invented:
authors, reviewers, editors and Hub owners are the demo accounts created by kmrg/demo.py and are
referred to only by their example.org e-mail addresses; external owners are invented people.
Figures are deliberately approximate ("about", "several", "roughly") and are not official
statistics.

How the loader is meant to read the data:

* ``DemoCaseStudy.status`` is the final workflow state. A published case study names its
  reviewer (a champion of the organisation or an administrator); drafts and submitted case
  studies have none. Where no demo champion belongs to the organisation (NMA, TSH, WC-DOTP),
  the write-up was done by a champion from another city and reviewed by the administrator; the
  "own organisation" rule refuses that, so the loader has the administrator enter these on the
  author's behalf (kmrg/casestudies/demo.py).
* ``owners`` entries are either a demo e-mail or ``"external:Name|Role|Organisation"``.
* ``revisions`` are replayed oldest first. Each ``DemoRevision.changes`` maps a section name
  (``title``, ``summary``, ``context``, ``challenge``, ``approach``, ``results`` or
  ``lessons_learned``) to the text that section had *before* that revision. Version 1 is
  therefore the case study with the changes of every revision applied (saved by the author);
  then, for each revision in order, the named sections are restored to their final text and
  saved by ``editor_email`` with ``note``. No two revisions of one case study touch the same
  section, so the final version always equals the fields of the ``DemoCaseStudy``.
* ``attachment_texts`` are (kind, title, text) with paragraphs separated by blank lines; the
  loader turns them into small PDF or DOCX files. Each contains one made-up code word that
  appears nowhere else in the demo content (see ``ATTACHMENT_ONLY_WORDS``), so a search for it
  proves that attachment text is indexed, and that a draft's attachment stays hidden.
* ``adaptations`` are "adapted here" records: (organisation code, what they changed, what
  happened).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

BODY_SECTIONS: tuple[str, ...] = ("context", "challenge", "approach", "results", "lessons_learned")
REVISABLE_SECTIONS: tuple[str, ...] = ("title", "summary", *BODY_SECTIONS)
STAGES: tuple[str, ...] = ("observation", "lesson", "validated")
STATUSES: tuple[str, ...] = ("published", "draft", "submitted")


@dataclass(frozen=True)
class DemoLesson:
    """A lesson drawn from a case study."""

    title: str
    driving_event: str
    lesson: str
    recommendation: str
    evidence: str
    applies_to: str
    themes: tuple[str, ...]
    stage: str  # "observation" | "lesson" | "validated"


@dataclass(frozen=True)
class DemoRevision:
    """One edit in a case study's history; ``changes`` holds the text from before the edit."""

    editor_email: str
    note: str
    changes: dict[str, str]


@dataclass(frozen=True)
class DemoCaseStudy:
    """A case study with its lessons, history, attachments and reuse records."""

    slug_hint: str
    title: str
    summary: str
    organisation_code: str
    author_email: str
    reviewer_email: str | None
    status: str  # "published" | "draft" | "submitted"
    themes: tuple[str, ...]
    period_start_year: int
    period_end_year: int | None
    context: str
    challenge: str
    approach: str
    results: str
    lessons_learned: str
    links: tuple[tuple[str, str], ...]
    owners: tuple[tuple[str, str, bool], ...]
    lessons: tuple[DemoLesson, ...]
    revisions: tuple[DemoRevision, ...]
    attachment_texts: tuple[tuple[str, str, str], ...]
    adaptations: tuple[tuple[str, str, str], ...]


def _rows(raw: dict[str, Any], key: str, *names: str) -> tuple[tuple[Any, ...], ...]:
    """The tables under ``key`` as tuples of ``names``, refusing a missing or misspelt key."""
    tables = raw.pop(key, [])
    for table in tables:
        if table.keys() != set(names):
            raise ValueError(f"{raw['slug_hint']}: {key} needs exactly {names}, not {table}")
    return tuple(tuple(table[name] for name in names) for table in tables)


def _case_study(raw: dict[str, Any]) -> DemoCaseStudy:
    """Build a case study from one ``[[case_study]]`` table; a left-out key means None or ()."""
    raw = dict(raw)
    lessons = [{**lesson, "themes": tuple(lesson["themes"])} for lesson in raw.pop("lesson", [])]
    return DemoCaseStudy(
        reviewer_email=raw.pop("reviewer_email", None),
        themes=tuple(raw.pop("themes")),
        period_end_year=raw.pop("period_end_year", None),
        links=_rows(raw, "links", "label", "url"),
        owners=_rows(raw, "owners", "who", "role", "is_contact"),
        lessons=tuple(DemoLesson(**lesson) for lesson in lessons),
        revisions=tuple(DemoRevision(**revision) for revision in raw.pop("revision", [])),
        attachment_texts=_rows(raw, "attachment", "kind", "title", "text"),
        adaptations=_rows(raw, "adaptation", "organisation_code", "what_changed", "what_happened"),
        **raw,
    )


_DATA = tomllib.loads(
    files("kmrg.casestudies").joinpath("demo_content.toml").read_text(encoding="utf-8")
)

# The starter theme taxonomy (kmrg/themes/services.py), copied so this module imports nothing.
ALLOWED_THEMES: tuple[str, ...] = tuple(_DATA["allowed_themes"])
# The demo accounts that kmrg/demo.py creates and that may author, review, edit or own.
DEMO_EMAILS: tuple[str, ...] = tuple(_DATA["demo_emails"])
# slug_hint -> a made-up word that occurs only inside that case study's attachment text.
ATTACHMENT_ONLY_WORDS: dict[str, str] = _DATA["attachment_only_words"]
# Everything, in the order the demo loads it.
CASE_STUDIES: tuple[DemoCaseStudy, ...] = tuple(_case_study(raw) for raw in _DATA["case_study"])


def _visible_text(case: DemoCaseStudy) -> str:
    """Every piece of text of a case study except its attachments, including its history."""
    parts = [case.title, case.summary, *(getattr(case, name) for name in BODY_SECTIONS)]
    parts += [label for label, _url in case.links]
    parts += [f"{who} {role}" for who, role, _contact in case.owners]
    for lesson in case.lessons:
        parts += [
            lesson.title,
            lesson.driving_event,
            lesson.lesson,
            lesson.recommendation,
            lesson.evidence,
            lesson.applies_to,
        ]
    for revision in case.revisions:
        parts += [revision.note, *revision.changes.values()]
    for _code, changed, happened in case.adaptations:
        parts += [changed, happened]
    return "\n".join(parts)


def _self_check() -> None:
    import csv
    import re
    from pathlib import Path
    from urllib.parse import urlsplit

    data = Path(__file__).resolve().parents[1] / "organisations" / "data"
    known_codes = set()
    for name in ("municipalities.csv", "partners.csv"):
        with (data / name).open(encoding="utf-8", newline="") as handle:
            known_codes |= {row["code"] for row in csv.DictReader(handle)}

    def check_email(email: str) -> None:
        assert email in DEMO_EMAILS, f"not a demo account: {email}"

    def check_themes(themes: tuple[str, ...], where: str) -> None:
        assert themes, f"{where}: no themes"
        for theme in themes:
            assert theme in ALLOWED_THEMES, f"{where}: unknown theme {theme!r}"

    slugs = [case.slug_hint for case in CASE_STUDIES]
    assert len(slugs) == len(set(slugs)), "slug hints must be unique"
    lessons = [lesson for case in CASE_STUDIES for lesson in case.lessons]
    organisations = {case.organisation_code for case in CASE_STUDIES}
    themes_used = {t for case in CASE_STUDIES for t in case.themes}
    themes_used |= {t for lesson in lessons for t in lesson.themes}
    statuses = [case.status for case in CASE_STUDIES]

    assert len(CASE_STUDIES) >= 14, len(CASE_STUDIES)
    assert len(lessons) >= 32, len(lessons)
    assert len(organisations) >= 8, organisations
    assert len(themes_used) >= 8, themes_used
    assert statuses.count("published") >= 11, statuses
    assert statuses.count("draft") >= 2, statuses
    assert statuses.count("submitted") >= 1, statuses

    for case in CASE_STUDIES:
        where = case.slug_hint
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", where), where
        assert len(where) <= 90, where
        assert 0 < len(case.title) <= 200, where
        assert case.organisation_code in known_codes, f"{where}: {case.organisation_code}"
        assert case.status in STATUSES, where
        check_email(case.author_email)
        if case.status == "published":
            assert case.reviewer_email is not None, f"{where}: published without a reviewer"
        else:
            assert case.reviewer_email is None, f"{where}: unpublished with a reviewer"
        if case.reviewer_email is not None:
            check_email(case.reviewer_email)
        check_themes(case.themes, where)
        assert 2000 <= case.period_start_year <= 2030, where
        if case.period_end_year is not None:
            assert case.period_end_year >= case.period_start_year, where
        assert "\n" not in case.summary, f"{where}: the summary is one paragraph"
        for section in BODY_SECTIONS:
            words = len(getattr(case, section).split())
            assert 80 <= words <= 250, f"{where}.{section}: {words} words"
        assert case.links, where
        for label, url in case.links:
            parts = urlsplit(url)
            assert label, url
            assert parts.scheme == "https", url
            assert parts.hostname == "example.org", url
        assert any(contact for _who, _role, contact in case.owners), f"{where}: no contact"
        for who, role, _contact in case.owners:
            assert role, where
            if who.startswith("external:"):
                name, ext_role, organisation = who.removeprefix("external:").split("|")
                assert all((name, ext_role, organisation)), who
                assert len(name) <= 120, who
            else:
                check_email(who)
        assert 2 <= len(case.lessons) <= 3, f"{where}: {len(case.lessons)} lessons"
        for lesson in case.lessons:
            assert lesson.stage in STAGES, f"{where}: {lesson.stage}"
            check_themes(lesson.themes, f"{where}: {lesson.title}")
            assert all(
                (
                    lesson.title,
                    lesson.driving_event,
                    lesson.lesson,
                    lesson.recommendation,
                    lesson.evidence,
                    lesson.applies_to,
                )
            ), f"{where}: {lesson.title}"
            assert len(lesson.title) <= 200, lesson.title
        assert 1 <= len(case.revisions) <= 2, f"{where}: {len(case.revisions)} revisions"
        touched: set[str] = set()
        for revision in case.revisions:
            check_email(revision.editor_email)
            assert revision.note, where
            assert revision.changes, where
            for section, earlier in revision.changes.items():
                assert section in REVISABLE_SECTIONS, f"{where}: {section}"
                assert section not in touched, f"{where}: {section} revised twice"
                assert earlier.strip(), where
                assert earlier != getattr(case, section), where
                touched.add(section)
        for kind, title, text in case.attachment_texts:
            assert kind in ("pdf", "docx"), where
            assert title, where
            assert 2 <= len(text.split("\n\n")) <= 4, f"{where}: {title} paragraphs"
        for code, changed, happened in case.adaptations:
            assert code in known_codes, f"{where}: {code}"
            assert code != case.organisation_code, f"{where}: {code}"
            assert all((changed, happened)), where
        assert (where in ATTACHMENT_ONLY_WORDS) == bool(case.attachment_texts), where

    everything_visible = "\n".join(_visible_text(case) for case in CASE_STUDIES).lower()
    for slug, word in ATTACHMENT_ONLY_WORDS.items():
        (case,) = [case for case in CASE_STUDIES if case.slug_hint == slug]
        own = [text for _kind, _title, text in case.attachment_texts if word in text]
        assert own, f"{slug}: {word} is not in its attachment"
        assert word.lower() not in everything_visible, f"{word} appears outside attachments"
        others = [
            text
            for other in CASE_STUDIES
            for _kind, _title, text in other.attachment_texts
            if other is not case
        ]
        assert not any(word.lower() in text.lower() for text in others), word

    print(
        f"OK: {len(CASE_STUDIES)} case studies "
        f"({statuses.count('published')} published, {statuses.count('draft')} drafts, "
        f"{statuses.count('submitted')} submitted), {len(lessons)} lessons, "
        f"{len(organisations)} organisations ({', '.join(sorted(organisations))}), "
        f"{len(themes_used)} themes, "
        f"{sum(len(c.attachment_texts) for c in CASE_STUDIES)} attachments, "
        f"{sum(len(c.revisions) for c in CASE_STUDIES)} revisions, "
        f"{sum(len(c.adaptations) for c in CASE_STUDIES)} adaptations.\n"
        f"Attachment-only words: {', '.join(ATTACHMENT_ONLY_WORDS.values())}"
    )


if __name__ == "__main__":
    _self_check()
