"""The analysis of what people said: comments (the one unit of analysis, derived from answers,
submission excerpts and forum notes), the codebook, codings by one or two coders, per-topic memos
and the orientation suggestions offered for comments whose topic is not yet confirmed."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

COMMENT_CHANNELS = ("questionnaire", "submission", "forum", "interview", "transcript")
STANCES = ("", "support", "oppose", "mixed", "neutral")
VISIBILITIES = ("visible", "hidden", "flagged")
CODE_KINDS = ("modification", "theme", "other")
# How the modification codes split in the report's table of proposed modifications.
REPORT_GROUPS = ("", "clarify", "strengthen")
CODE_STATUSES = ("active", "retired", "merged")


class Comment(db.Model):
    """What one person (or one forum) said about one topic, wherever it was said.

    It points back to its origin through exactly one of answer_id, excerpt_id, note_id and passage_id (none
    once the origin was erased and the comment kept anonymously). `revision` grows with every change
    an analyst makes, so that a form sent from a stale page is detected instead of overwriting.
    """

    __tablename__ = "comment"
    __table_args__ = (
        CheckConstraint("channel IN ('questionnaire','submission','forum','interview','transcript')", name="channel"),
        CheckConstraint("stance IN ('','support','oppose','mixed','neutral')", name="stance"),
        CheckConstraint("visibility IN ('visible','hidden','flagged')", name="visibility"),
        CheckConstraint("language IN ('fr','en')", name="language"),
        Index("ix_comment_consultation_topic", "consultation_id", "topic_id", "source_date", "id"),
        Index("ix_comment_consultation_date", "consultation_id", "source_date", "id"),
        Index("ix_comment_consultation_channel", "consultation_id", "channel"),
        # Counts by topic and channel of the visible comments, read from the index alone.
        Index("ix_comment_topic_counts", "consultation_id", "topic_id", "visibility", "channel"),
        Index("ix_comment_participant", "participant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(15))
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_answer.id", ondelete="CASCADE"), unique=True)
    excerpt_id: Mapped[int | None] = mapped_column(ForeignKey("excerpt.id", ondelete="CASCADE"), unique=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("forum_note.id", ondelete="CASCADE"), unique=True)
    passage_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcript_passage.id", ondelete="CASCADE"), unique=True)
    # For questionnaire answers: liked / disliked / unclear / adjust / missing, or "" (other questions).
    prompt: Mapped[str] = mapped_column(String(20), default="")
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"))
    # True once a person placed the comment (an orientation question, an analyst's move or accepted
    # suggestion); False while its topic is only presumed.
    topic_confirmed: Mapped[bool] = mapped_column(default=False)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("track.id", ondelete="SET NULL"), index=True)
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forum.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(String(2), default="fr")
    # Where the language came from: "detected" from the text, the "person"'s choice (too short to
    # tell), or an "analyst" who corrected it (kept from then on).
    language_source: Mapped[str] = mapped_column(String(10), default="person", server_default="person")
    text: Mapped[str] = mapped_column(Text, default="")
    # The text lower-cased with accents removed: what full-text search indexes. Written here, read only
    # by the database: not loaded with the comment.
    search_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    # When it was said: the response's submission, the submission's sending, the forum's date.
    source_date: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stance: Mapped[str] = mapped_column(String(10), default="")
    visibility: Mapped[str] = mapped_column(String(10), default="visible")
    visibility_reason: Mapped[str] = mapped_column(Text, default="")
    # Its text changed after codes were applied: the codes stay, an analyst should look again.
    needs_review: Mapped[bool] = mapped_column(default=False)
    revision: Mapped[int] = mapped_column(default=1)
    # Orientation suggestions: when they were computed, their best score, and whether an analyst
    # has accepted or dismissed them.
    suggested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suggestion_score: Mapped[float | None] = mapped_column(Float)
    suggestion_reviewed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation = relationship("Consultation")
    answer = relationship("Answer")
    excerpt = relationship("Excerpt")
    note = relationship("ForumNote")
    passage = relationship("TranscriptPassage")
    topic = relationship("Topic")
    participant = relationship("Participant")
    track = relationship("Track")
    forum = relationship("Forum")
    codings = relationship("Coding", back_populates="comment", cascade="all, delete-orphan",
                           order_by="Coding.id")
    suggestions = relationship("CommentSuggestion", back_populates="comment", cascade="all, delete-orphan",
                               order_by="CommentSuggestion.rank")

    @property
    def is_hidden(self) -> bool:
        return self.visibility == "hidden"

    @property
    def is_flagged(self) -> bool:
        return self.visibility == "flagged"

    def __repr__(self):
        return f"<Comment {self.id} {self.channel}>"


class Code(db.Model):
    """One entry of a consultation's codebook: a modification code (PRÉCISER, MODIFIER, INCLURE,
    BONIFIER), a theme of the tree, or a code the analysts added. Codes are retired or merged,
    never deleted, so that history and past exports keep their meaning."""

    __tablename__ = "code"
    __table_args__ = (
        UniqueConstraint("consultation_id", "key"),
        CheckConstraint("kind IN ('modification','theme','other')", name="kind"),
        CheckConstraint("report_group IN ('','clarify','strengthen')", name="report_group"),
        CheckConstraint("status IN ('active','retired','merged')", name="status"),
        Index("ix_code_consultation_position", "consultation_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(15), default="other")
    # Stable identifier: "PRECISER", a theme's "T-1.1-2", or one made from the label.
    key: Mapped[str] = mapped_column(String(60))
    label_fr: Mapped[str] = mapped_column(String(300), default="")
    label_en: Mapped[str] = mapped_column(String(300), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    report_group: Mapped[str] = mapped_column(String(12), default="")
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"), index=True)
    # One character pressed on a focused comment to apply the code ("1"..."9", letters).
    shortcut: Mapped[str] = mapped_column(String(1), default="")
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="active")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("code.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    theme = relationship("Theme")
    merged_into = relationship("Code", remote_side=[id])
    changes = relationship("CodeChange", back_populates="code", cascade="all, delete-orphan",
                           order_by="CodeChange.id")

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def __repr__(self):
        return f"<Code {self.key}>"


class CodeChange(db.Model):
    """The history of a code: created, renamed, merged, retired, restored."""

    __tablename__ = "code_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    code = relationship("Code", back_populates="changes")
    actor = relationship("StaffUser")


class Coding(db.Model):
    """A code applied to a comment. `blind` codings are a second coder's, made without seeing the
    others, for the agreement check; they never count as the comment's codes."""

    __tablename__ = "coding"
    __table_args__ = (
        UniqueConstraint("comment_id", "code_id", "blind"),
        Index("ix_coding_code", "code_id", "blind"),
        Index("ix_coding_coder", "coder_id", "blind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"))
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    blind: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    comment = relationship("Comment", back_populates="codings")
    code = relationship("Code")
    coder = relationship("StaffUser")


