"""The search engine: registry, index backends, capture hooks, indexer and the search page.

It imports no feature area: each area describes its own documents in its search.py.
"""

from flask import Blueprint

blueprint = Blueprint("search", __name__)
