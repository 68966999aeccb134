"""Evidence of expertise from the Hub's own records: a registry other areas plug providers into.

An area whose records show what a person has done (case studies they own or wrote, lessons they
contributed; later peer assists and presentations at meetings) registers an EvidenceProvider
here, from its own module, so the experts area never imports it. Each theme of an evidence item
is an expertise area inferred for the person; the owner confirms or hides it (AreaDecision).
Items whose every area is hidden are shown to nobody but those who decide for the profile.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from flask import current_app, has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from kmrg.experts.models import AreaDecision, ExpertProfile
from kmrg.experts.permissions import can_decide_inferred_area
from kmrg.themes.models import Theme


@dataclass(frozen=True)
class EvidenceItem:
    """One record that shows a person's expertise, as a provider describes it.

    - `kind`, `kind_label`: what sort of record ("case_study", "Case study");
    - `role`: what the person did in it ("Project owner", "Wrote the lesson");
    - `theme_ids`: the themes of the record, each an inferred expertise area;
    - `happened_on`: the date the list is sorted by (newest first);
    - `is_public`: anonymous visitors may see the record (only such items reach search);
    - `viewable_by(viewer)`: the providing area's own permission check (default: `is_public`);
    - `is_hidden`: set by collect_evidence for the owner, when every area of the item is hidden.
    """

    kind: str
    kind_label: str
    role: str
    title: str
    url: str
    theme_ids: tuple[int, ...] = ()
    happened_on: date | None = None
    is_public: bool = False
    viewable_by: Callable[[Any], bool] | None = field(default=None, compare=False, repr=False)
    is_hidden: bool = False

    def can_view(self, viewer: Any) -> bool:
        """Tell whether `viewer` may see the record behind this item."""
        if self.viewable_by is None:
            return self.is_public
        return bool(self.viewable_by(viewer))


Collect = Callable[[Session, Sequence[int]], dict[int, list[EvidenceItem]]]
Dependent = Callable[[Any, Connection], Iterable[int]]


@dataclass(frozen=True)
class EvidenceProvider:
    """An area's source of evidence.

    - `collect(session, user_ids)`: each person's items, by user id, in one or a few queries
      whatever the number of people (the directory ranks a page of profiles at once);
    - `dependents`: for a model of the providing area, a function from a changed row and a Core
      connection to the user ids whose evidence that change alters (it runs during a flush, so
      Core queries only); the experts area re-indexes those people's search documents. It may be
      a function returning that dict, for a provider whose models come from another registry:
      it is called when the search registry settles, once every area has registered.
    """

    name: str
    label: str
    collect: Collect
    dependents: dict[type[Any], Dependent] | Callable[[], dict[type[Any], Dependent]] = field(
        default_factory=dict
    )

    def settled_dependents(self) -> dict[type[Any], Dependent]:
        """Return the dependents, reading other registries now if they are given as a function."""
        return self.dependents() if callable(self.dependents) else self.dependents


_providers: dict[str, EvidenceProvider] = {}


def register_evidence_provider(provider: EvidenceProvider) -> EvidenceProvider:
    """Register a provider of evidence; registering the same name again replaces it."""
    _providers[provider.name] = provider
    return provider


def unregister_evidence_provider(name: str) -> None:
    """Forget the provider called `name` (tests use it to clean up after themselves)."""
    _providers.pop(name, None)


def registered_evidence_providers() -> list[EvidenceProvider]:
    """Return every registered provider, in registration order."""
    return list(_providers.values())


def evidence_url(endpoint: str, **values: Any) -> str:
    """Return the path of a page, inside a request or not (the search indexer builds evidence)."""
    if has_request_context():
        return url_for(endpoint, **values)
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    return current_app.url_map.bind("localhost", script_name=root).build(endpoint, values)


def evidence_for_users(session: Session, user_ids: Sequence[int]) -> dict[int, list[EvidenceItem]]:
    """Return every provider's items for each person, by user id, unfiltered and unsorted."""
    found: dict[int, list[EvidenceItem]] = {user_id: [] for user_id in user_ids}
    if not found:
        return found
    for provider in registered_evidence_providers():
        for user_id, items in provider.collect(session, list(found)).items():
            if user_id in found:
                found[user_id].extend(items)
    return found


