"""Case studies: what a municipality did and what it learned, reviewed before publication."""

from flask import Blueprint

blueprint = Blueprint("casestudies", __name__)
