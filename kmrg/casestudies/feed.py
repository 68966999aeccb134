"""The Atom 1.0 feed of newly published case studies, built as XML rather than by templating."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from xml.etree import ElementTree as ET

from kmrg.casestudies.models import CaseStudy
from kmrg.models import utcnow

ATOM = "http://www.w3.org/2005/Atom"
FEED_TITLE = "Case studies · KMRG Knowledge Hub"

ExternalUrl = Callable[..., str]


def _timestamp(case_study: CaseStudy) -> Any:
    return case_study.updated_at or case_study.published_at or case_study.created_at


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def build_feed(case_studies: Sequence[CaseStudy], external_url: ExternalUrl) -> bytes:
    """Return an Atom document listing `case_studies` (published ones only, newest first)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed_url = external_url("casestudies.feed")
    _add(feed, "id", feed_url)
    _add(feed, "title", FEED_TITLE)
    _add(feed, "subtitle", "Newly published case studies from municipalities in the network.")
    updated = max((_timestamp(c) for c in case_studies), default=utcnow())
    _add(feed, "updated", updated.isoformat(timespec="seconds"))
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(
        feed,
        "link",
        rel="alternate",
        type="text/html",
        href=external_url("casestudies.list_case_studies"),
    )
    author = _add(feed, "author")
    _add(author, "name", "KMRG Knowledge Hub")
    for case_study in case_studies:
        entry = _add(feed, "entry")
        url = external_url("casestudies.show_case_study", slug=case_study.slug)
        # A stable id that survives a change of domain name would be nicer; the URL is stable
        # enough because slugs never change after creation.
        _add(entry, "id", url)
        _add(entry, "title", case_study.title)
        _add(entry, "link", rel="alternate", type="text/html", href=url)
        _add(
            entry,
            "published",
            (case_study.published_at or _timestamp(case_study)).isoformat(timespec="seconds"),
        )
        _add(entry, "updated", _timestamp(case_study).isoformat(timespec="seconds"))
        # The organisation answers for a published case study; people are named only on the
        # page, where their own privacy choice is applied.
        entry_author = _add(entry, "author")
        _add(entry_author, "name", case_study.organisation.name)
        _add(entry, "summary", case_study.summary, type="text")
        for theme in case_study.themes:
            _add(entry, "category", term=theme.slug, label=theme.name)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
