"""KMRG Knowledge Hub: where South African municipalities learn from each other."""

from kmrg.app import create_app

__all__ = ["create_app"]
