"""Exports of the analysed comments, per axis and for the whole consultation: CSV, XLSX, JSON."""
from flask import Blueprint

bp = Blueprint("exports", __name__)

from . import commands, views  # noqa: E402,F401
