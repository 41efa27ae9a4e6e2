"""Modification items: built from comments in the workspace, supported, merged, split, ordered, and
answered by a decision."""
from flask import Blueprint

bp = Blueprint("items", __name__)

from . import views  # noqa: E402,F401
