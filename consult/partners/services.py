"""Compensation: the policy, each person's choice, the ledger that attendance and claims fill, and the
decisions on it. Services flush; the caller commits. Every change of money is audited."""
from dataclasses import dataclass

from sqlalchemy import func, select

from .. import audit, tokens, uploads
from ..extensions import db
from ..models import Forum, Participant, Registration
from ..models.base import utcnow
from ..models.compensation import EXPENSE_KINDS, CompensationChoice, CompensationPolicy, LedgerEntry

RECEIPTS = "receipts"


class LedgerError(Exception):
    """A rule refused the change; `code` says which, for a translated message."""

    def __init__(self, code: str, **details):
        self.code = code
        self.details = details
        super().__init__(code)


# -- policy -----------------------------------------------------------------------------------

def policy_of(consultation) -> CompensationPolicy | None:
    return db.session.scalar(select(CompensationPolicy).where(CompensationPolicy.consultation_id == consultation.id))


def save_policy(consultation, *, eligible_category_ids: list[int], rate_unit: str, forum_rate_cents: int,
                interview_rate_cents: int, expense_caps: dict[str, int], actor_id: int | None) -> CompensationPolicy:
    policy = policy_of(consultation) or CompensationPolicy(consultation_id=consultation.id)
    before = _policy_state(policy) if policy.id else None
    policy.eligible_category_ids = sorted(eligible_category_ids)
    policy.rate_unit = rate_unit
    policy.forum_rate_cents = forum_rate_cents
    policy.interview_rate_cents = interview_rate_cents
    policy.expense_caps = {kind: cents for kind, cents in expense_caps.items() if kind in EXPENSE_KINDS}
    db.session.add(policy)
    db.session.flush()
    audit.record(actor_id, "compensation.policy_saved", "compensation_policy", policy.id, consultation.id,
                 before=before, after=_policy_state(policy))
    return policy


def _policy_state(policy: CompensationPolicy) -> dict:
    return {"eligible": list(policy.eligible_category_ids or []), "unit": policy.rate_unit,
            "forum_cents": policy.forum_rate_cents, "interview_cents": policy.interview_rate_cents,
            "caps": dict(policy.expense_caps or {})}


# -- the person's choice ----------------------------------------------------------------------

def choice_of(participant: Participant) -> CompensationChoice | None:
    return db.session.get(CompensationChoice, participant.id)


def opted_in(participant: Participant) -> bool:
    choice = choice_of(participant)
    return bool(choice and choice.opted_in)


def set_choice(participant: Participant, opted: bool, *, only_if_undecided: bool = False) -> bool:
    """Record an opt-in or opt-out; returns whether it changed. `only_if_undecided`: from a public
    form where whoever typed the address is not proven to be its owner."""
    choice = choice_of(participant)
    if choice is not None and (only_if_undecided or choice.opted_in == opted):
        return False
    if choice is None:
        choice = CompensationChoice(participant_id=participant.id)
        db.session.add(choice)
    choice.opted_in = opted
    choice.at = utcnow()
    db.session.flush()
    audit.record(None, "compensation.opted_in" if opted else "compensation.opted_out", "participant",
                 participant.id, participant.consultation_id)
    if opted:
        # Sessions already attended (a walk-in who opts in afterwards) earn what they would have.
        for registration in db.session.scalars(select(Registration).where(
                Registration.participant_id == participant.id, Registration.status == "attended")):
            attendance_changed(registration, None)
    return True


def compensated(policy: CompensationPolicy | None, participant: Participant) -> bool:
    return policy is not None and policy.eligible(participant) and opted_in(participant)


# -- attendance fills the ledger --------------------------------------------------------------

