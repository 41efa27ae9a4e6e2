"""What one comment row of the workspace shows, computed for a whole page of comments at once."""
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..models import Code, Coding, Comment


@dataclass
class RowState:
    comment: Comment
    codes: list[Code] = field(default_factory=list)  # the comment's (non-blind) codes


def row_states(comments: list[Comment], viewer) -> dict[int, RowState]:
    """{comment id: RowState} for the comments of one page, in two queries whatever their number."""
    states = {comment.id: RowState(comment) for comment in comments}
    if not states:
        return states
    rows = db.session.execute(
        select(Coding.comment_id, Code).join(Code, Code.id == Coding.code_id)
        .where(Coding.comment_id.in_(states), Coding.blind.is_(False))
        .order_by(Code.position, Code.id)
    ).all()
    for comment_id, code in rows:
        states[comment_id].codes.append(code)
    return states
