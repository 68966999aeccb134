"""Unit tests for kmrg.markdown: the sanitising Markdown renderer and its re-render registry."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import String, Text, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from kmrg import markdown as kmd
from kmrg.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    markdown_to_text,
    register_rendered_field,
    registered_fields,
    render_markdown,
    rerender_all,
)

XSS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "bench-data" / "xss"

REL = "nofollow noopener"
_EXTRA_ALLOWED_ATTRIBUTES = {"a": {"rel"}, "th": {"align"}, "td": {"align"}}
_EVENT_HANDLER_RE = re.compile(r"[\s/\"']on\w+\s*=", re.IGNORECASE)
_QUOTED_VALUE_RE = re.compile(r'"[^"]*"')
_RAW_TEXT_TAGS_RE = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|svg|math|form|input|meta|base|link|textarea)\b",
    re.IGNORECASE,
)


def _url_core(value: str) -> str:
    """Lower-case a URL with every character a browser might ignore removed."""
    return "".join(
        ch for ch in value if not (ch.isspace() or unicodedata.category(ch)[0] in {"C", "Z"})
    ).lower()


class _Audit(HTMLParser):
    """Collect every safety violation in a fragment of rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        # Quoted values may legitimately contain "onerror=" as inert text; judge the markup only.
        if _EVENT_HANDLER_RE.search(_QUOTED_VALUE_RE.sub('""', raw)):
            self.problems.append(f"event handler in {raw!r}")
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> not allowlisted")
        allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset()) | _EXTRA_ALLOWED_ATTRIBUTES.get(
            tag, set()
        )
        names = [name for name, _ in attrs]
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name == "style" or name not in allowed:
                self.problems.append(f"attribute {name}={value!r} on <{tag}>")
            if name in {"href", "src"}:
                self._check_url(tag, name, value)
        if tag == "a" and (dict(attrs).get("rel") != REL or names.count("rel") != 1):
            self.problems.append(f"<a> without rel={REL!r}: {raw!r}")

    handle_startendtag = handle_starttag

    def _check_url(self, tag: str, name: str, value: str) -> None:
        core = _url_core(value)
        if core.startswith(("javascript:", "vbscript:", "data:", "//", "\\", "/\\")):
            self.problems.append(f"dangerous {name}={value!r} on <{tag}>")
        if value != value.strip() or core != value.lower():
            self.problems.append(f"hidden characters in {name}={value!r}")
        ok_prefixes: tuple[str, ...] = ("http://", "https://")
        if tag == "a":
            ok_prefixes += ("mailto:", "/", "#")
        if not core.startswith(ok_prefixes) or core.startswith("//"):
            self.problems.append(f"{name}={value!r} on <{tag}> is not an allowed URL form")


def audit(rendered: str) -> _Audit:
    """Tokenise rendered HTML and record its elements and any safety violations."""
    result = _Audit()
    result.feed(rendered)
    result.close()
    # Checking tokens is enough only while nothing can switch a browser's tokeniser into another
    # mode (raw text, RCDATA, foreign content, comments); with those absent, the browser sees the
    # very tags and attributes html.parser saw, however it then nests them.
    if _RAW_TEXT_TAGS_RE.search(rendered):
        result.problems.append("dangerous tag survived as markup")
    if "<!" in rendered or "<?" in rendered:
        result.problems.append("comment, doctype, CDATA or processing instruction survived")
    if "<script" in rendered.lower():
        result.problems.append("<script in output")
    return result


def safety_problems(rendered: str) -> list[str]:
    """Return every way the rendered HTML breaks the sanitiser's guarantees."""
    return audit(rendered).problems


def assert_safe(source: str) -> str:
    """Render source, assert it is safe and return the HTML."""
    rendered = render_markdown(source)
    problems = safety_problems(rendered)
    assert not problems, f"{source!r} -> {rendered!r}: {problems}"
    return rendered


