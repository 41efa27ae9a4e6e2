"""What the pages of a passage placed on a topic (a forum note, a submission excerpt) do once a form is
valid: commit the change the service made, say so, and go back to where the passage is listed."""
from flask import flash

from ..extensions import db
from ..htmx import redirect_after_post


def passage_saved(changed: bool, saved: str, unchanged: str, back: str):
    db.session.commit()
    flash(saved if changed else unchanged, "success" if changed else "info")
    return redirect_after_post(back)


def passage_deleted(deleted: str, back: str):
    db.session.commit()
    flash(deleted, "success")
    return redirect_after_post(back)
