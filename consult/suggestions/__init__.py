"""Orientation suggestions for comments, computed offline from the consultation's own words."""
from flask import Blueprint

bp = Blueprint("suggestions", __name__)

from . import commands, events, views  # noqa: E402,F401
