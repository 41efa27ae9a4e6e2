"""The online questionnaire: public answering pages and the staff's builder, invitations and responses."""
from flask import Blueprint

bp = Blueprint("questionnaires", __name__)

from . import public_views, staff_views  # noqa: E402,F401
