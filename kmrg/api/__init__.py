"""The read-only JSON API, version 1."""

from flask import Blueprint

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
