"""Written submissions: the public form with drafts and receipts, the staff pages, the email intake."""
from flask import Blueprint

bp = Blueprint("submissions", __name__)

from . import public_views, staff_views  # noqa: E402,F401
