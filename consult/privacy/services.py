"""A participant's rights over what we hold about them: see all of it, download it, correct their
profile, change their consents, and have it erased.

Everything here is reached through a "my data" link sent by email: holding the link proves the
address. Erasure is one rule (erase()), used on request and at the retention date (retention.py);
docs/privacy.md describes it. Services flush; the caller commits once.
"""
from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import String, cast, delete, or_, select
from sqlalchemy.orm import selectinload

from .. import tokens, uploads
from ..audit import record
from ..channels import held_origins
from ..extensions import db
from ..forums import notifications as forum_notifications
from ..forums import registration as seats
from ..models import (
    Accommodation,
    Answer,
    Comment,
    CompensationChoice,
    Consultation,
    EvaluationInvitation,
    Forum,
    ForumNote,
    Invitation,
    OutboxMessage,
    Participant,
    PoolRecord,
    Registration,
    Response,
    SessionInvitation,
    Submission,
    SubmissionAttachment,
)
from ..models.base import utcnow
from ..models.forum import ACTIVE, SEATED
from ..participants.services import Profile, find_participant, record_consents
from ..partners import accommodations, pool
from ..partners import services as compensation
from ..submissions.services import UPLOAD_KIND as SUBMISSION_FILES
from ..transcripts import services as transcript_services
from . import notifications
from .notifications import LINK_MAX_AGE

TOKEN_PURPOSE = "my-data"
CONSENT_SOURCE = "my-data"
# Purposes a person may give or withdraw from their page. Processing is what taking part rests on:
# withdrawing it is done by asking for erasure (with the choice to take one's comments out of the analysis).
CHANGEABLE_PURPOSES = ("recording", "quotation", "contact")
PROFILE_FIELDS = ("name", "organisation", "category_id", "region", "preferred_language")
# Never deliverable and refused by every form (".invalid" is reserved): an erased row matches nobody.
ERASED_EMAIL = "erased-{id}@erased.invalid"


# -- the personal link ------------------------------------------------------------------------

def my_data_token(participant: Participant) -> str:
    return tokens.make_token(TOKEN_PURPOSE, participant.id, participant.link_version)


def participant_from_token(token: str) -> Participant:
    """The participant a "my data" link names, or LinkError ("expired" or "invalid").

    A forged link, a link made for something else, one revoked by a newer link_version (every
    erasure bumps it) and one naming an unknown person all fail alike."""
    participant_id, version = tokens.read_token(TOKEN_PURPOSE, token, max_age=LINK_MAX_AGE)
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.link_version != version or participant.erased_at is not None:
        raise tokens.LinkError("invalid")
    consultation = consultation_of(participant)
    if consultation is None or not consultation.is_public:
        raise tokens.LinkError("invalid")
    return participant


def erased_through(token: str) -> str | None:
    """The consultation's slug when this link was valid until its holder's erasure revoked it."""
    try:
        participant_id, version = tokens.read_token(TOKEN_PURPOSE, token, max_age=LINK_MAX_AGE)
    except tokens.LinkError:
        return None
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.erased_at is None or participant.link_version != version + 1:
        return None
    return consultation_of(participant).slug


def consultation_of(participant: Participant) -> Consultation:
    return db.session.get(Consultation, participant.consultation_id)


def request_link(consultation: Consultation, email: str, now: datetime) -> None:
    """Email the "my data" link if this address is known; do nothing otherwise. The caller shows
    the same page either way, so nobody learns whether someone took part."""
    participant = find_participant(consultation, email)
    if participant is None or participant.erased_at is not None:
        return
    notifications.my_data_link(participant, consultation, my_data_token(participant), now)


# -- what we hold -----------------------------------------------------------------------------

@dataclass
class Holdings:
    """Everything held about one participant, loaded once for the page and the download."""

    participant: Participant
    consultation: Consultation
    registrations: list[Registration]
    responses: list[Response]
    invitations: list[Invitation]
    submissions: list[Submission]
    comments: list[Comment]
    emails: list[OutboxMessage]
    # Their turns in recorded sessions' transcripts, session by session.
    turns: list = field(default_factory=list)
    # The session evaluations they were asked for and whether they answered; the answers themselves are
    # stored without the person, so they are nobody's to download.
    evaluations: list = field(default_factory=list)
    # What would help them take part, the invitations of their address to sessions, their compensation
    # (choice and amounts) and their record in the organisation's pool of partners.
    accommodations: list = field(default_factory=list)
    session_invitations: list = field(default_factory=list)
    compensation_choice: CompensationChoice | None = None
    ledger: list = field(default_factory=list)
    pool_record: PoolRecord | None = None

    @property
    def attachments(self):
        return [attachment for submission in self.submissions for attachment in submission.attachments]


