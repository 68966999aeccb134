"""Which requests the Hub answers: the host names it serves and the proxies it believes.

Like Django's ALLOWED_HOSTS, a request for any other host is refused before the app sees it, so
no page, redirect or link is ever built for a host an attacker chose. Forwarded headers are
believed only from as many proxies as the deployment says stand in front of the Hub (Werkzeug's
ProxyFix); with none, a client's X-Forwarded-For is ignored and request.remote_addr, which the
rate limits count by, is the address that really connected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# What a developer's browser and the test client call the machine.
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def allowed_hosts(config: Mapping[str, Any]) -> list[str]:
    """Return the host names the Hub answers: its public address's, KMRG_ALLOWED_HOSTS, and
    (in development and tests) the local names and SERVER_NAME's.

    Expects BASE_URL already settled. A name starting with a dot also allows its subdomains.
    """
    configured = config.get("ALLOWED_HOSTS") or []
    if isinstance(configured, str):
        configured = configured.split(",")
    hosts = [urlsplit(config["BASE_URL"]).hostname or ""]
    hosts += [name.strip().lower() for name in configured if name.strip()]
    if config.get("DEVELOPMENT") or config.get("TESTING"):
        hosts += LOCAL_HOSTS
        if config.get("SERVER_NAME"):
            hosts.append(urlsplit(f"//{config['SERVER_NAME']}").hostname or "")
    return [host for host in dict.fromkeys(hosts) if host]


class AllowedHostsMiddleware:
    """Answer a request for a host not in the list with a plain 400, before the app runs."""

    def __init__(self, wsgi_app: WSGIApplication, hosts: Iterable[str]) -> None:
        self.wsgi_app = wsgi_app
        self.hosts = list(hosts)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if "HTTP_HOST" in environ:
            # Host names are case-insensitive; Werkzeug's comparison (and Flask's) is not.
            environ["HTTP_HOST"] = environ["HTTP_HOST"].lower()
        try:
            get_host(environ, self.hosts)
        except SecurityError:
            refused = Response(
                "Bad Request: the Hub does not answer to that host name.\n",
                status=400,
                mimetype="text/plain",
            )
            return refused(environ, start_response)
        return self.wsgi_app(environ, start_response)


def init_hosts(app: Flask) -> None:
    """Refuse requests for unknown hosts and believe forwarded headers from trusted proxies only.

    Call it last among the WSGI wrappers: the proxy fix must run first, so the host check and the
    secure-cookie wrapper see what the client sent to the outermost proxy.
    """
    hosts = app.config["ALLOWED_HOSTS"]
    # Flask checks request.host against the same list wherever a request bypasses the wrapper.
    app.config["TRUSTED_HOSTS"] = hosts
    app.wsgi_app = AllowedHostsMiddleware(app.wsgi_app, hosts)  # type: ignore[method-assign]
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=proxies,
            x_proto=proxies,
            # The Host a proxy forwards is believed only when the deployment says so.
            x_host=proxies if app.config["TRUST_FORWARDED_HOST"] else 0,
        )