def _hidden_theme_ids(session: Session, profile_ids: Sequence[int]) -> dict[int, set[int]]:
    hidden: dict[int, set[int]] = {profile_id: set() for profile_id in profile_ids}
    if not hidden:
        return hidden
    rows = session.execute(
        select(AreaDecision.profile_id, AreaDecision.theme_id).where(
            AreaDecision.profile_id.in_(list(hidden)), AreaDecision.is_hidden.is_(True)
        )
    )
    for profile_id, theme_id in rows:
        hidden[profile_id].add(theme_id)
    return hidden


def _in_hidden_areas(item: EvidenceItem, hidden: set[int]) -> bool:
    # An item still shows what the person knows in any area they did not hide.
    return bool(item.theme_ids) and all(theme_id in hidden for theme_id in item.theme_ids)


def _newest_first(items: Iterable[EvidenceItem]) -> list[EvidenceItem]:
    by_title = sorted(items, key=lambda item: (item.title.lower(), item.kind))
    return sorted(by_title, key=lambda item: item.happened_on or date.min, reverse=True)


def collect_evidence(session: Session, profile: ExpertProfile, viewer: Any) -> list[EvidenceItem]:
    """Return the evidence `viewer` may see on a profile, newest first.

    Items in areas the owner hid are left out, except for those who decide for the profile, who
    see them marked `is_hidden`. An external person has no records in the Hub, so no evidence.
    """
    if profile.user_id is None:
        return []
    items = evidence_for_users(session, [profile.user_id])[profile.user_id]
    hidden = _hidden_theme_ids(session, [profile.id])[profile.id]
    sees_hidden = can_decide_inferred_area(viewer, profile)
    shown = []
    for item in items:
        if not item.can_view(viewer):
            continue
        if _in_hidden_areas(item, hidden):
            if not sees_hidden:
                continue
            item = replace(item, is_hidden=True)
        shown.append(item)
    return _newest_first(shown)


class AreaState(StrEnum):
    """What the owner decided about an inferred area."""

    CONFIRMED = "confirmed"
    HIDDEN = "hidden"
    UNDECIDED = "undecided"

    @property
    def label(self) -> str:
        return {
            "confirmed": "Confirmed",
            "hidden": "Hidden",
            "undecided": "Suggested by the Hub's records",
        }[self]


@dataclass(frozen=True)
class InferredArea:
    """An expertise area the Hub's records suggest, with its evidence and the owner's decision."""

    theme: Theme
    items: list[EvidenceItem]
    decision: AreaState
    decided_at: datetime | None = None

    @property
    def is_confirmed(self) -> bool:
        return self.decision is AreaState.CONFIRMED

    @property
    def is_hidden(self) -> bool:
        return self.decision is AreaState.HIDDEN


def _decisions(session: Session, profile: ExpertProfile) -> dict[int, AreaDecision]:
    rows = session.scalars(select(AreaDecision).where(AreaDecision.profile_id == profile.id))
    return {decision.theme_id: decision for decision in rows}


