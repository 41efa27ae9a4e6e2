"""A consultation with comments of three channels, participants with and without consents, for the
tests of modification items, decisions, review and the outcome."""
from sqlalchemy import select

from consult.analysis.codebook import ensure_codebook
from consult.extensions import db
from consult.models import Consent, Track
from tests.factories import consultation_of, make_comment, make_participant

QUOTE = "QUOTE-ANA The access point needs a single public wait list that everyone can see clearly."
PRIVATE = "PRIVATE-BOB Le guichet d'accès devrait publier ses délais chaque mois, région par région."
NOTE = "NOTE-FORUM Le groupe demande de préciser qui est responsable de l'inscription au guichet."
ERASED = "ERASED-EVE A comment by someone who later asked for her data to be erased from the platform."


def seed(slug: str) -> dict:
    consultation = consultation_of(slug)
    ensure_codebook(consultation)
    ana = make_participant(consultation, "ana@example.org", name="Ana", category="clinician", region="AB",
                           language="en", quotation=True)
    ana.consents.append(Consent(purpose="contact", granted=True, source="test"))
    bob = make_participant(consultation, "bob@example.org", name="Bob", category="professor", region="QC",
                           quotation=False)
    bob.consents.append(Consent(purpose="contact", granted=True, source="test"))
    carl = make_participant(consultation, "carl@example.org", name="Carl", category="clinician", region="QC",
                            quotation=True)
    eve = make_participant(consultation, "eve@example.org", name="Eve", category="clinician", region="ON",
                           quotation=True)
    eve.consents.append(Consent(purpose="contact", granted=True, source="test"))
    for person in (ana, bob, carl, eve):
        # Consent to processing: an erasure keeps their comments, anonymously.
        person.consents.append(Consent(purpose="processing", granted=True, source="test"))
    track = db.session.scalar(select(Track).where(Track.consultation_id == consultation.id, Track.code == "qc"))
    comments = {
        "quote": make_comment(consultation, QUOTE, topic="1.1", participant=ana, language="en"),
        "private": make_comment(consultation, PRIVATE, topic="1.1", participant=bob, channel="submission"),
        "note": make_comment(consultation, NOTE, topic="1.1", channel="forum", track="qc"),
        "carl": make_comment(consultation, "CARL Il faudrait un guichet unique pour toute la région et ses CLSC.",
                             topic="1.1", participant=carl, channel="questionnaire"),
        "eve": make_comment(consultation, ERASED, topic="1.1", participant=eve, language="en",
                            channel="submission"),
        "other": make_comment(consultation, "OTHER Un commentaire sur une autre orientation du tout.",
                              topic="4.2", channel="forum"),
    }
    db.session.commit()
    return {"slug": slug, "consultation": consultation.id, "track": track.id if track else None,
            "people": {"ana": ana.id, "bob": bob.id, "carl": carl.id, "eve": eve.id},
            "comments": {key: comment.id for key, comment in comments.items()}}
