"""The REFI-QDA blueprint. Importing this module registers the area's views on it."""
from flask import Blueprint

bp = Blueprint("qdpx", __name__)

from . import views  # noqa: E402,F401  (attaches the views to bp)
