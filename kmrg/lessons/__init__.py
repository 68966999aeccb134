"""Documented lessons, each its own record, and "adapted here" records of reused case studies."""

from flask import Blueprint

blueprint = Blueprint("lessons", __name__)
