"""Fetching a record through its parent, so that an id from another consultation is a 404."""
from flask import abort

from .extensions import db


def get_owned_or_404(model, object_id: int, **owner):
    """The row with this id whose attributes match `owner` (e.g. forum_id=3), or 404."""
    row = db.session.get(model, object_id)
    if row is None or any(getattr(row, name) != value for name, value in owner.items()):
        abort(404)
    return row
