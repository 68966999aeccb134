"""Response hardening and safe redirects, shared by every area."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import Flask, Response, request

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


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        # Cookies are marked Secure whenever the Hub is reached over HTTPS, whatever the config.
        cookies = response.headers.getlist("Set-Cookie")
        if cookies:
            response.headers.remove("Set-Cookie")
            for cookie in cookies:
                if "; secure" not in cookie.lower():
                    cookie += "; Secure"
                response.headers.add("Set-Cookie", cookie)
    return response


def init_security(app: Flask) -> None:
    """Attach security headers to every response."""
    app.after_request(_add_security_headers)
