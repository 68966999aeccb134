"""Facet counts as a page lists them: named, ordered, the chosen values marked."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kmrg.search.language import Filter
from kmrg.search.registry import Facet

# A facet lists this many values at once; the rest fold under "more".
SHOWN_VALUES = 8


@dataclass(frozen=True)
class FacetOption:
    """One value of a facet: its name, how many results have it, and whether it is chosen."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetList:
    """A facet as the page lists it."""

    name: str
    label: str
    options: list[FacetOption]

    @property
    def shown(self) -> list[FacetOption]:
        return self.options[:SHOWN_VALUES] + [
            option for option in self.options[SHOWN_VALUES:] if option.selected
        ]

    @property
    def more(self) -> list[FacetOption]:
        return [option for option in self.options[SHOWN_VALUES:] if not option.selected]


@dataclass(frozen=True)
class AppliedFilter:
    """A facet value the results are narrowed by, named for people."""

    facet: str
    facet_label: str
    value: str
    label: str


def name_values(
    session: Session, facets: Collection[Facet], wanted: Mapping[str, Collection[str]]
) -> dict[str, dict[str, str]]:
    """Return {facet: {value: label}} for the wanted values, one lookup per facet."""
    named: dict[str, dict[str, str]] = {}
    for facet in facets:
        values = wanted.get(facet.name)
        if values:
            named[facet.name] = dict(facet.labels(session, sorted(values)))
    return named


def facet_lists(
    facets: Collection[Facet],
    counts: Mapping[str, Mapping[str, int]],
    labels: Mapping[str, Mapping[str, str]],
    chosen: Collection[Filter],
) -> list[FacetList]:
    """Return each facet with its values, best first; facets no result has are left out."""
    selected = {(f.facet, f.value) for f in chosen}
    lists = []
    for facet in facets:
        named = labels.get(facet.name, {})
        options = [
            FacetOption(value, named.get(value, value), count, (facet.name, value) in selected)
            for value, count in counts.get(facet.name, {}).items()
            # A value nobody may name any more (a retired theme's slug) is not offered.
            if value in named
        ]
        if not options:
            continue
        if facet.order == "newest":
            options.sort(key=lambda option: option.value, reverse=True)
        elif facet.order == "label":
            options.sort(key=lambda option: option.label.casefold())
        else:
            options.sort(key=lambda option: (-option.count, option.label.casefold()))
        lists.append(FacetList(facet.name, facet.label, options))
    return lists


def applied_filters(
    facets: Collection[Facet],
    chosen: Collection[Filter],
    labels: Mapping[str, Mapping[str, str]],
) -> list[AppliedFilter]:
    """Return the chosen facet values, named."""
    by_name = {facet.name: facet for facet in facets}
    return [
        AppliedFilter(
            facet=f.facet,
            facet_label=by_name[f.facet].label if f.facet in by_name else f.facet,
            value=f.value,
            label=labels.get(f.facet, {}).get(f.value, f.value),
        )
        for f in chosen
    ]
