from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff")

from . import consultation_views, staff_views, tree_views, views  # noqa: E402,F401
