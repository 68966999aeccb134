"""The expert directory's search: free text, facets, visibility, ranking and "why matched".

One call, `search_experts`, does the lot:
1. free text goes to the search engine (documents of type "expert" in the viewer's audiences);
2. SQL narrows by visibility and facets (and to the text's hits), loading only ids and names;
4. what the viewer may see of each person's evidence, endorsements and claims in the requested
   areas (a theme chosen, or themes and skills the free text names) becomes a `Candidate`;
5. kmrg/experts/ranking.py orders them; then the page is cut and only its profiles load, each
   checked by its own permission, which has the last word.
A directory holds a few thousand profiles at most, so ranking in Python over the narrowed set is
cheap, and every step is one or a few queries whatever the number of people.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmrg.auth.models import User
from kmrg.experts import endorsements as endorsements_module
from kmrg.experts.evidence import ProfileRef, VisibleEvidence, visible_evidence
from kmrg.experts.models import Expertise, ExpertiseLevel, ExpertProfile, area_key
from kmrg.experts.permissions import can_view_expert_profile
from kmrg.experts.queries import ExpertFilters, load_profiles, narrow, visible_profiles_query
from kmrg.experts.ranking import (
    LEVEL_RANK,
    WORD,
    Candidate,
    Claim,
    EndorsementTally,
    EvidenceTally,
    find_text_matches,
    query_words,
    rank,
    terms_of_words,
    why_matched,
)
from kmrg.pagination import PageNumbers
from kmrg.search.queries import match_documents
from kmrg.search.snippets import highlight
from kmrg.themes.models import Theme
from kmrg.themes.queries import list_themes

DOC_TYPE = "expert"  # kmrg/experts/search.py registers profiles under this name
PER_PAGE = 20
MAX_TEXT_LENGTH = 200  # as kmrg.search.queries.MAX_QUERY_LENGTH: longer text is cut there anyway


EvidenceSignal = Callable[[Session, Sequence[ProfileRef], Any], dict[int, VisibleEvidence]]
EndorsementSignal = Callable[[Session, Sequence[int]], dict[int, Counter[str]]]


@dataclass(frozen=True)
class Signals:
    """Where corroboration comes from; swap one to test, or when a new kind of record lands."""

    evidence: EvidenceSignal = visible_evidence
    endorsements: EndorsementSignal = endorsements_module.endorsement_counts


DEFAULT_SIGNALS = Signals()


@dataclass(frozen=True)
class DirectoryResult:
    """One person in the results, with the reasons they are there."""

    profile: ExpertProfile
    reasons: list[str]


@dataclass(frozen=True)
class DirectoryPage(PageNumbers):
    """One page of the directory (it quacks like Flask-SQLAlchemy's pagination for the pager)."""

    results: list[DirectoryResult]
    total: int
    page: int
    per_page: int
    # The areas ranking looked at (a chosen theme, themes or skills the free text names).
    areas: list[str] = field(default_factory=list)


def _normalised(text: str) -> str:
    return " ".join(WORD.findall(text.casefold()))


def _names(text: str, name: str) -> bool:
    wanted = _normalised(name)
    return bool(wanted) and f" {wanted} " in f" {_normalised(text)} "


@dataclass(frozen=True)
class _ClaimRow:
    key: str
    theme_id: int | None
    skill: str
    level: ExpertiseLevel


def _claims(session: Session, profile_ids: Sequence[int]) -> dict[int, list[_ClaimRow]]:
    claims: dict[int, list[_ClaimRow]] = defaultdict(list)
    if not profile_ids:
        return claims
    rows = session.execute(
        select(Expertise.profile_id, Expertise.theme_id, Expertise.skill, Expertise.level)
        .where(Expertise.profile_id.in_(list(profile_ids)))
        .order_by(Expertise.id)
    )
    for profile_id, theme_id, skill, level in rows:
        row = _ClaimRow(area_key(theme_id, skill), theme_id, skill or "", level)
        claims[profile_id].append(row)
    return claims


def _requested_areas(
    theme: Theme | None,
    text: str,
    themes: Sequence[Theme],
    claims: Mapping[int, list[_ClaimRow]],
) -> dict[str, str]:
    """Return the areas ranking looks at, by area key: the theme chosen and what text names."""
    areas = {}
    if theme is not None:
        areas[area_key(theme.id, None)] = theme.name
    if text:
        for named in themes:
            if _names(text, named.name):
                areas.setdefault(area_key(named.id, None), named.name)
        for rows in claims.values():
            for row in rows:
                if row.theme_id is None and _names(text, row.skill):
                    areas.setdefault(row.key, row.skill)
    return areas


def _candidate(
    profile: ProfileRef,
    areas: Mapping[str, str],
    claims: Sequence[_ClaimRow],
    evidence: Counter[tuple[int, str]],
    endorsed: Counter[str],
    text_score: float,
) -> Candidate:
    evidence_tallies = tuple(
        EvidenceTally(area=name, kind_label=kind_label, count=count)
        for key, name in areas.items()
        for (theme_id, kind_label), count in sorted(evidence.items())
        if key == area_key(theme_id, None)
    )
    endorsement_tallies = tuple(
        EndorsementTally(area=name, count=endorsed[key])
        for key, name in areas.items()
        if endorsed.get(key)
    )
    best: dict[str, ExpertiseLevel] = {}
    for row in claims:
        if row.key not in areas:
            continue
        if row.key not in best or LEVEL_RANK[row.level] > LEVEL_RANK[best[row.key]]:
            best[row.key] = row.level
    return Candidate(
        profile_id=profile.id,
        name=profile.name,
        evidence=evidence_tallies,
        endorsements=endorsement_tallies,
        claims=tuple(Claim(area=areas[key], level=level) for key, level in best.items()),
        text_score=text_score,
    )


TAG = re.compile(r"<[^>]*>")


def _text_of(sanitised_html: str) -> str:
    # The stored rendering, as words: the search document indexes the rendered text too (not
    # the Markdown source, whose "*word*" the engine would not match), and rendering the
    # Markdown again per result costs more than the whole query. Only matched, never shown.
    return html.unescape(TAG.sub(" ", sanitised_html or ""))


def _places(profile: ExpertProfile, evidence: VisibleEvidence | None) -> list[tuple[str, str]]:
    organisation = profile.organisation
    return [
        ("name", profile.name),
        ("headline", profile.headline),
        ("expertise", " · ".join(item.name for item in profile.expertise)),
        ("biography", _text_of(profile.biography_html)),
        ("evidence", " · ".join(item.title for item in evidence.items) if evidence else ""),
        ("organisation", organisation.name if organisation is not None else ""),
        ("province", profile.province.label if profile.province is not None else ""),
        ("languages", " · ".join(language.label for language in profile.languages)),
    ]


def search_experts(
    session: Session,
    filters: ExpertFilters,
    viewer: Any,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    signals: Signals = DEFAULT_SIGNALS,
) -> DirectoryPage:
    """Return one page of the profiles `viewer` may see that match `filters`, best first.

    Only what `viewer` may see is counted, ranked or named in a reason.
    """
    text = " ".join(filters.text.split())
    theme = None
    if filters.theme:
        theme = session.scalar(select(Theme).where(Theme.slug == filters.theme))
    scores: dict[int, float] = {}
    terms: frozenset[str] = frozenset()
    # Ranking needs only who is there and their names: rows, not profiles, so a directory of
    # thousands costs milliseconds; only the page shown loads whole profiles.
    query = visible_profiles_query(viewer).with_only_columns(
        ExpertProfile.id,
        ExpertProfile.user_id,
        func.coalesce(User.name, ExpertProfile.external_name).label("name"),
    )
    # The theme facet counts evidence too, so it is applied below rather than in SQL.
    query = narrow(query, replace(filters, theme=""))
    if text:
        matched = match_documents(text, viewer, DOC_TYPE)
        terms = matched.terms
        for hit in matched.hits:
            if hit.doc_id.isdigit():
                scores.setdefault(int(hit.doc_id), hit.score)
        if not scores:
            return DirectoryPage(results=[], total=0, page=1, per_page=per_page)
        query = query.where(ExpertProfile.id.in_(list(scores)))
    # The SQL applies the same rule as can_view_expert_profile, which checks the page shown.
    profiles = list(session.execute(query))
    ids = [profile.id for profile in profiles]
    claims = _claims(session, ids)
    themes = list_themes(session) if text else []
    areas = _requested_areas(theme, text, themes, claims)
    wants_themes = any(key.startswith("theme:") for key in areas)
    evidence = signals.evidence(session, profiles, viewer) if wants_themes else {}
    tallies = {profile_id: found.tallies() for profile_id, found in evidence.items()}
    endorsed = signals.endorsements(session, ids) if areas else {}
    if theme is not None:
        profiles = [
            profile
            for profile in profiles
            if any(row.theme_id == theme.id for row in claims.get(profile.id, []))
            or any(theme_id == theme.id for theme_id, _ in tallies.get(profile.id, Counter()))
        ]
    candidates = rank(
        _candidate(
            profile,
            areas,
            claims.get(profile.id, []),
            tallies.get(profile.id, Counter()),
            endorsed.get(profile.id, Counter()),
            scores.get(profile.id, 0.0),
        )
        for profile in profiles
    )
    total = len(candidates)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    shown = candidates[(page - 1) * per_page : page * per_page]
    loaded = load_profiles(session, [candidate.profile_id for candidate in shown])
    word_terms = terms_of_words(query_words(text), terms, highlight) if text else {}
    if word_terms and not evidence:
        evidence = signals.evidence(session, list(loaded.values()), viewer)
    results = []
    for candidate in shown:
        profile = loaded.get(candidate.profile_id)
        # Gone since the ranking query, or hidden meanwhile: the permission has the last word.
        if profile is None or not can_view_expert_profile(viewer, profile):
            continue
        if word_terms:
            places = _places(profile, evidence.get(profile.id))
            candidate = replace(
                candidate, text_matches=find_text_matches(word_terms, places, highlight)
            )
        results.append(DirectoryResult(profile=profile, reasons=why_matched(candidate)))
    return DirectoryPage(
        results=results, total=total, page=page, per_page=per_page, areas=list(areas.values())
    )
