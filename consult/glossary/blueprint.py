"""The glossary blueprint. Importing this module registers the area's views on it."""
from flask import Blueprint

bp = Blueprint("glossary", __name__)

from . import readability_views, views  # noqa: E402,F401  (each attaches its views to bp)
