"""The consultation's outcome: its level of participation, the public "what we heard, what was done"
page, the publishing that tells every participant who agreed to be contacted, and the review of the
report's frozen versions by partners."""
from flask import Blueprint

bp = Blueprint("outcome", __name__)

from . import review_views, staff_views, views  # noqa: E402,F401
