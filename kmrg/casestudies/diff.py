"""A readable, word-level comparison of two revisions of a case study.

The result is plain data (runs of equal, inserted and deleted text); the template escapes every
run as it wraps it in <ins> or <del>, so authors' text can never become markup.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from kmrg.casestudies.models import SECTIONS, CaseStudyRevision

FIELDS: list[tuple[str, str]] = [
    ("title", "Title"),
    ("summary", "Summary"),
    *SECTIONS,
    ("links", "Links"),
]
# Words with the whitespace after them, so joining the pieces gives back the text exactly.
_TOKENS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Run:
    """A stretch of text found in both revisions, only in the newer, or only in the older."""

    kind: str  # "equal", "insert" or "delete"
    text: str


@dataclass(frozen=True)
class FieldDiff:
    """How one field changed between two revisions."""

    name: str
    label: str
    runs: list[Run]

    @property
    def changed(self) -> bool:
        return any(run.kind != "equal" for run in self.runs)


def revision_texts(revision: CaseStudyRevision) -> dict[str, str]:
    """Return every field a revision keeps, by name."""
    sections = revision.sections or {}
    texts = {"title": revision.title, "summary": revision.summary}
    texts.update({name: str(sections.get(name, "")) for name, _label in FIELDS[2:]})
    return texts


def diff_texts(old: str, new: str) -> list[Run]:
    """Compare two texts word by word."""
    old_tokens, new_tokens = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    runs: list[Run] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(Run("equal", "".join(old_tokens[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            runs.append(Run("delete", "".join(old_tokens[i1:i2])))
        if tag in ("insert", "replace"):
            runs.append(Run("insert", "".join(new_tokens[j1:j2])))
    return runs


def diff_revisions(old: CaseStudyRevision, new: CaseStudyRevision) -> list[FieldDiff]:
    """Compare two revisions field by field, in reading order."""
    old_texts, new_texts = revision_texts(old), revision_texts(new)
    return [
        FieldDiff(name, label, diff_texts(old_texts[name], new_texts[name]))
        for name, label in FIELDS
    ]
