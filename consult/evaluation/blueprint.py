"""The evaluation blueprint. Importing this module registers the area's views on it."""
from flask import Blueprint

bp = Blueprint("evaluation", __name__)

from . import public_views, staff_views  # noqa: E402,F401  (each attaches its views to bp)