HOSTILE = [
    pytest.param("<script>alert(1)</script>", id="script-block"),
    pytest.param("hi <script>alert(1)</script> there", id="script-inline"),
    pytest.param("<SCRIPT SRC=http://evil.example/x.js></SCRIPT>", id="script-src-upper"),
    pytest.param("<scr<script>ipt>alert(1)</scr</script>ipt>", id="script-nested-split"),
    pytest.param("<script\x0ctype=text/javascript>alert(1)</script>", id="script-formfeed"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param('<img src="https://ok.example/a.png" onload="alert(1)">', id="img-onload"),
    pytest.param("<img/src=x/onerror=alert(1)>", id="img-slash-separators"),
    pytest.param('<IMG SRC="jav\tascript:alert(1)">', id="img-tab-scheme"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="a-javascript"),
    pytest.param("[x](javascript:alert(1))", id="md-javascript"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="md-javascript-mixed-case"),
    pytest.param("[x](&#106;avascript:alert(1))", id="md-entity-decimal"),
    pytest.param("[x](jav&#x09;ascript:alert(1))", id="md-entity-tab"),
    pytest.param('<a href="&#106;&#97;&#118;&#97;script:alert(1)">x</a>', id="a-entity-decimal"),
    pytest.param('<a href="&#x6A;avascript&#x3A;alert(1)">x</a>', id="a-entity-hex-colon"),
    pytest.param('<a href="jav&#x0A;ascript:alert(1)">x</a>', id="a-entity-newline"),
    pytest.param('<a href="jav&#0;ascript:alert(1)">x</a>', id="a-entity-nul"),
    pytest.param('<a href="jav\x00ascript:alert(1)">x</a>', id="a-raw-nul"),
    pytest.param('<a href=" \x01javascript:alert(1)">x</a>', id="a-leading-control"),
    pytest.param('<a href="java script:alert(1)">x</a>', id="a-space-in-scheme"),
    pytest.param('<a href="javascript&colon;alert(1)">x</a>', id="a-named-entity-colon"),
    pytest.param(
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        id="a-data-html",
    ),
    pytest.param("[x](data:text/html;base64,PHNjcmlwdD4=)", id="md-data"),
    pytest.param("![x](data:image/svg+xml;base64,PHN2Zz4=)", id="md-img-data"),
    pytest.param('<a href="vbscript:msgbox(1)">x</a>', id="a-vbscript"),
    pytest.param("[x](//evil.example)", id="md-protocol-relative"),
    pytest.param('<a href="//evil.example/">x</a>', id="a-protocol-relative"),
    pytest.param("[x](\\\\evil.example)", id="md-backslashes"),
    pytest.param('<a href="/\\evil.example">x</a>', id="a-slash-backslash"),
    pytest.param("[x](https://evil\u200b.example)", id="md-zero-width-space"),
    pytest.param("[x](https://example.com/\u202egpj.exe)", id="md-rtl-override"),
    pytest.param('<a href="java\u00adscript:alert(1)">x</a>', id="a-soft-hyphen"),
    pytest.param('<a href="\ufeffjavascript:alert(1)">x</a>', id="a-bom"),
    pytest.param('<a href="https://a.example/\u2028x">x</a>', id="a-line-separator"),
    pytest.param('<a href="https://a\u2066.example">x</a>', id="a-bidi-isolate"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', id="svg-a"),
    pytest.param("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", id="math-mxss"),
    pytest.param('<p style="background:url(javascript:alert(1))">x</p>', id="style-attr"),
    pytest.param("<style>body{background:red}</style>text", id="style-block"),
    pytest.param('<iframe src="https://evil.example"></iframe>', id="iframe"),
    pytest.param('<iframe srcdoc="<script>alert(1)</script>">', id="iframe-srcdoc"),
    pytest.param('<object data="javascript:alert(1)"></object>', id="object"),
    pytest.param('<embed src="javascript:alert(1)">', id="embed"),
    pytest.param(
        '<form action="https://evil.example"><input name=p autofocus onfocus=alert(1)></form>',
        id="form-input",
    ),
    pytest.param('<button formaction="javascript:alert(1)">x</button>', id="button-formaction"),
    pytest.param(
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh"
    ),
    pytest.param('<base href="https://evil.example/">[x](/a)', id="base-href"),
    pytest.param('<link rel=stylesheet href="https://evil.example/x.css">', id="link-css"),
    pytest.param('<div><p title="</div><img src=x onerror=alert(1)>">x</p>', id="attr-breakout"),
    pytest.param("<b><i>unclosed <a href='javascript:alert(1)'>x", id="unclosed-tags"),
    pytest.param('<!--<img src="--><img src=x onerror=alert(1)//">', id="comment-trick"),
    pytest.param('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', id="noscript"),
    pytest.param("<textarea><script>alert(1)</script></textarea>", id="textarea"),
    pytest.param("<template><script>alert(1)</script></template>", id="template"),
    pytest.param("![x](javascript:alert(1))", id="md-img-javascript"),
    pytest.param('![x](https://ok.example/a.png "t\\" onerror=\\"alert(1))', id="md-img-title"),
    pytest.param("<javascript:alert(1)>", id="autolink-javascript"),
    pytest.param("<vbscript:msgbox(1)>", id="autolink-vbscript"),
    pytest.param("[x]\n\n[x]: javascript:alert(1)", id="md-reference-link"),
    pytest.param("[x](<javascript:alert(1)>)", id="md-angle-target"),
    pytest.param('[x](https://ok.example "a\\" onmouseover=\\"alert(1)")', id="md-title-quote"),
    pytest.param("```\n<script>alert(1)</script>\n```", id="fenced-code-script"),
    pytest.param('```js" onclick="alert(1)\n1\n```', id="fence-language-injection"),
    pytest.param('<a href="https://ok.example" rel="opener" target="_blank">x</a>', id="rel-attr"),
    pytest.param("<a href=/ok id=clobber name=location>x</a>", id="dom-clobbering"),
    pytest.param("<details open ontoggle=alert(1)>x</details>", id="details-ontoggle"),
    pytest.param('<video poster=javascript:alert(1)//"></video>', id="video-poster"),
    pytest.param("<table background=javascript:alert(1)><tr><td>x</td></tr></table>", id="table"),
    pytest.param('<h1 onclick="alert(1)">x</h1>', id="raw-h1-onclick"),
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_is_neutralised(source: str) -> None:
    rendered = render_markdown(source)
    result = audit(rendered)
    assert not result.problems, f"{source!r} -> {rendered!r}"
    assert "<script" not in rendered.lower()
    for tag, attrs in result.elements:
        assert not any(name.startswith("on") or name == "style" for name in attrs), tag
        for name in {"href", "src"} & attrs.keys():
            assert not _url_core(attrs[name]).startswith(("javascript:", "vbscript:", "data:"))
        if tag == "a":
            assert attrs.get("rel") == REL


def test_hostile_corpus_is_large_enough() -> None:
    assert len(HOSTILE) >= 40


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert('xss-marker')</script>",
        "<style>.xss-marker{}</style>",
        "<svg><text>xss-marker</text></svg>",
        "<template>xss-marker</template>",
        "<iframe>xss-marker</iframe>",
    ],
)
def test_dangerous_container_content_is_dropped_not_shown(source: str) -> None:
    assert "xss-marker" not in render_markdown(source)
    assert "xss-marker" not in markdown_to_text(source)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("[x](//evil.example)", "<a rel"),
        ("[x](https://evil\u200b.example)", "<a rel"),
        ("[x](other-page)", "<a rel"),  # path-relative: meaning depends on where it renders
        ("[x](javascript:alert(1))", "<a rel"),
    ],
)
def test_rejected_urls_drop_only_the_href(source: str, expected: str) -> None:
    rendered = render_markdown(source)
    assert "href" not in rendered
    assert expected in rendered
    assert ">x</a>" in rendered


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Title", "<h2>Title</h2>"),
        ("## Section", "<h2>Section</h2>"),
        ("###### Small", "<h6>Small</h6>"),
        ("*em* and **strong**", "<p><em>em</em> and <strong>strong</strong></p>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("3. three\n4. four", '<ol start="3">'),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("Term\n: Definition", "<dl>\n<dt>Term</dt>\n<dd>Definition</dd>\n</dl>"),
        ("*[KMRG]: Knowledge Management Reference Group\n\nKMRG", '<abbr title="Knowledge'),
        ("a `b<c>` d", "<code>b&lt;c&gt;</code>"),
        ("```python\nx = 1 < 2\n```", '<pre><code class="language-python">x = 1 &lt; 2\n'),
        ("    indented()", "<pre><code>indented()\n</code></pre>"),
        ("---", "<hr>"),
        ("H<sub>2</sub>O x<sup>2</sup> <del>old</del>", "<sub>2</sub>O x<sup>2</sup> <del>"),
        ("[s](https://sacn.org.za/a?b=1&c=2)", 'href="https://sacn.org.za/a?b=1&amp;c=2"'),
        ("[h](http://example.org)", 'href="http://example.org"'),
        ("[m](mailto:kmrg@example.org)", 'href="mailto:kmrg@example.org"'),
        ("<kmrg@example.org>", 'href="mailto:kmrg@example.org"'),
        ("<https://example.org/x>", '<a href="https://example.org/x" rel="nofollow noopener">'),
        ("[c](/case-studies/x)", '<a href="/case-studies/x" rel="nofollow noopener">c</a>'),
        ("[t](#top)", 'href="#top"'),
        ("[i](https://m\u00fcnchen.example/stra\u00dfe)", 'href="https://m\u00fcnchen.example/'),
        ("[p](/files/annual%20report.pdf)", 'href="/files/annual%20report.pdf"'),
        ('![d](https://example.org/d.png "T")', 'alt="d" src="https://example.org/d.png" title'),
    ],
)
def test_legitimate_markdown_survives(source: str, expected: str) -> None:
    rendered = assert_safe(source)
    assert expected in rendered


