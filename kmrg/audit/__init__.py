"""The audit log of every state change made through a service."""

from flask import Blueprint

blueprint = Blueprint("audit", __name__, url_prefix="/admin/audit")
