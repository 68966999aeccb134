"""The shared taxonomy of knowledge themes."""

from flask import Blueprint

blueprint = Blueprint("themes", __name__)
