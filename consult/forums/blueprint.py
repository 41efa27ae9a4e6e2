"""The forums blueprint. Importing this module registers the area's views on it."""
from flask import Blueprint

bp = Blueprint("forums", __name__)

from . import organizer_views, public_views  # noqa: E402,F401  (each attaches its views to bp)