def holdings(participant: Participant) -> Holdings:
    consultation = consultation_of(participant)
    registrations = db.session.scalars(
        select(Registration).join(Forum).where(Registration.participant_id == participant.id)
        .options(selectinload(Registration.forum)).order_by(Forum.starts_at, Registration.id)).all()
    responses = db.session.scalars(
        select(Response).where(Response.participant_id == participant.id)
        .options(selectinload(Response.answers).selectinload(Answer.question),
                 selectinload(Response.answers).selectinload(Answer.versions),
                 selectinload(Response.questionnaire)).order_by(Response.id)).all()
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.participant_id == participant.id).order_by(Invitation.id)).all()
    submissions = db.session.scalars(
        select(Submission).where(Submission.participant_id == participant.id)
        .options(selectinload(Submission.texts), selectinload(Submission.attachments),
                 selectinload(Submission.links)).order_by(Submission.created_at, Submission.id)).all()
    emails = db.session.scalars(select(OutboxMessage).where(_emails_of(participant)).order_by(OutboxMessage.id)).all()
    accommodations_held = db.session.scalars(
        select(Accommodation).where(Accommodation.participant_id == participant.id)
        .options(selectinload(Accommodation.registration).selectinload(Registration.forum))
        .order_by(Accommodation.created_at)).all()
    session_invitations = db.session.scalars(
        select(SessionInvitation).where(*_invitations_of(participant))
        .options(selectinload(SessionInvitation.forum)).order_by(SessionInvitation.invited_at)).all()
    return Holdings(participant=participant, consultation=consultation, registrations=list(registrations),
                    responses=list(responses), invitations=list(invitations), submissions=list(submissions),
                    comments=comments_of(participant), emails=list(emails),
                    turns=transcript_services.turns_of(participant), evaluations=evaluations_of(participant),
                    accommodations=list(accommodations_held), session_invitations=list(session_invitations),
                    compensation_choice=db.session.get(CompensationChoice, participant.id),
                    ledger=compensation.entries_of(participant),
                    pool_record=db.session.scalar(select(PoolRecord).where(PoolRecord.participant_id == participant.id)
                                                  .options(selectinload(PoolRecord.member))))


def evaluations_of(participant: Participant) -> list[EvaluationInvitation]:
    return list(db.session.scalars(
        select(EvaluationInvitation).join(Forum, Forum.id == EvaluationInvitation.forum_id)
        .where(EvaluationInvitation.participant_id == participant.id)
        .options(selectinload(EvaluationInvitation.forum)).order_by(Forum.starts_at, EvaluationInvitation.id)))


def _emails_of(participant: Participant):
    """The emails sent to this person about their own participation in this consultation (the same
    address may take part in another consultation, whose emails are not this one's to show or erase)."""
    owned = {
        "participant": select(cast(Participant.id, String)).where(Participant.id == participant.id),
        "registration": select(cast(Registration.id, String)).where(Registration.participant_id == participant.id),
        "questionnaire_response": select(cast(Response.id, String)).where(Response.participant_id == participant.id),
        "submission": select(cast(Submission.id, String)).where(Submission.participant_id == participant.id),
        "session_invitation": select(cast(SessionInvitation.id, String)).where(*_invitations_of(participant)),
    }
    return (OutboxMessage.to_address == participant.email) & or_(
        *[(OutboxMessage.object_type == kind) & OutboxMessage.object_id.in_(ids) for kind, ids in owned.items()])


def _invitations_of(participant: Participant) -> tuple:
    """The invitations of their address to this consultation's sessions (before or after they took part)."""
    sessions = select(Forum.id).where(Forum.consultation_id == participant.consultation_id)
    return SessionInvitation.email == participant.email, SessionInvitation.forum_id.in_(sessions)


