"""Settings from environment variables, with embedded defaults that work on a fresh machine.

Operators script against the KMRG_* names below: keep them stable.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

ENVIRONMENT_VARIABLES = {
    "KMRG_DATABASE_URL": "database URL; default a SQLite file in the instance folder",
    "KMRG_SECRET_KEY": "signing key; generated once into the instance folder when unset",
    "KMRG_SEARCH_BACKEND": (
        "search engine; 'whoosh' (default: an index folder on this machine) or 'postgres' "
        "(in the database, for several app servers; PostgreSQL only)"
    ),
    "KMRG_SEARCH_DIR": "search index folder; default <instance>/search-index",
    "KMRG_SEARCH_INDEXING": (
        "'background' (default: an indexer thread in each process), 'worker' (only `kmrg "
        "search worker` indexes) or 'inline' (before each commit returns)"
    ),
    "KMRG_UPLOAD_DIR": "attachment store; default <instance>/uploads",
    "KMRG_MAX_UPLOAD_MB": "largest accepted upload in MB; default 25",
    "KMRG_ATTACHMENT_EXTRACTION": (
        "'background' (default: an extractor thread in each process), 'worker' (only `kmrg "
        "attachments worker` extracts) or 'inline' (right after each commit; for tests)"
    ),
    "KMRG_EXTRACTION_MEMORY_MB": "address space of one file's text extraction; default 512",
    "KMRG_EXTRACTION_CPU_SECONDS": "CPU time of one file's text extraction; default 30",
    "KMRG_EXTRACTION_TIMEOUT_SECONDS": "clock time of one file's text extraction; default 60",
    "KMRG_MAIL_SERVER": "SMTP host; without one, mail is written to the log and kept in the outbox",
    "KMRG_MAIL_PORT": "SMTP port; default 25",
    "KMRG_MAIL_USERNAME": "SMTP user name",
    "KMRG_MAIL_PASSWORD": "SMTP password",
    "KMRG_MAIL_USE_TLS": "1 to use STARTTLS",
    "KMRG_MAIL_USE_SSL": "1 to use SMTPS",
    "KMRG_MAIL_SENDER": "From address of the Hub's mail",
    "KMRG_MAIL_MAX_ATTEMPTS": "SMTP attempts before a message is marked failed; default 5",
    "KMRG_MAIL_KEEP_DAYS": "days the outbox keeps sent, stored and failed mail; default 90",
    "KMRG_MAIL_SWEEP_SECONDS": "how often each process sends due mail (retries); 0 turns it off",
    "KMRG_RATELIMIT_STORAGE_URI": "Flask-Limiter storage; default memory:// (one process)",
    "KMRG_ENV": (
        "'production' (default: KMRG_BASE_URL required) or 'development' (links and allowed "
        "hosts default to the development server, http://127.0.0.1:5000/)"
    ),
    "KMRG_BASE_URL": (
        "public address of the Hub (e.g. https://hub.example.org/), the only one e-mailed links "
        "and feeds use; required outside development"
    ),
    "KMRG_ALLOWED_HOSTS": (
        "comma-separated host names the Hub answers besides KMRG_BASE_URL's (a leading dot "
        "allows subdomains); other Host headers get 400"
    ),
    "KMRG_TRUSTED_PROXIES": (
        "number of reverse proxies in front of the Hub whose X-Forwarded-For/-Proto it trusts; "
        "default 0 (forwarded headers ignored)"
    ),
    "KMRG_TRUST_PROXY": "1: the same as KMRG_TRUSTED_PROXIES=1 (kept for older deployments)",
    "KMRG_TRUST_FORWARDED_HOST": (
        "1 to take the Host from X-Forwarded-Host set by the trusted proxies (still checked "
        "against the allowed hosts)"
    ),
    "KMRG_REMEMBER_DAYS": "days a sign-in lasts at most ('Remember me' included); default 30",
}

ENVIRONMENTS = ("production", "development")


class ConfigurationError(RuntimeError):
    """A setting is missing or wrong: the Hub refuses to start, naming the setting to fix."""


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _whole_number(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or int(value) < minimum:
        raise ConfigurationError(f"{name} must be a whole number from {minimum}, not {value!r}.")
    return int(value)


def _environment() -> str:
    value = os.environ.get("KMRG_ENV", "production").strip().lower() or "production"
    if value not in ENVIRONMENTS:
        raise ConfigurationError(f"KMRG_ENV must be 'production' or 'development', not {value!r}.")
    return value


def _trusted_proxies() -> int:
    if os.environ.get("KMRG_TRUSTED_PROXIES", "").strip():
        return _whole_number("KMRG_TRUSTED_PROXIES", 0)
    # The boolean setting of earlier releases meant exactly one proxy.
    return 1 if _flag("KMRG_TRUST_PROXY") else 0


def _secret_key(instance_path: Path) -> str:
    """Return KMRG_SECRET_KEY, or a key generated once and kept in the instance folder."""
    configured = os.environ.get("KMRG_SECRET_KEY")
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_config(instance_path: Path) -> dict[str, Any]:
    """Build the Flask configuration from the environment."""
    instance_path.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get(
        "KMRG_DATABASE_URL", f"sqlite:///{instance_path / 'kmrg.sqlite3'}"
    )
    if database_url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    max_upload_mb = int(os.environ.get("KMRG_MAX_UPLOAD_MB", "25"))
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SEARCH_BACKEND": os.environ.get("KMRG_SEARCH_BACKEND", "whoosh"),
        "SEARCH_DIR": os.environ.get("KMRG_SEARCH_DIR", str(instance_path / "search-index")),
        "SEARCH_INDEXING": os.environ.get("KMRG_SEARCH_INDEXING", "background"),
        "SEARCH_SWEEP_SECONDS": 5.0,
        "UPLOAD_DIR": os.environ.get("KMRG_UPLOAD_DIR", str(instance_path / "uploads")),
        # Leave room for the form fields around the largest accepted file.
        "MAX_CONTENT_LENGTH": max_upload_mb * 1024 * 1024 + 512 * 1024,
        "MAX_UPLOAD_BYTES": max_upload_mb * 1024 * 1024,
        "ATTACHMENT_EXTRACTION": os.environ.get("KMRG_ATTACHMENT_EXTRACTION", "background"),
        "ATTACHMENT_EXTRACTION_MEMORY_MB": int(os.environ.get("KMRG_EXTRACTION_MEMORY_MB", "512")),
        "ATTACHMENT_EXTRACTION_CPU_SECONDS": int(
            os.environ.get("KMRG_EXTRACTION_CPU_SECONDS", "30")
        ),
        "ATTACHMENT_EXTRACTION_TIMEOUT_SECONDS": float(
            os.environ.get("KMRG_EXTRACTION_TIMEOUT_SECONDS", "60")
        ),
        "ATTACHMENT_EXTRACTION_SWEEP_SECONDS": 5.0,
        "MAIL_SERVER": os.environ.get("KMRG_MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("KMRG_MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("KMRG_MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("KMRG_MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag("KMRG_MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("KMRG_MAIL_USE_SSL"),
        "MAIL_SENDER": os.environ.get(
            "KMRG_MAIL_SENDER", "KMRG Knowledge Hub <no-reply@kmrg.example.org>"
        ),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("KMRG_MAIL_MAX_ATTEMPTS", "5")),
        "MAIL_KEEP_DAYS": int(os.environ.get("KMRG_MAIL_KEEP_DAYS", "90")),
        "MAIL_SWEEP_SECONDS": float(os.environ.get("KMRG_MAIL_SWEEP_SECONDS", "60")),
        "RATELIMIT_STORAGE_URI": os.environ.get("KMRG_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "DEVELOPMENT": _environment() == "development",
        # Settled (checked, or defaulted in development) by the factory once overrides are in.
        "BASE_URL": os.environ.get("KMRG_BASE_URL", "").strip() or None,
        "ALLOWED_HOSTS": os.environ.get("KMRG_ALLOWED_HOSTS", ""),
        "TRUSTED_PROXIES": _trusted_proxies(),
        "TRUST_FORWARDED_HOST": _flag("KMRG_TRUST_FORWARDED_HOST"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "kmrg_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_NAME": "kmrg_remember",
        "REMEMBER_COOKIE_DURATION": timedelta(
            days=_whole_number("KMRG_REMEMBER_DAYS", 30, minimum=1)
        ),
        "WTF_CSRF_TIME_LIMIT": None,
        "PASSWORD_RESET_MAX_AGE": 3600,
    }
