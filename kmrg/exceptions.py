"""Errors that services raise and views turn into messages or status codes."""

from __future__ import annotations


class HubError(Exception):
    """Base class of the Hub's domain errors."""


class ValidationError(HubError):
    """The input breaks a business rule; the message is fit to show the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(HubError):
    """The actor may not do this."""


class NotFound(HubError):
    """The record does not exist (or the actor may not know that it does)."""
