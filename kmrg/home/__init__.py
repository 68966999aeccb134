"""The public home page."""

from flask import Blueprint

blueprint = Blueprint("home", __name__)