def test_tables_keep_alignment_without_style() -> None:
    rendered = assert_safe("| L | R | C |\n|:--|--:|:-:|\n| 1 | 2 | 3 |")
    assert '<th align="left">L</th>' in rendered
    assert '<td align="right">2</td>' in rendered
    assert '<td align="center">3</td>' in rendered
    assert "<thead>" in rendered
    assert "<tbody>" in rendered


def test_code_class_is_limited_to_one_language_class() -> None:
    rendered = render_markdown('<pre><code class="language-js evil x">1</code></pre>')
    assert '<code class="language-js">' in rendered
    assert "evil" not in rendered


def test_images_need_absolute_http_urls() -> None:
    assert "src" not in render_markdown("![x](/logout)")
    assert "src" not in render_markdown("![x](mailto:a@example.org)")
    assert 'src="https://example.org/a.png"' in render_markdown("![x](https://example.org/a.png)")


def test_rendering_does_not_leak_state_between_documents() -> None:
    render_markdown("*[HTML]: Secret expansion\n\n[r]: https://first.example\n\nHTML")
    second = render_markdown("HTML [r]")
    assert "Secret" not in second
    assert "first.example" not in second


@pytest.mark.parametrize("source", [None, "", "   \n"])
def test_empty_input_renders_to_nothing(source: str | None) -> None:
    assert render_markdown(source).strip() == ""
    assert markdown_to_text(source) == ""


