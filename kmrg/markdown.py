"""Render user-supplied Markdown to safe HTML, the single choke point for every feature area.

Pipeline: Python-Markdown (raw HTML passes through untouched) -> nh3 (ammonia) with an explicit
allowlist. Markdown is never trusted to be safe on its own; nh3 re-parses the whole output with a
spec-compliant HTML5 parser and re-serialises it, so anything not listed below is gone and the
browser sees exactly the tree that was checked.

Allowlist decisions:

* Tags are the ones Markdown itself produces plus a few harmless inline extras (b, i, sup, sub,
  del). No div/span: they add nothing for authors and are the usual vehicle for layout abuse.
* ``h1`` is not allowed: every page already owns its ``<h1>`` (the item title), so Markdown
  ``# Heading`` is clamped to ``<h2>`` before sanitising; a raw ``<h1>`` loses its tag but keeps
  its text.
* No ``style``, ``class`` (except ``language-*`` on ``<code>`` for client-side highlighting) or
  ``id`` anywhere: CSS enables overlay/phishing tricks and ids enable DOM clobbering.
* ``<img>`` is allowed for diagrams and screenshots, but only with an absolute http(s) ``src``:
  a relative src would fire a credentialed GET at our own origin (``/logout``-style tricks) and
  ``data:`` URLs are an XSS/phishing vector in several contexts.
* Links may be http, https, mailto, root-relative (``/case-studies/x``) or fragments (``#x``).
  Protocol-relative (``//host``), backslash forms (browsers read ``\\`` as ``/``) and
  path-relative URLs (meaning depends on the page they are rendered on) are dropped.
* Every ``<a>`` gets ``rel="nofollow noopener"``: user links must not earn our page rank for
  spammers nor get a handle on ``window.opener``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import TYPE_CHECKING

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from sqlalchemy import select
from sqlalchemy.orm import lazyload

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from sqlalchemy.orm import Session, scoped_session

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "html_to_text",
    "markdown_to_text",
    "register_rendered_field",
    "registered_fields",
    "render_markdown",
    "rerender_all",
]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr",
        "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "b", "i", "code", "pre", "blockquote", "sup", "sub", "del",
        "ul", "ol", "li", "dl", "dt", "dd",
        "a", "img", "abbr",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip

# rel is deliberately absent: nh3 sets it itself via link_rel and refuses both at once.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "abbr": frozenset({"title"}),
    "code": frozenset({"class"}),  # narrowed to language-* in _filter_attribute
    "ol": frozenset({"start"}),  # narrowed to digits in _filter_attribute
}

# Value-restricted instead of free text so table alignment can never smuggle anything else.
_ALIGN_VALUES = {"align": {"left", "center", "right"}}
_TAG_ATTRIBUTE_VALUES = {"th": _ALIGN_VALUES, "td": _ALIGN_VALUES}

ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
_IMG_URL_SCHEMES = frozenset({"http", "https"})

# Removed together with their content: showing a script body or an SVG blob as text is noise,
# and dropping embedding/templating containers whole leaves nothing for mXSS tricks to re-parse.
_CLEAN_CONTENT_TAGS = frozenset(
    {
        "script", "style", "template", "svg", "math",
        "iframe", "frame", "frameset", "object", "embed", "applet",
        "noscript", "noembed", "noframes", "xmp", "textarea", "select", "title",
    }
)  # fmt: skip

_LINK_REL = "nofollow noopener"

# Extensions chosen from "extra" minus the parts that only make sense with attributes we strip:
# attr_list (author-controlled id/class/any attribute), footnotes (needs ids for its anchors, so
# back-links would be broken) and md_in_html (raw HTML is tolerated, not a feature). nl2br is
# left out to keep standard Markdown paragraph semantics for pasted/imported documents.
_MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "def_list", "abbr"]
_MARKDOWN_CONFIG = {"tables": {"use_align_attribute": True}}

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_CODE_CLASS_RE = re.compile(r"language-[A-Za-z0-9_+#.\-]{1,40}")
_OL_START_RE = re.compile(r"[0-9]{1,9}")
# Browsers drop these silently, so they let a URL look different from what gets followed, or
# split a scheme name past a naive check. Cc/Cf/Z* categories cover C0/C1 controls, zero-width
# and bidi formatting characters, soft hyphen, U+2028/2029 and all spaces; the explicit set adds
# invisible characters that Unicode classifies as letters or marks.
_REJECTED_URL_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
_INVISIBLE_CHARS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0\ufffc\ufffd")
_ASCII_URL_REJECT_RE = re.compile(r"[\x00-\x20\x7f\\]")
# WHATWG URL parsing trims these from both ends, so we do too before judging.
_URL_TRIM = "\t\n\f\r "


class _ClampH1(Treeprocessor):
    """Turn Markdown level-one headings into h2 because the page owns its h1."""

    def run(self, root: Element) -> None:
        """Rename every h1 element in the tree to h2."""
        for element in root.iter("h1"):
            element.tag = "h2"


class _ClampH1Extension(Extension):
    """Register the h1 clamping tree processor."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown API name
        """Register the processor; it only renames tags, so its priority hardly matters."""
        md.treeprocessors.register(_ClampH1(md), "kmrg_clamp_h1", 5)


