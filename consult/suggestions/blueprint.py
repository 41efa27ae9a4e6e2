"""The suggestions blueprint. Importing this module registers the area's views on it."""
from flask import Blueprint

bp = Blueprint("suggestions", __name__)

from . import events, views  # noqa: E402,F401  (each attaches its views to bp; events watch comment texts)
