"""Files attached to records (case studies now; meetings and communities later).

Generic by design: an attachment points at its owner with an (owner_type, owner_id) pair, and each
owning area registers who may see and change its attachments in kmrg.attachments.permissions.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # The blueprint (and Flask) load on first use: the text extraction subprocess imports this
    # package's extractors without them, and starts in a fraction of the time.
    if name == "blueprint":
        from flask import Blueprint

        return globals().setdefault("blueprint", Blueprint("attachments", __name__))
    raise AttributeError(f"module 'kmrg.attachments' has no attribute {name!r}")
