"""Find or create the one participant behind an email, and record their consents."""
from dataclasses import dataclass
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import make_transient_to_detached

from ..extensions import db
from ..models import Consent, Consultation, Participant
from ..models.base import utcnow
from ..new_rows import insert_unless_taken, row_with_defaults

# Provinces and territories of Canada; anyone else gives a country.
REGIONS = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")


class InvalidEmail(ValueError):
    pass


@lru_cache(maxsize=256)
def normalise_email(raw: str) -> str:
    """Trimmed and lower-cased, so "Ana@Example.org " and "ana@example.org" are one person. Kept for the
    addresses seen last: a sign-up asks for the same one two or three times (validation is a fifth of a
    millisecond each time)."""
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from error


@dataclass
class Profile:
    name: str = ""
    organisation: str = ""
    category_id: int | None = None
    region: str = ""
    preferred_language: str = "fr"


def find_participant(consultation: Consultation, email: str) -> Participant | None:
    try:
        email = normalise_email(email)
    except InvalidEmail:
        return None
    return _participant_with(consultation, email)


# Built once: every sign-up and questionnaire start looks the email up.
_PARTICIPANT_WITH_EMAIL = select(Participant).where(Participant.consultation_id == bindparam("consultation_id"),
                                                    Participant.email == bindparam("email"))


def _participant_with(consultation: Consultation, normalised_email: str) -> Participant | None:
    return db.session.scalar(_PARTICIPANT_WITH_EMAIL, {"consultation_id": consultation.id, "email": normalised_email})


def find_or_create_participant(consultation: Consultation, email: str, profile: Profile) -> Participant:
    """The known participant with this email, or a new one. Never two rows.

    Whoever types an email is not proven to own it, so a known participant's profile only
    gets its blanks filled here; corrections go through their personal link.
    """
    return _found_or_created(consultation, email, profile).participant


def _found_or_created(consultation: Consultation, email: str, profile: Profile) -> "Identified":
    email = normalise_email(email)
    participant = _participant_with(consultation, email)
    if participant is not None:
        _apply_profile(participant, profile, only_blanks=True)
        return Identified(participant, known=True, created=False)
    participant, created = _create_participant(consultation, email, profile)
    return Identified(participant, known=False, created=created)


# New rows draw a random pseudonym: at a hundred thousand participants one draw in three hundred is
# already taken, and is drawn again.
PSEUDONYM_DRAWS = 5


def _create_participant(consultation: Consultation, email: str, profile: Profile,
                        fill_blanks: bool = True) -> tuple[Participant, bool]:
    """(participant, created) for a normalised email not found a moment ago: created is False when
    the row was already there (made by another request in the meantime); `fill_blanks` then fills
    that row's empty profile fields from `profile`."""
    for _draw in range(PSEUDONYM_DRAWS):
        row = row_with_defaults(Participant.__table__, consultation_id=consultation.id, email=email)
        participant = Participant(**row)
        _apply_profile(participant, profile)
        participant_id = insert_unless_taken(Participant.__table__, {key: getattr(participant, key) for key in row})
        if participant_id is not None:
            # The row as inserted, in the session as if just loaded: no flush, no statement to read it back.
            participant.id = participant_id
            make_transient_to_detached(participant)
            db.session.add(participant)
            return participant, True
        # The same person signed up from two tabs at once: use the row the other request made.
        existing = _participant_with(consultation, email)
        if existing is not None:
            if fill_blanks:
                _apply_profile(existing, profile, only_blanks=True)
            return existing, False
        # Otherwise the pseudonym drawn was taken: draw again.
    raise RuntimeError(f"no free pseudonym in {PSEUDONYM_DRAWS} draws")


def _apply_profile(participant: Participant, profile: Profile, only_blanks: bool = False) -> None:
    for field in ("name", "organisation", "region", "preferred_language", "category_id"):
        value = getattr(profile, field)
        if isinstance(value, str):
            value = value.strip()
        # The language for emails harms no one if a stranger sets it; the rest waits for proof.
        keep = only_blanks and getattr(participant, field) and field != "preferred_language"
        if value and not keep:
            setattr(participant, field, value)


def record_consents(participant: Participant, decisions: dict[str, bool], notice_version: str, source: str, *,
                    first: bool = False) -> None:
    """Store each decision that differs from the current one, with the notice version and time.

    `first`: the participant has just been created and has no decision yet (nothing to read). The
    rows go in with one statement; a consents list already loaded is read again when next used.
    """
    db.session.flush()  # the participant's row (and id) exists before its consents
    current = {} if first else {consent.purpose: consent.granted for consent in participant.consents}
    now = utcnow()
    rows = [{"participant_id": participant.id, "purpose": purpose, "granted": granted,
             "notice_version": notice_version, "source": source, "at": now}
            for purpose, granted in decisions.items() if purpose not in current or current[purpose] != granted]
    if not rows:
        return
    db.session.execute(insert(Consent), rows)
    loaded = [name for name in ("consents", "processing_agreed") if name in participant.__dict__]
    if loaded:
        db.session.expire(participant, loaded)


@dataclass
class Identified:
    participant: Participant
    known: bool  # the email was already a participant's
    created: bool  # the row was made by this transaction: nothing can refer to it yet


def identify_from_form(consultation: Consultation, email: str, profile: Profile, consents: dict[str, bool],
                       source: str) -> tuple[Participant, bool]:
    """(participant, known) for someone who typed their email into a public form: see `identify`."""
    identified = identify(consultation, email, profile, consents, source)
    return identified.participant, identified.known


def create_unless_known(consultation: Consultation, email: str, profile: Profile, consents: dict[str, bool],
                        source: str) -> Identified:
    """A new participant for an address typed into a public form, with its consents; or, when the
    address is already a participant's, that participant left as it is (known): whoever typed it is
    not proven to own it. The insert is tried first, so a new address costs no lookup."""
    participant, created = _create_participant(consultation, normalise_email(email), profile, fill_blanks=False)
    if created:
        record_consents(participant, consents, notice_version=consultation.privacy_notice_version, source=source,
                        first=True)
    return Identified(participant, known=not created, created=created)


def identify(consultation: Consultation, email: str, profile: Profile, consents: dict[str, bool],
             source: str) -> Identified:
    """The participant behind an email typed into a public form, found or created.

    Whoever typed the address is not proven to own it: for someone already known, the profile only
    gets its blanks filled and no consent decision they made is changed (giving or withdrawing);
    only purposes they never decided on are recorded.
    """
    identified = _found_or_created(consultation, email, profile)
    participant = identified.participant
    decided = {consent.purpose for consent in participant.consents} if identified.known else set()
    record_consents(participant, {purpose: granted for purpose, granted in consents.items() if purpose not in decided},
                    notice_version=consultation.privacy_notice_version, source=source, first=identified.created)
    return identified
