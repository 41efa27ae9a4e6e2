"""What coordinators publish: the "what we heard" report draft and the participation dashboard."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import views  # noqa: E402,F401