def comments_of(participant: Participant) -> list[Comment]:
    """The comments analysis derived from what this person said: linked to them, to one of their
    answers or to an excerpt of one of their submissions."""
    theirs = [getattr(Comment, column).in_(origins) for column, origins in held_origins(participant).items()]
    return list(db.session.scalars(
        select(Comment).where(or_(Comment.participant_id == participant.id, *theirs))
        .options(selectinload(Comment.topic)).order_by(Comment.source_date, Comment.id)))


def ordered_answers(response: Response) -> list[Answer]:
    """The answers of a response that hold something, in the questionnaire's order."""
    answers = [answer for answer in response.answers if not answer.is_empty]
    return sorted(answers, key=lambda answer: (answer.question.page.position, answer.question.position))


def attachment_of(participant: Participant, attachment_id: int) -> SubmissionAttachment | None:
    """One of the participant's documents, or None (never someone else's)."""
    return db.session.scalar(select(SubmissionAttachment).join(Submission).where(
        SubmissionAttachment.id == attachment_id, Submission.participant_id == participant.id))


# -- correcting and consenting ----------------------------------------------------------------

def correct_profile(participant: Participant, profile: Profile) -> list[str]:
    """Set the profile as the person typed it (blanks included: they may remove their organisation).
    Returns the names of the fields that changed; the audit trail keeps the names, not the values."""
    changed = []
    for name in PROFILE_FIELDS:
        value = getattr(profile, name)
        value = value.strip() if isinstance(value, str) else value
        if name == "organisation":
            value = value or ""
        if getattr(participant, name) != value:
            setattr(participant, name, value)
            changed.append(name)
    if changed:
        event = record(None, "participant.corrected", "participant", participant.id, participant.consultation_id,
                       fields=changed)
        event.actor_label = "participant"
    db.session.flush()
    return changed


def change_consent(participant: Participant, purpose: str, granted: bool) -> bool:
    """Give or withdraw one consent; True when the decision changed. Kept as history with the
    notice version and the time; a withdrawn quotation consent is read live by the report."""
    if purpose not in CHANGEABLE_PURPOSES:
        raise ValueError(purpose)
    if participant.current_consent(purpose) == granted and any(c.purpose == purpose for c in participant.consents):
        return False
    consultation = consultation_of(participant)
    record_consents(participant, {purpose: granted}, notice_version=consultation.privacy_notice_version,
                    source=CONSENT_SOURCE)
    if purpose == "contact" and not granted:
        _leave_pool(participant)
    return True


def _leave_pool(participant: Participant) -> None:
    """The pool holds people who agree to be contacted: a confirmed member who withdraws that consent
    from any of their consultations leaves it (a match still waiting cannot be merged any more)."""
    record = pool.record_of(participant)
    if record is not None and record.status == "linked":
        pool.leave(record.member)


# -- erasure ----------------------------------------------------------------------------------

@dataclass
class Erasure:
    """What one or more erasures did, for the person's confirmation, the command's output and the audit."""

    participants: int = 0
    registrations_cancelled: int = 0
    responses_emptied: int = 0
    submissions_emptied: int = 0
    files_deleted: int = 0
    comments_kept_anonymously: int = 0
    comments_deleted: int = 0
    interview_notes_deleted: int = 0
    emails_deleted: int = 0

    def add(self, other: "Erasure") -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def as_dict(self) -> dict[str, int]:
        return {item.name: getattr(self, item.name) for item in fields(self)}


