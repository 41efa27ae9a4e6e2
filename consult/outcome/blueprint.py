"""The outcome blueprint. Importing this module registers the area's views on it."""
from flask import Blueprint

bp = Blueprint("outcome", __name__)

from . import review_views, staff_views, views  # noqa: E402,F401  (each attaches its views to bp)
