"""The demo's partners: a compensation policy, ledger rows for the sessions held (some expenses
approved), a few accommodation needs shown on the rosters, and representation targets."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Forum, Participant, ParticipantCategory, Registration, StaffUser
from ..partners import accommodations, services, targets

# (category code, expense kind, amount in cents, what the person wrote)
EXPENSES = (
    ("patient-partner", "parking", 1500, "Stationnement de l’hôpital"),
    ("patient-partner", "respite", 6000, "Répit pour mon conjoint pendant le forum"),
    ("patient-partner", "travel", 4280, "Autobus interurbain"),
    ("other", "parking", 900, ""),
)
NEEDS = (["captions"], ["accessible_venue"], ["interpretation"], ["other_time", "document_format"])


@dataclass
class PartnersReport:
    ledger_rows: int = 0
    approved: int = 0
    accommodations: int = 0


def seed_partners(consultation, now: datetime, coordinator_id: int | None = None) -> PartnersReport:
    """Adds nothing when the consultation already has a compensation policy."""
    report = PartnersReport()
    if services.policy_of(consultation) is not None:
        return report
    codes = {category.code: category.id for category in db.session.scalars(
        select(ParticipantCategory).where(ParticipantCategory.consultation_id == consultation.id))}
    eligible = [codes[code] for code in ("patient-partner", "other") if code in codes]
    services.save_policy(consultation, eligible_category_ids=eligible, rate_unit="session", forum_rate_cents=7500,
                         interview_rate_cents=5000,
                         expense_caps={"parking": 2000, "respite": 10000, "travel": 6000}, actor_id=None)
    attended = list(db.session.scalars(
        select(Registration).join(Forum).join(Participant, Participant.id == Registration.participant_id)
        .where(Forum.consultation_id == consultation.id, Registration.status == "attended",
               Participant.category_id.in_(eligible))
        .order_by(Registration.id)))
    for index, registration in enumerate(attended):
        # Two people in three choose to be compensated.
        services.set_choice(registration.participant, index % 3 != 2)
        if services.attendance_changed(registration, None) is not None:
            report.ledger_rows += 1
    claimants = [registration.participant for registration in attended if services.opted_in(registration.participant)]
    by_code = {code: [person for person in claimants if person.category_id == codes.get(code)]
               for code in {code for code, *_rest in EXPENSES}}
    entries = []
    for index, (code, kind, cents, note) in enumerate(EXPENSES):
        people = by_code.get(code) or []
        if not people:
            continue
        entries.append(services.claim_expense(people[index % len(people)], services.Claim(kind, cents, note)))
        report.ledger_rows += 1
    coordinator = db.session.get(StaffUser, coordinator_id) if coordinator_id else None
    if coordinator is not None:
        for entry in [*services.entries(consultation, "pending")][: max(len(entries), 3)]:
            services.decide(entry, True, "", coordinator)
            report.approved += 1
    upcoming = list(db.session.scalars(
        select(Registration).join(Forum).where(Forum.consultation_id == consultation.id,
                                               Registration.status.in_(("confirmed", "attended")))
        .order_by(Registration.id).limit(len(NEEDS) * 3)))
    for index, registration in enumerate(upcoming[::3]):
        if accommodations.record(registration, NEEDS[index % len(NEEDS)], "") is not None:
            report.accommodations += 1
    targets.save(consultation, {str(category_id): 12 for category_id in codes.values()},
                 {"QC": 40, "ON": 8, "BC": 5, "NB": 3}, None)
    db.session.flush()
    return report
