"""Signed, expiring unsubscribe tokens: an e-mail's link unsubscribes without signing in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from kmrg.urls import external_url

UNSUBSCRIBE_SALT = "kmrg.notifications.unsubscribe"
# Long enough for a digest read weeks later, short enough that an old forwarded mail stops working.
TOKEN_LIFETIME = timedelta(days=60)


class TokenRefused(Exception):
    """An unsubscribe token was tampered with or has expired (`expired` says which)."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "tampered")
        self.expired = expired


@dataclass(frozen=True)
class Unsubscribe:
    """What a token unsubscribes: one kind (`kind:<name>`) or a digest (`digest:daily`)."""

    user_id: int
    scope: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def make_unsubscribe_token(user_id: int, scope: str) -> str:
    """Return a token that unsubscribes user `user_id` from `scope`."""
    return _serializer().dumps({"u": user_id, "s": scope})


def unsubscribe_url(user_id: int, scope: str) -> str:
    """Return the absolute one-click unsubscribe address for `scope`."""
    token = make_unsubscribe_token(user_id, scope)
    return external_url("notifications.unsubscribe", token=token)


def read_unsubscribe_token(token: str) -> Unsubscribe:
    """Return what `token` unsubscribes; raise TokenRefused if it was altered or has expired."""
    try:
        data = _serializer().loads(token, max_age=int(TOKEN_LIFETIME.total_seconds()))
    except SignatureExpired:
        raise TokenRefused(expired=True) from None
    except BadSignature:
        raise TokenRefused(expired=False) from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise TokenRefused(expired=False)
    return Unsubscribe(data["u"], str(data.get("s", "")))
