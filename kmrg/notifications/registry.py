"""What areas register with notifications: the kinds they send and the things people follow.

    add_notification_kind(app, "case_study_submitted", "A case study waits for your review")
    add_followable(app, "theme", "Theme", Theme, can_view=lambda user, theme: True)

Each app holds its own registry (a test's throwaway area registers only into its app). A name
registered twice with different settings is refused at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from kmrg.notifications.models import Delivery

EXTENSION_KEY = "kmrg.notifications"

CanView = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification: its name, what the preferences page calls it, its default.

    With `model` and `can_view`, its subjects are records of `model` that `can_view(user,
    record)` decides on: `notify` needs no check of its own, and a digest asks again before it
    sends (someone who lost sight of a record meanwhile is not sent its content).
    """

    name: str
    label: str
    default: Delivery = Delivery.IMMEDIATELY
    model: type | None = None
    can_view: CanView | None = None


@dataclass(frozen=True)
class Followable:
    """Something people may follow: records of `model`, seen by those `can_view` allows."""

    name: str
    label: str
    model: type
    can_view: CanView


@dataclass
class NotificationRegistry:
    """What the areas registered on one app."""

    kinds: dict[str, NotificationKind] = field(default_factory=dict)
    followables: dict[str, Followable] = field(default_factory=dict)


def registry_of(app: Flask | None = None) -> NotificationRegistry:
    """Return the notification registry of `app` (the current app by default)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(EXTENSION_KEY)
    if found is None:
        found = app.extensions[EXTENSION_KEY] = NotificationRegistry()
    return found


def add_notification_kind(
    app: Flask,
    name: str,
    label: str,
    *,
    default: Delivery = Delivery.IMMEDIATELY,
    model: type | None = None,
    can_view: CanView | None = None,
) -> None:
    """Let areas send notifications of kind `name`; `label` names it on the preferences page.

    `model` and `can_view` say what its subjects are and who may see one (see NotificationKind).
    """
    if (model is None) != (can_view is None):
        raise ValueError(f"give the kind {name!r} both a model and can_view, or neither")
    kind = NotificationKind(name, label, default, model, can_view)
    known = registry_of(app).kinds
    if name in known and known[name] != kind:
        raise ValueError(f"two areas register the notification kind {name!r}: rename one")
    known[name] = kind


def add_followable(app: Flask, name: str, label: str, model: type, *, can_view: CanView) -> None:
    """Let people follow records of `model` (as `name`), when `can_view(user, record)` allows."""
    followable = Followable(name, label, model, can_view)
    known = registry_of(app).followables
    if name in known and known[name] != followable:
        raise ValueError(f"two areas register the followable {name!r}: rename one")
    known[name] = followable


def kind_named(name: str) -> NotificationKind:
    """Return the registered kind `name`; raise LookupError for an unregistered one."""
    try:
        return registry_of().kinds[name]
    except KeyError:
        raise LookupError(f"no area registered the notification kind {name!r}") from None


def followable_named(name: str) -> Followable:
    """Return the registered followable `name`; raise LookupError for an unregistered one."""
    try:
        return registry_of().followables[name]
    except KeyError:
        raise LookupError(f"no area registered the followable {name!r}") from None


def followable_of(target: object) -> Followable:
    """Return the followable registered for `target`'s class; raise LookupError if none."""
    for followable in registry_of().followables.values():
        if isinstance(target, followable.model):
            return followable
    raise LookupError(f"nobody may follow a {type(target).__name__}: register it first")
