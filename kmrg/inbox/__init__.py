"""The Hub inbox: messages between members, starting with "Contact this expert"."""

from flask import Blueprint

blueprint = Blueprint("inbox", __name__)
