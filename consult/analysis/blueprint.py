"""The analysis blueprint. Importing this module registers the area's views on it."""
from flask import Blueprint

bp = Blueprint("analysis", __name__)

from . import actions_views, browse_views, codebook_views, coding_views, second_coding_views  # noqa: E402,F401  (each attaches its views to bp)
