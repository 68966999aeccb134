"""Absolute links to the Hub, for e-mails and feeds, built with or without a request."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

# Where a link points when neither KMRG_BASE_URL nor a request says (the development server).
FALLBACK_BASE_URL = "http://127.0.0.1:5000/"


def external_url(endpoint: str, **values: Any) -> str:
    """Return the absolute address of an endpoint.

    KMRG_BASE_URL wins (behind a proxy the request's own host may be an internal name); else the
    address the request came in on; else, on the command line, the development server's.
    """
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    fallback = urlsplit(FALLBACK_BASE_URL)
    adapter = current_app.url_map.bind(
        fallback.netloc, script_name=fallback.path, url_scheme=fallback.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
