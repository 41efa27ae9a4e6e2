"""The counts of the analysis views, kept by the database as comments and codings change."""
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class CommentTally(db.Model):
    """How many visible comments (not hidden) of a consultation sit on a topic, by what they hold.

    Written by triggers on `comment` and `coding` (migration 0010), in the transaction that changes
    them, never by the application; `consult.analysis.tally` reads it. A row is one of:
    - code_id 0: the comments of a topic in a channel;
    - code_id c, other_code_id 0: those of them with the main (non-blind) code c;
    - channel "", code_id c, other_code_id d: the comments of the topic with both codes c and d.
    topic_id 0 stands for the comments with no topic yet. Rows may fall to 0; they are not removed."""

    __tablename__ = "comment_tally"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    topic_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    code_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(15), primary_key=True)
    other_code_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer, default=0)