def erase(participant: Participant, *, reason: str, now: datetime | None = None, withdraw_processing: bool = False,
          actor_label: str | None = None) -> Erasure:
    """Erase a person's personal data and keep only what may be kept anonymously (docs/privacy.md).

    - their future registrations are cancelled through the seat rules, so seats go to the waitlist;
    - questionnaire answers, invitations, the contents of submissions (texts, documents, links,
      excerpts) and the emails addressed to them are deleted, documents removed from disk once this
      commits; the emptied response and submission rows stay for the anonymous participation figures;
    - the comments analysis derived from what they said are kept, detached from them, when their
      consent to processing allowed analysis, and deleted otherwise (so are the notes of an
      interview they alone attended);
    - the participant row keeps only category, province and language (anonymous statistics):
      identity blanked, email replaced by an undeliverable placeholder, every link revoked;
    - their record in the pool of partners goes, and the pool member with it unless another
      consultation's record is theirs (partners.pool.forget); so do the invitations of their address to
      this consultation's sessions, with their emails;
    - their expense receipts are deleted and what they wrote about each expense blanked; the amounts
      and their decisions stay for the accounts (partners.services.forget_documents);
    - one audit event records the counts, without any personal data.
    """
    now = now or utcnow()
    done = Erasure(participants=1)
    consultation_id = participant.consultation_id
    if withdraw_processing:
        consultation = consultation_of(participant)
        record_consents(participant, {"processing": False}, notice_version=consultation.privacy_notice_version,
                        source=CONSENT_SOURCE)
    keep_comments = participant.current_consent("processing")
    # Before the rows they are about are deleted: that is how they are recognised.
    emails = db.session.scalars(select(OutboxMessage.id).where(_emails_of(participant))).all()
    comments = comments_of(participant)
    interview_notes = _interview_notes(participant)

    done.registrations_cancelled = _cancel_future_registrations(participant, now)
    if keep_comments:
        # Detached before their origin goes: the database would otherwise delete them with it.
        origin_columns = list(held_origins(participant))
        for comment in comments:
            comment.participant_id = None
            for column in origin_columns:
                setattr(comment, column, None)
        done.comments_kept_anonymously = len(comments)
    else:
        for note in interview_notes:
            db.session.delete(note)
        for comment in comments:
            db.session.delete(comment)
        done.comments_deleted = len(comments)
        done.interview_notes_deleted = len(interview_notes)
    db.session.flush()
    # Their words in transcripts: the turns keep their place and time, blanked.
    transcript_services.blank_turns_of(participant)

    # The response and submission rows stay, emptied, so that the anonymous figures of who took part
    # in which channel (the participation dashboard) do not change.
    for response in db.session.scalars(select(Response).where(Response.participant_id == participant.id)):
        db.session.execute(delete(Answer).where(Answer.response_id == response.id))
        done.responses_emptied += 1
    db.session.execute(delete(Invitation).where(Invitation.participant_id == participant.id))
    db.session.execute(delete(SessionInvitation).where(*_invitations_of(participant)))
    accommodations.erase(participant)
    pool.forget(participant)
    done.files_deleted += compensation.forget_documents(participant)
    for submission in db.session.scalars(select(Submission).where(Submission.participant_id == participant.id)):
        for attachment in submission.attachments:
            uploads.delete_after_commit(attachment.stored_name, SUBMISSION_FILES)
            done.files_deleted += 1
        for children in (submission.excerpts, submission.texts, submission.attachments, submission.links):
            children.clear()
        submission.general_text = submission.intake_note = ""
        submission.message_id = None
        done.submissions_emptied += 1
    if emails:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(emails)))
    done.emails_deleted = len(emails)

    participant.name = ""
    participant.organisation = ""
    participant.email = ERASED_EMAIL.format(id=participant.id)
    participant.erased_at = now
    participant.link_version += 1
    db.session.flush()
    event = record(None, "participant.erased", "participant", participant.id, consultation_id, reason=reason,
                   **done.as_dict())
    event.actor_label = actor_label or ("purge" if reason == "retention" else "participant")
    db.session.flush()
    return done


def _cancel_future_registrations(participant: Participant, now: datetime) -> int:
    cancelled = 0
    upcoming = db.session.scalars(
        select(Registration).join(Forum).where(
            Registration.participant_id == participant.id, Registration.status.in_(ACTIVE),
            Forum.status == "scheduled", Forum.starts_at > now)).all()
    for item in upcoming:
        outcome = seats.cancel(item)
        for promoted in outcome.promoted:
            forum_notifications.registration_promoted(promoted)
        cancelled += 1
    return cancelled


def _interview_notes(participant: Participant) -> list[ForumNote]:
    """Notes of the interviews this person attended alone: they are about what this person said."""
    notes = []
    interviews = db.session.scalars(
        select(Forum).join(Registration).where(Registration.participant_id == participant.id,
                                               Registration.status.in_(SEATED), Forum.kind == "interview")).all()
    for forum in interviews:
        others = [item for item in forum.registrations
                  if item.participant_id != participant.id and item.status in SEATED]
        if not others:
            notes.extend(forum.notes)
    return notes
