"""The transcripts blueprint. Importing this module registers the area's views on it."""
from flask import Blueprint

bp = Blueprint("transcripts", __name__)

from . import queue_views, views  # noqa: E402,F401  (attaches the views to bp)