def attendance_changed(registration: Registration, actor_id: int | None) -> LedgerEntry | None:
    """Called whenever attendance is marked: an attended session earns the policy's rate (for an
    eligible person who opted in); a no-show earns nothing, so a pending row for it goes away."""
    forum = registration.forum
    participant = registration.participant
    policy = policy_of(forum.consultation)
    entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.registration_id == registration.id,
                                                        LedgerEntry.kind == "attendance"))
    if registration.status != "attended":
        if entry is not None and entry.status == "pending":
            audit.record(actor_id, "ledger.attendance_removed", "ledger_entry", entry.id, forum.consultation_id,
                         amount_cents=entry.amount_cents)
            db.session.delete(entry)
            db.session.flush()
        return None
    if entry is not None or not compensated(policy, participant):
        return entry
    entry = LedgerEntry(consultation_id=forum.consultation_id, participant_id=participant.id,
                        registration_id=registration.id, kind="attendance",
                        amount_cents=policy.rate_for(forum), entered_by_id=actor_id)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor_id, "ledger.attendance_added", "ledger_entry", entry.id, forum.consultation_id,
                 amount_cents=entry.amount_cents, registration_id=registration.id)
    return entry


# -- expenses ---------------------------------------------------------------------------------

@dataclass
class Claim:
    expense_kind: str
    amount_cents: int
    description: str = ""
    receipt: uploads.CheckedFile | None = None


def claim_expense(participant: Participant, claim: Claim, *, actor_id: int | None = None) -> LedgerEntry:
    """An expense entered by the person (actor None) or by staff, checked against the policy's caps."""
    policy = policy_of_participant(participant)
    if policy is None or not policy.eligible(participant):
        raise LedgerError("not_eligible")
    if actor_id is None and not opted_in(participant):
        raise LedgerError("not_opted_in")
    cap = policy.cap_for(claim.expense_kind)
    if cap is None:
        raise LedgerError("kind_not_reimbursed")
    if claim.amount_cents <= 0:
        raise LedgerError("zero")
    if claim.amount_cents > cap:
        raise LedgerError("over_cap", cap=cap)
    entry = LedgerEntry(consultation_id=participant.consultation_id, participant_id=participant.id, kind="expense",
                        expense_kind=claim.expense_kind, amount_cents=claim.amount_cents,
                        description=claim.description.strip(), entered_by_id=actor_id)
    if claim.receipt is not None:
        entry.receipt_file = uploads.store(claim.receipt, RECEIPTS)
        entry.receipt_filename = claim.receipt.filename
        entry.receipt_mimetype = claim.receipt.mimetype
    db.session.add(entry)
    db.session.flush()
    audit.record(actor_id, "ledger.expense_claimed", "ledger_entry", entry.id, participant.consultation_id,
                 amount_cents=entry.amount_cents, expense_kind=entry.expense_kind, by_staff=actor_id is not None)
    return entry


def policy_of_participant(participant: Participant) -> CompensationPolicy | None:
    return db.session.scalar(select(CompensationPolicy)
                             .where(CompensationPolicy.consultation_id == participant.consultation_id))


# -- decisions --------------------------------------------------------------------------------

def decide(entry: LedgerEntry, approve: bool, reason: str, actor) -> LedgerEntry:
    """Approve or refuse a pending row; refusing needs a reason. Only a role that may approve."""
    if not actor.can("approve_expenses"):
        raise LedgerError("not_allowed")
    if entry.status != "pending":
        raise LedgerError("already_decided")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise LedgerError("reason_needed")
    entry.status = "approved" if approve else "refused"
    entry.decision_reason = reason
    entry.decided_by_id = actor.id
    entry.decided_at = utcnow()
    db.session.flush()
    audit.record(actor.id, "ledger.approved" if approve else "ledger.refused", "ledger_entry", entry.id,
                 entry.consultation_id, amount_cents=entry.amount_cents, reason=reason)
    return entry


# -- reading ----------------------------------------------------------------------------------

