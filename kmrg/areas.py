"""How a feature area plugs into the Hub: one entry point per area, one ordered list in app.py.

An area is a package under `kmrg/` whose `__init__.py` defines its blueprint and an
`init_app(app)` that registers everything the area contributes, each through the registry that
owns it: its blueprint (`app.register_blueprint`), its search documents (kmrg.search.registry),
a lesson source (kmrg.lessons.sources), an evidence provider (kmrg.experts.evidence), and here:
its navigation entry, its template permissions and its demo loader. `kmrg.app.AREAS` names the
areas in the order their blueprints are registered; nothing else depends on that order, because
the registries settle what refers across areas (a lesson re-indexed when its source changes, an
expert when their evidence does) only once every area has registered (`settle_areas`).

    def init_app(app: Flask) -> None:
        from kmrg.events import permissions, views  # noqa: F401  (views attach their routes)

        app.register_blueprint(blueprint)
        add_navigation(app, "events.list_meetings", "Meetings", order=40)
        add_template_permissions(app, permissions)
        add_demo_loader(app, "meetings", load_meeting_demo, after=("case studies",))
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

EXTENSION_KEY = "kmrg.areas"


@dataclass(frozen=True)
class NavigationEntry:
    """A link in the site header: lower `order` comes first."""

    endpoint: str
    label: str
    order: int


@dataclass(frozen=True)
class DemoContext:
    """What every demo loader may use: the demo people's shared password hash."""

    password_hash: str


DemoLoad = Callable[[Session, DemoContext], None]


@dataclass(frozen=True)
class DemoLoader:
    """An area's demo content, loaded after the loaders named in `after`."""

    name: str
    load: DemoLoad
    after: tuple[str, ...] = ()


@dataclass
class AreaRegistry:
    """What the areas registered on one app."""

    navigation: list[NavigationEntry] = field(default_factory=list)
    permissions: dict[str, Callable[..., bool]] = field(default_factory=dict)
    demo_loaders: dict[str, DemoLoader] = field(default_factory=dict)
    settled: bool = False


def areas_of(app: Flask) -> AreaRegistry:
    """Return the registry of `app`'s areas (created on first use)."""
    registry = app.extensions.get(EXTENSION_KEY)
    if registry is None:
        registry = app.extensions[EXTENSION_KEY] = AreaRegistry()
    return registry


def init_areas(app: Flask, packages: Iterable[str]) -> None:
    """Call each area package's `init_app(app)`, in order."""
    for package in packages:
        module = import_module(package)
        init_app = getattr(module, "init_app", None)
        if init_app is None:
            raise TypeError(f"{package} is listed as an area but has no init_app(app)")
        init_app(app)


def add_navigation(app: Flask, endpoint: str, label: str, *, order: int) -> None:
    """Show a link to `endpoint` in the site header, at `order` (10, 20, … leave room)."""
    entries = areas_of(app).navigation
    entries.append(NavigationEntry(endpoint, label, order))
    entries.sort(key=lambda entry: (entry.order, entry.label))


def add_template_permissions(app: Flask, module: ModuleType) -> None:
    """Let templates ask each `can_<verb>_<noun>(user, …)` of `module` as `can("<verb>_<noun>", …)`.

    Names are unique across areas, so `can("edit_meeting", meeting)` always means one function.
    """
    known = areas_of(app).permissions
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if not name.startswith("can_") or function.__module__ != module.__name__:
            continue
        asked_as = name.removeprefix("can_")
        if asked_as in known and known[asked_as] is not function:
            raise ValueError(f"two areas define {name}: rename one")
        known[asked_as] = function


def template_permission(app: Flask, name: str) -> Callable[..., bool]:
    """Return the registered permission function asked for as `can(name, …)`."""
    try:
        return areas_of(app).permissions[name]
    except KeyError:
        raise LookupError(f"no area registered a permission can_{name}") from None


def add_demo_loader(app: Flask, name: str, load: DemoLoad, *, after: Iterable[str] = ()) -> None:
    """Load `load(session, context)` with the demo, after the loaders named in `after`."""
    areas_of(app).demo_loaders[name] = DemoLoader(name, load, tuple(after))


def ordered_demo_loaders(app: Flask) -> list[DemoLoader]:
    """Return the demo loaders, each after those it names (registration order otherwise)."""
    loaders = areas_of(app).demo_loaders
    ordered: list[DemoLoader] = []
    visiting: set[str] = set()

    def visit(loader: DemoLoader) -> None:
        if loader in ordered:
            return
        if loader.name in visiting:
            raise ValueError(f"demo loaders wait for each other: {loader.name}")
        visiting.add(loader.name)
        for name in loader.after:
            if name not in loaders:
                raise LookupError(f"demo loader {loader.name} waits for unknown {name!r}")
            visit(loaders[name])
        visiting.discard(loader.name)
        ordered.append(loader)

    for loader in loaders.values():
        visit(loader)
    return ordered


def settle_areas(app: Flask, *settlers: Callable[[], Any]) -> None:
    """Run the registries' settling steps once every area has registered."""
    for settle in settlers:
        settle()
    areas_of(app).settled = True
