"""The expert locator: who in local government has done this before."""

from flask import Blueprint

blueprint = Blueprint("experts", __name__)
