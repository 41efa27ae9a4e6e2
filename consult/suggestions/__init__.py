"""Orientation and theme suggestions for comments, computed offline from the consultation's own words."""
from flask import Blueprint

bp = Blueprint("suggestions", __name__)

from . import views  # noqa: E402,F401
