"""Organisations in the network: municipalities and partners."""

from flask import Blueprint

blueprint = Blueprint("organisations", __name__)
