"""KMRG Knowledge Hub: where South African municipalities learn from each other."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # The app (Flask, every area) loads on first use of create_app, not on any import of the
    # package: the attachment extraction subprocess imports only what it needs, and starts fast.
    if name == "create_app":
        from kmrg.app import create_app

        return create_app
    raise AttributeError(f"module 'kmrg' has no attribute {name!r}")