class SecondCoding(db.Model):
    """A comment of the sample a coordinator gave a second analyst to code blind."""

    __tablename__ = "second_coding"
    __table_args__ = (Index("ix_second_coding_coder", "consultation_id", "coder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), unique=True)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The second coder says they are done with this comment; until then it does not count.
    coded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A disagreement looked at and settled by someone.
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    comment = relationship("Comment")
    coder = relationship("StaffUser", foreign_keys=[coder_id])
    assigned_by = relationship("StaffUser", foreign_keys=[assigned_by_id])
    settled_by = relationship("StaffUser", foreign_keys=[settled_by_id])


class TopicMemo(db.Model):
    """The analysts' draft of "what we heard" for one topic, in each language."""

    __tablename__ = "topic_memo"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), unique=True)
    body_fr: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    topic = relationship("Topic")
    updated_by = relationship("StaffUser")


class CommentSuggestion(db.Model):
    """One of the likely topics computed for a comment, with the reasons a person can check."""

    __tablename__ = "comment_suggestion"
    __table_args__ = (UniqueConstraint("comment_id", "rank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column()
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    score: Mapped[float] = mapped_column(Float)
    # {"words": [...], "comments": [ids...]}: what weighed most.
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    comment = relationship("Comment", back_populates="suggestions")
    topic = relationship("Topic")
    theme = relationship("Theme")
