"""Who may see and change attachments: each owning area registers its own rules here.

An attachment has no rules of its own; it is as visible and as changeable as its owner. An owner
type nobody registered grants nothing, so a forgotten registration fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kmrg.attachments.models import Attachment

OWNER_TYPE_MAX_LENGTH = 40

OwnerCheck = Callable[[Any, int], bool]


@dataclass(frozen=True)
class OwnerKind:
    """How one kind of owner answers for its attachments.

    - `can_view(user, owner_id)`: may `user` see the owner (and so download its attachments)?
    - `can_change(user, owner_id)`: may `user` add attachments to the owner or remove them?
    - `can_remove(user, owner_id)`: may `user` remove them, where fewer people may remove than
      add (a meeting's participants add annexures, its organisers remove them); None means
      `can_change`;
    - `plain_uploads`: whether the generic upload route may attach a file to the owner; an
      owner whose files need more than a file (a meeting's annexure has a title, a presenter and
      a letter) adds them through its own page and service, and says False.

    Each gets the owner's id and loads the owner itself; a missing owner answers False.
    """

    owner_type: str
    can_view: OwnerCheck
    can_change: OwnerCheck
    can_remove: OwnerCheck | None = None
    plain_uploads: bool = True


_owners: dict[str, OwnerKind] = {}


def register_owner(
    owner_type: str,
    can_view: OwnerCheck,
    can_change: OwnerCheck,
    *,
    can_remove: OwnerCheck | None = None,
    plain_uploads: bool = True,
) -> None:
    """Let records of `owner_type` carry attachments; registering again replaces the rules."""
    if not owner_type or len(owner_type) > OWNER_TYPE_MAX_LENGTH:
        raise ValueError(f"owner_type must be 1–{OWNER_TYPE_MAX_LENGTH} characters")
    _owners[owner_type] = OwnerKind(owner_type, can_view, can_change, can_remove, plain_uploads)


def is_registered_owner(owner_type: str) -> bool:
    """Tell whether an area registered `owner_type`."""
    return owner_type in _owners


def accepts_plain_uploads(owner_type: str) -> bool:
    """Tell whether the generic upload route may attach files to owners of `owner_type`."""
    kind = _owners.get(owner_type)
    return bool(kind and kind.plain_uploads)


def can_view_owner(user: Any, owner_type: str, owner_id: int) -> bool:
    """Tell whether `user` may see the attachments of that owner."""
    kind = _owners.get(owner_type)
    return bool(kind and kind.can_view(user, owner_id))


def can_change_owner(user: Any, owner_type: str, owner_id: int) -> bool:
    """Tell whether `user` may add attachments to that owner."""
    kind = _owners.get(owner_type)
    return bool(kind and kind.can_change(user, owner_id))


def can_view_attachment(user: Any, attachment: Attachment) -> bool:
    """An attachment is visible to whoever may see its owner."""
    return can_view_owner(user, attachment.owner_type, attachment.owner_id)


def can_change_attachment(user: Any, attachment: Attachment) -> bool:
    """An attachment is removed by whoever its owner lets remove (by default, change) it."""
    kind = _owners.get(attachment.owner_type)
    if kind is None:
        return False
    check = kind.can_remove or kind.can_change
    return bool(check(user, attachment.owner_id))
