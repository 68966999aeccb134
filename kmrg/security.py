"""Response hardening (headers, caching of private pages, cookies) and safe redirects."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask, Response, request, session
from flask_login import current_user

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Case studies may show images from other https sites; nothing else leaves the Hub.
        "img-src 'self' https:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def safe_next_url(target: str | None) -> str | None:
    """Return `target` if it is a path within the Hub, otherwise None.

    Browsers forgive a lot: they strip tabs and newlines, read a backslash as a slash and treat
    `//host` as another site. Anything that is not plainly `/path` is refused rather than repaired.
    """
    if not target or len(target) > 2000:
        return None
    for char in target:
        category = unicodedata.category(char)
        if char.isspace() or category in {"Cc", "Cf", "Zl", "Zp", "Zs"}:
            return None
    if "\\" in target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


# Pages under these paths are someone's own, whoever asks (an anonymous visitor is redirected).
PRIVATE_PATHS = ("/account", "/inbox/", "/admin/", "/notifications/", "/unsubscribe/")


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if _is_private():
        # A shared computer's browser cache or the back button must not show a signed-in page
        # to the next person, and no proxy may keep one.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def _is_private() -> bool:
    """Tell whether a response is meant for one person (everything a signed-in user gets)."""
    if request.endpoint == "static":
        return False  # the same stylesheet for everyone
    if request.path.startswith(PRIVATE_PATHS):
        return True
    # The session still names the user on a response that signs them in, and the remember-me
    # cookie is about to be set or cleared on one that signs them in or out.
    if "_user_id" in session or session.get("_remember") in {"set", "clear"}:
        return True
    return bool(current_user.is_authenticated)


class SecureCookiesOverHttps:
    """Mark every cookie Secure when the request came over HTTPS.

    Works at the WSGI edge because the session and remember-me cookies are only added after the
    app's own response hooks have run; the same deployment may also be reached over plain HTTP on
    a developer's machine, so a fixed SESSION_COOKIE_SECURE would not do.
    """

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def start_secure(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [
                (name, value + "; Secure")
                if name.lower() == "set-cookie" and "; secure" not in value.lower()
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_secure)


def init_security(app: Flask) -> None:
    """Attach security headers (no-store on private pages) to every response and secure cookies
    over HTTPS."""
    app.after_request(_add_security_headers)
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)  # type: ignore[method-assign]
