"""The suggestions blueprint. Importing this module registers the area's views (and its commands) on it."""
from flask import Blueprint

bp = Blueprint("suggestions", __name__)

from . import commands, views  # noqa: E402,F401  (each attaches its views or commands to bp)