def test_markdown_to_text_strips_tags_and_unescapes() -> None:
    text = markdown_to_text(
        "# Water & sanitation\n\nA *case* study.<script>bad()</script>\n\n- one\n- two\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nx < y"
    )
    assert text == "Water & sanitation A case study. one two a b 1 2 x < y"


def test_markdown_to_text_keeps_words_apart_across_blocks() -> None:
    assert markdown_to_text("one<br>two\n\nthree") == "one two three"


# --- payload files -------------------------------------------------------------------------------

_HANDLER_NAME_RE = re.compile(r"on[a-z]+")
_HANDLER_TEMPLATES = (
    "<img src=x {0}=alert(1)>",
    '<a href="https://ok.example" {0}="alert(1)">x</a>',
    "<svg {0}=alert(1)>",
    "<details open {0}=alert(1)>x</details>",
    '<p {0}="alert(1)" style="x">x</p>',
)


def _payload_files() -> list[Path]:
    """Return every payload file in the shared corpus, or [] when it is absent."""
    if not XSS_DIR.is_dir():
        return []
    return sorted(p for p in XSS_DIR.iterdir() if p.is_file() and not p.name.startswith("."))


def _payloads(path: Path) -> Iterator[str]:
    """Yield every payload a corpus file holds, in each form it can reach the renderer."""
    content = path.read_text(encoding="utf-8", errors="replace")
    lines = [
        line
        for line in content.splitlines()
        # blns.txt uses "#\t" comment lines; a lone "#" line in other files is still a payload.
        if line.strip() and not (path.name == "blns.txt" and line.startswith("#"))
    ]
    if lines and all(_HANDLER_NAME_RE.fullmatch(line.strip()) for line in lines):
        # A list of event-handler names, not of payloads: wrap each in the usual carriers.
        for name in lines:
            for template in _HANDLER_TEMPLATES:
                yield template.format(name.strip())
        return
    yield content  # whole file: multi-line vectors and cross-line Markdown constructs
    for block in re.split(r"\n\s*\n", content):
        if "\n" in block.strip():
            yield block
    for line in lines:
        yield line
        # The same strings as link and image targets exercise the URL filter too.
        yield f"[x]({line})"
        yield f"![x]({line})"