def _has_hidden_characters(url: str) -> bool:
    """Return True when the URL contains whitespace, controls, backslashes or invisibles."""
    if url.isascii():
        return _ASCII_URL_REJECT_RE.search(url) is not None
    for char in url:
        if char == "\\" or char in _INVISIBLE_CHARS:
            return True
        if ord(char) < 0x80:
            if ord(char) <= 0x20 or ord(char) == 0x7F:
                return True
            continue
        if unicodedata.category(char) in _REJECTED_URL_CATEGORIES:
            return True
        # Variation selectors render as nothing yet differ byte-wise.
        if 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF:
            return True
    return False


def _safe_url(value: str, schemes: frozenset[str], allow_relative: bool) -> str | None:
    """Return a normalised URL if it is acceptable for an href/src, else None."""
    url = value.strip(_URL_TRIM)
    if not url or _has_hidden_characters(url):
        return None
    if url[0] in "#/":
        if not allow_relative:
            return None
        # "//host" is protocol-relative, i.e. an absolute link to any host.
        if url.startswith("//"):
            return None
        return url
    match = _SCHEME_RE.match(url)
    if match is None:
        return None  # path-relative or garbage such as "java&#0;script:"
    scheme = match.group(1).lower()
    if scheme not in schemes:
        return None
    if scheme in {"http", "https"} and not url[match.end() :].startswith("//"):
        return None
    return url


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Vet one already-allowlisted attribute; return the value to keep or None to drop it."""
    # nh3 calls this after its own scheme check and does not re-check what we return, so this
    # function is the final word on every URL that reaches the page.
    if attribute == "href":
        return _safe_url(value, ALLOWED_URL_SCHEMES, allow_relative=True) if tag == "a" else None
    if attribute == "src":
        return _safe_url(value, _IMG_URL_SCHEMES, allow_relative=False) if tag == "img" else None
    if tag == "code" and attribute == "class":
        kept = [c for c in value.split() if _CODE_CLASS_RE.fullmatch(c)]
        return kept[0] if kept else None
    if tag == "ol" and attribute == "start":
        start = value.strip()
        return start if _OL_START_RE.fullmatch(start) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_CLEAN_CONTENT_TAGS),
    # An explicit empty "*" entry: without it nh3 keeps ammonia's generic lang/title everywhere.
    attributes={"*": set(), **{tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()}},
    attribute_filter=_filter_attribute,
    strip_comments=True,
    link_rel=_LINK_REL,
    tag_attribute_values=_TAG_ATTRIBUTE_VALUES,
    url_schemes=set(ALLOWED_URL_SCHEMES),
)

_TEXT_CLEANER = nh3.Cleaner(tags=set(), attributes={}, clean_content_tags={"script", "style"})

# Block boundaries that must become word boundaries once tags are stripped.
_BLOCK_TAG_RE = re.compile(
    r"<(?=/?(?:p|br|hr|h[1-6]|li|ul|ol|dl|dt|dd|pre|blockquote|table|thead|tbody|tr|th|td|img)\b)"
)


def render_markdown(text: str | None) -> str:
    """Render untrusted Markdown to sanitised HTML that is safe to emit unescaped."""
    if not text:
        return ""
    # A fresh Markdown instance per call: it is cheap, thread-safe, and reference links or
    # abbreviations from one document can never leak into the next.
    md = markdown.Markdown(
        extensions=[*_MARKDOWN_EXTENSIONS, _ClampH1Extension()],
        extension_configs=_MARKDOWN_CONFIG,
        output_format="html",
    )
    return _CLEANER.clean(md.convert(text))


def markdown_to_text(text: str | None) -> str:
    """Return the plain text of rendered Markdown for search indexes and snippets.

    The result is NOT HTML: it is unescaped text and must be escaped again on output.
    """
    return html_to_text(render_markdown(text))


def html_to_text(rendered: str | None) -> str:
    """Return the plain text of HTML that `render_markdown` produced (a stored `*_html` field).

    Cheaper than rendering the Markdown again; like `markdown_to_text`, the result is NOT HTML.
    """
    if not rendered:
        return ""
    stripped = _TEXT_CLEANER.clean(_BLOCK_TAG_RE.sub(" <", rendered))
    return " ".join(html.unescape(stripped).split())


_registry: list[tuple[type, str, str]] = []
_RERENDER_BATCH_SIZE = 200


def register_rendered_field(model: type, source_attr: str, html_attr: str) -> None:
    """Declare that ``model.html_attr`` caches ``render_markdown(model.source_attr)``."""
    for attr in (source_attr, html_attr):
        # Fail at import time on a typo rather than halfway through a re-render run.
        if not hasattr(model, attr):
            raise AttributeError(f"{model.__name__} has no attribute {attr!r}")
    entry = (model, source_attr, html_attr)
    if entry not in _registry:
        _registry.append(entry)


def registered_fields() -> tuple[tuple[type, str, str], ...]:
    """Return the registered (model, source attribute, html attribute) triples."""
    return tuple(_registry)


def rerender_all(session: Session | scoped_session[Session]) -> int:
    """Re-render every registered field, flush the changes and return how many rows changed.

    The caller owns the transaction and must commit.
    """
    changed = 0
    for model, source_attr, html_attr in _registry:
        # lazyload("*") overrides any eager collection loading configured on the model, which
        # yield_per cannot stream.
        stmt = (
            select(model).options(lazyload("*")).execution_options(yield_per=_RERENDER_BATCH_SIZE)
        )
        for obj in session.scalars(stmt):
            new_html = render_markdown(getattr(obj, source_attr))
            if getattr(obj, html_attr) != new_html:
                setattr(obj, html_attr, new_html)
                changed += 1
        session.flush()
    return changed
