"""Organizer pages for forums and interviews (role organizer)."""
from . import bp  # noqa: F401
