"""The administrators' dashboard, linking to each area's management pages."""

from flask import Blueprint

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