def inferred_areas(
    session: Session,
    profile: ExpertProfile,
    viewer: Any,
    *,
    evidence: Sequence[EvidenceItem] | None = None,
) -> list[InferredArea]:
    """Return the areas the evidence `viewer` may see suggests, best evidenced first.

    Hidden areas are listed (last) only to those who decide for the profile. Pass `evidence`
    (collect_evidence's result for the same viewer) to save collecting it again.
    """
    if evidence is None:
        evidence = collect_evidence(session, profile, viewer)
    by_theme: dict[int, list[EvidenceItem]] = {}
    for item in evidence:
        for theme_id in item.theme_ids:
            by_theme.setdefault(theme_id, []).append(item)
    if not by_theme:
        return []
    decisions = _decisions(session, profile)
    sees_hidden = can_decide_inferred_area(viewer, profile)
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.id.in_(list(by_theme))))}
    areas = []
    for theme_id, items in by_theme.items():
        decision = decisions.get(theme_id)
        if decision is None:
            state = AreaState.UNDECIDED
        else:
            state = AreaState.HIDDEN if decision.is_hidden else AreaState.CONFIRMED
        if theme_id not in themes or (state is AreaState.HIDDEN and not sees_hidden):
            continue
        areas.append(
            InferredArea(
                theme=themes[theme_id],
                items=items,
                decision=state,
                decided_at=decision.decided_at if decision is not None else None,
            )
        )
    areas.sort(key=lambda a: (a.is_hidden, not a.is_confirmed, -len(a.items), a.theme.name))
    return areas


@dataclass(frozen=True)
class VisibleEvidence:
    """The evidence items a viewer may see of one person, and the areas the person hid."""

    items: list[EvidenceItem] = field(default_factory=list)
    hidden_theme_ids: frozenset[int] = frozenset()

    def tallies(self) -> Counter[tuple[int, str]]:
        """Count items by (theme id, kind label), hidden areas left out."""
        counts: Counter[tuple[int, str]] = Counter()
        for item in self.items:
            for theme_id in item.theme_ids:
                if theme_id not in self.hidden_theme_ids:
                    counts[(theme_id, item.kind_label)] += 1
        return counts

    def theme_counts(self) -> Counter[int]:
        """Count items by theme id, hidden areas left out."""
        counts: Counter[int] = Counter()
        for (theme_id, _kind), number in self.tallies().items():
            counts[theme_id] += number
        return counts


class ProfileRef(Protocol):
    """What batch functions need of a profile: a loaded one, or a row of its id and user id."""

    @property
    def id(self) -> int: ...

    @property
    def user_id(self) -> int | None: ...


def visible_evidence(
    session: Session, profiles: Sequence[ProfileRef], viewer: Any
) -> dict[int, VisibleEvidence]:
    """Return, per profile id, the evidence `viewer` may see outside hidden areas, in one batch.

    For the directory, which ranks and explains many profiles at once: hidden areas never count,
    even when the viewer is the owner. External people have no records, so no entry.
    """
    user_of = {p.id: p.user_id for p in profiles if p.user_id is not None}
    evidence = evidence_for_users(session, sorted(set(user_of.values())))
    hidden = _hidden_theme_ids(session, list(user_of))
    found = {}
    for profile_id, user_id in user_of.items():
        items = [
            item
            for item in evidence.get(user_id, [])
            if item.can_view(viewer) and not _in_hidden_areas(item, hidden[profile_id])
        ]
        found[profile_id] = VisibleEvidence(items, frozenset(hidden[profile_id]))
    return found


def evidence_theme_counts(
    session: Session, profiles: Sequence[ProfileRef], viewer: Any
) -> dict[int, Counter[int]]:
    """Count, per profile id and theme id, the evidence `viewer` may see, hidden areas left out."""
    visible = visible_evidence(session, profiles, viewer)
    return {
        profile.id: visible[profile.id].theme_counts() if profile.id in visible else Counter()
        for profile in profiles
    }


def evidence_for_search(
    session: Session, profiles: Sequence[ProfileRef]
) -> dict[int, list[EvidenceItem]]:
    """Return, per profile id, the public evidence outside hidden areas, for search documents.

    In one batch: the indexer and the search page build many profiles' documents at once.
    """
    user_of = {p.id: p.user_id for p in profiles if p.user_id is not None}
    evidence = evidence_for_users(session, sorted(set(user_of.values())))
    hidden = _hidden_theme_ids(session, list(user_of))
    return {
        profile.id: _newest_first(
            item
            for item in evidence.get(user_of[profile.id], [])
            if item.is_public and not _in_hidden_areas(item, hidden[profile.id])
        )
        if profile.id in user_of
        else []
        for profile in profiles
    }
