"""Evaluation of the engagement: the questionnaire sent after a session, answered anonymously."""
from flask import Blueprint

bp = Blueprint("evaluation", __name__)

from . import public_views, staff_views  # noqa: E402,F401
