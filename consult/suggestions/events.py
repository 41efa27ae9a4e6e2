"""A comment whose text changes loses its suggestions' date, whatever changed it (a participant's new
answer, an edited excerpt or forum note re-derived): the review then suggests for it again with the
new text, and an analyst is not shown suggestions made for words that are gone."""
from sqlalchemy import event
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE

from ..models import Comment


@event.listens_for(Comment.text, "set")
def _text_changed(target: Comment, value, oldvalue, _initiator):
    if oldvalue in (NO_VALUE, NEVER_SET) or value == oldvalue or target.suggested_at is None:
        return
    target.suggested_at = None
    target.suggestion_reviewed = False
