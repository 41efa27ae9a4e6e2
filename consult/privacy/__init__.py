"""Participants' rights (see, download, correct, withdraw, erase), retention and the incident register."""
from flask import Blueprint

bp = Blueprint("privacy", __name__)

from . import commands, staff_views, views  # noqa: E402,F401
