"""Public pages: upcoming forums, sign-up, and the personal manage page."""
from . import bp  # noqa: F401
