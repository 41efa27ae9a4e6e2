"""The partners blueprint. Importing this module registers the area's views on it."""
from flask import Blueprint

bp = Blueprint("partners", __name__)

from . import pool_match_views, pool_views, public_views, staff_views  # noqa: E402,F401  (each attaches its views to bp)