def entries(consultation, status: str | None = None) -> list[LedgerEntry]:
    query = select(LedgerEntry).where(LedgerEntry.consultation_id == consultation.id)
    if status:
        query = query.where(LedgerEntry.status == status)
    return list(db.session.scalars(query.order_by(LedgerEntry.created_at, LedgerEntry.id)))


def forget_documents(participant: Participant) -> int:
    """At an erasure: the receipts go (removed from disk once this commits) with what the person wrote
    about each expense; the amounts, their kind and their decision stay, for the accounts, attached to
    a participant row that no longer says who it was. Returns the number of files removed."""
    removed = 0
    for entry in db.session.scalars(select(LedgerEntry).where(LedgerEntry.participant_id == participant.id)):
        if entry.receipt_file:
            uploads.delete_after_commit(entry.receipt_file, RECEIPTS)
            removed += 1
        entry.receipt_file = entry.receipt_filename = entry.receipt_mimetype = ""
        entry.description = ""
    return removed


def entries_of(participant: Participant) -> list[LedgerEntry]:
    return list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.participant_id == participant.id)
                                   .order_by(LedgerEntry.created_at, LedgerEntry.id)))


def get_entry(consultation, entry_id: int) -> LedgerEntry | None:
    entry = db.session.get(LedgerEntry, entry_id)
    return entry if entry is not None and entry.consultation_id == consultation.id else None


def totals(consultation) -> dict[str, int]:
    """Cents per status ("pending", "approved", "refused") for the consultation."""
    rows = db.session.execute(select(LedgerEntry.status, func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                              .where(LedgerEntry.consultation_id == consultation.id)
                              .group_by(LedgerEntry.status)).all()
    result = {"pending": 0, "approved": 0, "refused": 0}
    result.update({status: int(total) for status, total in rows})
    return result


def attended_sessions(participant: Participant) -> list[Forum]:
    return list(db.session.scalars(select(Forum).join(Registration, Registration.forum_id == Forum.id)
                                   .where(Registration.participant_id == participant.id,
                                          Registration.status == "attended")
                                   .order_by(Forum.starts_at)))


def attendees(consultation) -> list[Participant]:
    """Everyone (not erased) who attended at least one session of the consultation."""
    return list(db.session.scalars(
        select(Participant).where(Participant.consultation_id == consultation.id, Participant.erased_at.is_(None),
                                  Participant.id.in_(select(Registration.participant_id).join(Forum)
                                                     .where(Forum.consultation_id == consultation.id,
                                                            Registration.status == "attended")))
        .order_by(Participant.pseudonym)))


def eligible_participants(consultation) -> list[Participant]:
    """People staff may enter an expense for: eligible by category, not erased."""
    policy = policy_of(consultation)
    if policy is None or not policy.eligible_category_ids:
        return []
    return list(db.session.scalars(
        select(Participant).where(Participant.consultation_id == consultation.id, Participant.erased_at.is_(None),
                                  Participant.category_id.in_(policy.eligible_category_ids))
        .order_by(Participant.name, Participant.email)))


# -- the personal link ------------------------------------------------------------------------

LINK_PURPOSE = "compensation"


def personal_token(participant: Participant) -> str:
    return tokens.make_token(LINK_PURPOSE, participant.id, participant.link_version)


def participant_from_token(token: str) -> Participant:
    participant_id, version = tokens.read_token(LINK_PURPOSE, token)
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.link_version != version or participant.erased_at is not None:
        raise tokens.LinkError("invalid")
    return participant


def totals_by_consultation() -> dict[int, dict[str, int]]:
    """Consultation id -> cents per status, for the staff dashboard."""
    result: dict[int, dict[str, int]] = {}
    for consultation_id, status, total in db.session.execute(
            select(LedgerEntry.consultation_id, LedgerEntry.status, func.sum(LedgerEntry.amount_cents))
            .group_by(LedgerEntry.consultation_id, LedgerEntry.status)):
        result.setdefault(consultation_id, {"pending": 0, "approved": 0, "refused": 0})[status] = int(total or 0)
    return result
