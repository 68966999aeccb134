"""Personal calendar feeds: a secret in the feed's address stands in for the sign-in cookie
that calendar apps never send.

A token names its person and a fingerprint of their password, signed with the Hub's secret key:
no table of issued tokens is needed, and a token stops working when its person changes their
password (the way to revoke a leaked address) or their account stops being active. It is not
tied to the session, which every sign-out renews: a calendar must keep working after that.
"""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from kmrg.auth.models import User

FEED_SALT = "kmrg.events.calendar-feed"


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=FEED_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:24]


def make_feed_token(user: User, secret_key: str) -> str:
    """Return the secret that opens `user`'s own calendar feeds."""
    return _serializer(secret_key).dumps({"u": user.id, "p": _fingerprint(user)})


def read_feed_token(session: Session, token: str, secret_key: str) -> User | None:
    """Return the active person a feed token was made for, or None if it no longer opens."""
    try:
        payload = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    user = session.get(User, payload["u"])
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(str(payload.get("p", "")), _fingerprint(user)):
        return None
    return user
