"""Forums and interviews: public sign-up and the organizers' pages."""
from flask import Blueprint

bp = Blueprint("forums", __name__)

from . import organizer_views, public_views  # noqa: E402,F401
