"""The items blueprint. Importing this module registers the area's views on it."""
from flask import Blueprint

bp = Blueprint("items", __name__)

from . import suggested_views, views  # noqa: E402,F401  (each attaches its views to bp)
