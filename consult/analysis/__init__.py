"""The analysis workspace: every comment from every channel, grouped by axis and orientation,
searched, filtered and coded, by one coder or two."""
from flask import Blueprint

bp = Blueprint("analysis", __name__)

from . import actions_views, browse_views, coding_views, commands  # noqa: E402,F401
