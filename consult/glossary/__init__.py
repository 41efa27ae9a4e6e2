"""A consultation's glossary: its page, its editor, and the marking of terms in public texts."""
from flask import Blueprint

bp = Blueprint("glossary", __name__)

from . import views  # noqa: E402,F401
