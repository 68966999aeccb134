"""Files attached to records (case studies now; meetings and communities later).

Generic by design: an attachment points at its owner with an (owner_type, owner_id) pair, and each
owning area registers who may see and change its attachments in kmrg.attachments.permissions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def __getattr__(name: str) -> Any:
    # The blueprint (and Flask) load on first use: the text extraction subprocess imports this
    # package's extractors without them, and starts in a fraction of the time.
    if name == "blueprint":
        from flask import Blueprint

        return globals().setdefault("blueprint", Blueprint("attachments", __name__))
    raise AttributeError(f"module 'kmrg.attachments' has no attribute {name!r}")


def init_app(app: Flask) -> None:
    """Register the attachments' pages (extraction starts in kmrg.app)."""
    from kmrg.areas import add_template_permissions
    from kmrg.attachments import blueprint, permissions, views  # noqa: F401  (attach the routes)

    app.register_blueprint(blueprint)
    add_template_permissions(app, permissions)
