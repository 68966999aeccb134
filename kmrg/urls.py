"""Absolute links to the Hub, for e-mails, feeds and downloads: always its configured address.

A link that leaves the request (an e-mail above all) must never be built from the request's Host
or X-Forwarded-Host: whoever sends the request chooses those, and a password-reset link to their
site hands them the reset token (issue 9). So every absolute link starts from KMRG_BASE_URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app

from kmrg.config import ConfigurationError

# The development server's address (`python3 dev.py run`), the default outside production.
FALLBACK_BASE_URL = "http://127.0.0.1:5000/"


def public_base_url(config: Mapping[str, Any]) -> str:
    """Return the Hub's public address from its settings, ending in a slash.

    KMRG_BASE_URL, else a SERVER_NAME the code configured, else (in development and tests only)
    the development server's. Raises ConfigurationError in production without one.
    """
    configured = config.get("BASE_URL")
    if configured:
        return _checked_base_url(configured)
    server_name = config.get("SERVER_NAME")
    if server_name:
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{server_name}/"
    if config.get("DEVELOPMENT") or config.get("TESTING"):
        return FALLBACK_BASE_URL
    raise ConfigurationError(
        "KMRG_BASE_URL is not set. Set it to the Hub's public address, e.g. "
        "KMRG_BASE_URL=https://hub.example.org/ (links in e-mail use it, and only requests for "
        "its host are answered), or set KMRG_ENV=development on a developer's machine."
    )


def _checked_base_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(
            f"KMRG_BASE_URL must be an absolute http(s) address such as "
            f"https://hub.example.org/, not {value!r}."
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/"


def external_url(endpoint: str, **values: Any) -> str:
    """Return the absolute address of an endpoint at the Hub's public address.

    Takes url_for's arguments (and `_anchor`); works with or without a request, and never looks
    at one.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    anchor = values.pop("_anchor", None)
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    link = adapter.build(endpoint, values, force_external=True)
    if anchor is not None:
        link += "#" + quote(str(anchor), safe="%!#$&'()*+,/:;=?@")
    return link
