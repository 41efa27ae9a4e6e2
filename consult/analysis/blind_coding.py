"""While someone codes a blind sample, nothing shows them the main codes of the comments in it.

The workspace already hides those codes from them (coding.in_blind_sample). Exports, the report draft and
its frozen versions carry every comment's codes: they open to that person again once their sample is settled.
"""
from functools import wraps

from flask import render_template
from flask_login import current_user
from sqlalchemy import exists, select

from ..consultations import get_consultation
from ..extensions import db
from ..models import SecondCoding


def has_unsettled_sample(coder_id: int | None, consultation_id: int) -> bool:
    if coder_id is None:
        return False
    return bool(db.session.scalar(select(exists().where(
        SecondCoding.consultation_id == consultation_id, SecondCoding.coder_id == coder_id,
        SecondCoding.settled_at.is_(None)))))


def closed_while_coding_blind(view):
    """For views of a consultation (`slug`) that show main codes: a page saying why, to a blind coder."""

    @wraps(view)
    def guarded(slug, *args, **kwargs):
        consultation = get_consultation(slug)
        if has_unsettled_sample(current_user.get_id() and current_user.id, consultation.id):
            return render_template("analysis/blind_wait.html", consultation=consultation), 403
        return view(slug, *args, **kwargs)

    return guarded
