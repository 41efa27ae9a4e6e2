"""The analysis blueprint. Importing this module registers the area's views (and its commands) on it."""
from flask import Blueprint

bp = Blueprint("analysis", __name__)

from . import browse_views, coding_views, commands  # noqa: E402,F401  (each attaches its views or commands to bp)