@pytest.mark.parametrize(
    "path", _payload_files() or [pytest.param(None, id="no-corpus")], ids=lambda p: p.name
)
def test_shared_xss_payload_corpus(path: Path | None) -> None:
    if path is None:
        pytest.skip(f"shared XSS payload corpus not found at {XSS_DIR}")
    failures = []
    count = 0
    for payload in _payloads(path):
        count += 1
        rendered = render_markdown(payload)
        problems = safety_problems(rendered)
        if problems:
            failures.append(f"{payload[:120]!r} -> {rendered[:200]!r}: {problems}")
    assert count, f"{path.name} yielded no payloads"
    assert not failures, f"{len(failures)} unsafe renderings, e.g.\n" + "\n".join(failures[:10])


# --- re-render registry --------------------------------------------------------------------------


class _Base(DeclarativeBase):
    pass


class _Note(_Base):
    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50), default="")
    body: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    """Yield a session on a fresh in-memory database with an empty registry."""
    monkeypatch.setattr(kmd, "_registry", [])
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as db:
        yield db
    engine.dispose()


def test_register_rendered_field_rejects_unknown_attributes(session: Session) -> None:
    with pytest.raises(AttributeError, match="bodyy"):
        register_rendered_field(_Note, "bodyy", "body_html")
    assert registered_fields() == ()


def test_register_rendered_field_is_idempotent(session: Session) -> None:
    register_rendered_field(_Note, "body", "body_html")
    register_rendered_field(_Note, "body", "body_html")
    assert registered_fields() == ((_Note, "body", "body_html"),)


def test_rerender_all_updates_only_stale_rows_in_batches(session: Session) -> None:
    register_rendered_field(_Note, "body", "body_html")
    fresh = "*fresh*"
    rows = [_Note(body=f"row {i} <script>x</script>", body_html="stale") for i in range(450)]
    rows.append(_Note(body=fresh, body_html=render_markdown(fresh)))
    rows.append(_Note(body=None, body_html="<p>old</p>"))
    session.add_all(rows)
    session.commit()

    assert rerender_all(session) == 451
    session.commit()
    assert rerender_all(session) == 0

    by_body = {n.body: n.body_html for n in session.scalars(select(_Note))}
    assert by_body["row 7 <script>x</script>"] == "<p>row 7 </p>"
    assert by_body[fresh] == "<p><em>fresh</em></p>"
    assert by_body[None] == ""


def test_rerender_all_without_registrations_changes_nothing(session: Session) -> None:
    session.add(_Note(body="x", body_html="stale"))
    session.commit()
    assert rerender_all(session) == 0
