"""The demo's evaluations: most people present at each held session answered theirs, anonymously."""
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..evaluation.answering import record_answer
from ..evaluation.items import items_of
from ..extensions import db
from ..models import EvaluationInvitation, Forum, Registration
from .builder import Builder

ANSWER_RATE = 0.75
# Most people were satisfied; a few were not: weights of 1 to 5 on the agreement scale.
SCALE_WEIGHTS = (2, 5, 12, 45, 36)
REMARKS = {
    "fr": {
        "worked": ["Les échanges en petits groupes.", "La clarté de la présentation.", "Le temps donné à chacun.",
                   "La liste des sigles reçue avant la rencontre."],
        "improve": ["Plus de temps pour les questions.", "Recevoir les documents plus tôt.",
                    "Moins de sigles dans la présentation."],
    },
    "en": {
        "worked": ["The small-group discussions.", "A clear presentation.", "Everyone had time to speak.",
                   "The list of acronyms sent before the meeting."],
        "improve": ["More time for questions.", "Getting the documents earlier.", "Fewer acronyms in the slides."],
    },
}


def seed_evaluations(build: Builder, sessions: list[Forum]) -> int:
    """Invite everyone present at the held sessions and record the answers of most; returns how many answered."""
    items = items_of(build.consultation)
    scale = [item for item in items if item.is_scale]
    worked, improve = ([item for item in items if item.is_text] + [None, None])[:2]
    rng, answered = build.rng, 0
    registrations = db.session.scalars(
        select(Registration).where(Registration.forum_id.in_([forum.id for forum in sessions]),
                                   Registration.status == "attended")
        .order_by(Registration.id).options(joinedload(Registration.forum), joinedload(Registration.participant))
    ).all()
    for registration in registrations:
        invitation = EvaluationInvitation(forum_id=registration.forum_id, participant_id=registration.participant_id,
                                          sent_at=registration.forum.ends_at + timedelta(hours=1), answered=False)
        db.session.add(invitation)
        db.session.flush()
        if rng.random() > ANSWER_RATE:
            continue
        values = {item.id: str(rng.choices(range(1, 6), weights=SCALE_WEIGHTS)[0]) for item in scale}
        remarks = REMARKS[registration.participant.preferred_language]
        if worked is not None and rng.random() < 0.5:
            values[worked.id] = rng.choice(remarks["worked"])
        if improve is not None and rng.random() < 0.4:
            values[improve.id] = rng.choice(remarks["improve"])
        record_answer(invitation, items, values)
        answered += 1
    return answered
