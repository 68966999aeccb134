"""Accounts, roles and signing in."""

from flask import Blueprint

blueprint = Blueprint("auth", __name__)
