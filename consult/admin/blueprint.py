"""The admin blueprint. Importing this module registers the area's views on it."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff")
# The set-password pages an emailed link opens: reached before signing in, so outside /staff/.
links_bp = Blueprint("staff_links", __name__, url_prefix="/account")

from . import consultation_views, staff_views, tree_views, views  # noqa: E402,F401  (each attaches its views)
