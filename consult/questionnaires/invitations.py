"""Invitations to the questionnaire: reading a pasted or uploaded list of addresses, inviting, the
invitation list with each person's progress, and reminders."""
import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    Invitation,
    Participant,
    Questionnaire,
    Response,
)
from ..participants.fields import single_line
from ..participants.services import (
    InvalidEmail,
    Profile,
    find_or_create_participant,
    find_participant,
    normalise_email,
)
from . import notifications
from .builder import audit
from .responding import get_or_create_response
from .saving import normalise_text

INVITATIONS_PER_PAGE = 100
MAX_INVITATIONS = 2000  # one paste or file at most


@dataclass
class EmailList:
    entries: list[tuple[str, str]] = field(default_factory=list)  # (email, name), each email once
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (line number, line)
    repeated: int = 0


def parse_email_list(text: str) -> EmailList:
    """One person a line: an email, optionally with a name ("ana@example.org, Ana Tremblay" or a CSV
    with a header). Lines without a valid email are reported with their number."""
    result, seen = EmailList(), set()
    reader = csv.reader(io.StringIO(normalise_text(text)), delimiter=_delimiter(text))
    for number, cells in enumerate(reader, start=1):
        cells = [cell.strip() for cell in cells if cell.strip()]
        if not cells:
            continue
        address = next((cell for cell in cells if "@" in cell), None)
        if address is None and number == 1 and len(result.entries) == 0:
            continue  # a CSV header ("email,name")
        try:
            email = normalise_email((address or "").strip("<>\"' "))
        except InvalidEmail:
            result.invalid.append((number, ", ".join(cells)[:200]))
            continue
        if email in seen:
            result.repeated += 1
            continue
        seen.add(email)
        name = next((cell for cell in cells if cell != address), "")
        result.entries.append((email, name[:200]))
    return result


def _delimiter(text: str) -> str:
    first = (text or "").split("\n", 1)[0]
    return max((";", "\t", ","), key=first.count) if any(sep in first for sep in ";\t,") else ","


@dataclass
class InviteReport:
    invited: int = 0
    already: int = 0
    # Addresses beyond MAX_INVITATIONS in one go: not invited, and said so.
    left_over: int = 0


def invite(questionnaire: Questionnaire, entries: list[tuple[str, str]], language: str, actor_id: int | None,
           now: datetime) -> InviteReport:
    """Invite each address once: a participant (the same person as in the forums), their response and an
    invitation email with their personal link, queued in the outbox. Inviting again sends nothing new."""
    report = InviteReport()
    consultation = questionnaire.consultation
    report.left_over = max(len(entries) - MAX_INVITATIONS, 0)
    for email, name in entries[:MAX_INVITATIONS]:
        participant = find_participant(consultation, email)
        if participant is None:
            participant = find_or_create_participant(
                consultation, email, Profile(name=single_line(name), preferred_language=language))
        item = db.session.scalar(select(Invitation).where(Invitation.questionnaire_id == questionnaire.id,
                                                          Invitation.participant_id == participant.id))
        if item is not None:
            report.already += 1
            continue
        # sent_at stays empty until the outbox has delivered the email (mail/delivery.py).
        item = Invitation(questionnaire_id=questionnaire.id, participant_id=participant.id, created_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(item)
                db.session.flush()
        except IntegrityError:
            report.already += 1
            continue
        response = get_or_create_response(questionnaire, participant)
        notifications.invitation(item, response)
        report.invited += 1
    db.session.flush()
    audit(actor_id, "questionnaire.invited", "questionnaire", questionnaire.id, consultation.id,
          invited=report.invited, already=report.already)
    return report


# "queued": the email waits in the outbox (or could not be delivered yet); "sent" once delivered.
INVITATION_STATUSES = ("queued", "sent", "started", "submitted")


def invitation_status(response: Response | None, sent_at: datetime | None = None) -> str:
    if response is not None and response.submitted_at is not None:
        return "submitted"
    if response is not None and response.started_at is not None:
        return "started"
    return "sent" if sent_at is not None else "queued"


@dataclass
class InvitationRow:
    invitation: Invitation
    participant: Participant
    response: Response | None
    status: str


@dataclass
class InvitationListing:
    rows: list[InvitationRow]
    counts: dict[str, int]
    page: int
    pages: int
    total: int


def list_invitations(questionnaire: Questionnaire, page: int = 1) -> InvitationListing:
    query = (select(Invitation, Participant, Response).join(Participant, Invitation.participant_id == Participant.id)
             .outerjoin(Response, (Response.questionnaire_id == Invitation.questionnaire_id)
                        & (Response.participant_id == Invitation.participant_id))
             .where(Invitation.questionnaire_id == questionnaire.id).order_by(Participant.email))
    total = db.session.scalar(select(func.count()).select_from(Invitation)
                              .where(Invitation.questionnaire_id == questionnaire.id)) or 0
    pages = max((total + INVITATIONS_PER_PAGE - 1) // INVITATIONS_PER_PAGE, 1)
    page = min(max(page, 1), pages)
    rows = [InvitationRow(item, participant, response, invitation_status(response, item.sent_at))
            for item, participant, response
            in db.session.execute(query.limit(INVITATIONS_PER_PAGE).offset((page - 1) * INVITATIONS_PER_PAGE))]
    counts = dict.fromkeys(INVITATION_STATUSES, 0)
    for submitted_at, started_at, sent_at in db.session.execute(
            select(Response.submitted_at, Response.started_at, Invitation.sent_at).select_from(Invitation)
            .outerjoin(Response, (Response.questionnaire_id == Invitation.questionnaire_id)
                       & (Response.participant_id == Invitation.participant_id))
            .where(Invitation.questionnaire_id == questionnaire.id)):
        counts["submitted" if submitted_at else "started" if started_at else "sent" if sent_at else "queued"] += 1
    return InvitationListing(rows, counts, page, pages, total)


def remind(questionnaire: Questionnaire, actor_id: int | None, now: datetime) -> int:
    """Remind everyone invited who has not submitted: at most once a day per person, however often
    the button is pressed (the outbox refuses the second message of the day)."""
    day = now.astimezone(questionnaire.consultation.tz).date().isoformat()
    count = 0
    for item, response in db.session.execute(
            select(Invitation, Response).join(Response, (Response.questionnaire_id == Invitation.questionnaire_id)
                                              & (Response.participant_id == Invitation.participant_id))
            .where(Invitation.questionnaire_id == questionnaire.id, Response.submitted_at.is_(None))):
        if notifications.reminder(item, response, day) is not None:
            item.reminded_at = now
            item.reminders += 1
            count += 1
    db.session.flush()
    audit(actor_id, "questionnaire.reminded", "questionnaire", questionnaire.id, questionnaire.consultation_id,
          reminded=count)
    return count
