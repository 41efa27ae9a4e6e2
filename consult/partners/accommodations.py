"""What would help a person take part in a session. Seen by that session's organizers on its roster,
and nowhere else: no export or report reads this module, and erasing the person erases it."""
from sqlalchemy import delete, select

from ..extensions import db
from ..models import Registration
from ..models.compensation import ACCOMMODATION_NEEDS, Accommodation


def record(registration: Registration, needs: list[str], other: str) -> Accommodation | None:
    needs = [need for need in ACCOMMODATION_NEEDS if need in set(needs or [])]
    other = (other or "").strip()[:500]
    if not needs and not other:
        return None
    item = db.session.get(Accommodation, registration.id) or Accommodation(
        registration_id=registration.id, participant_id=registration.participant_id)
    item.needs, item.other = needs, other
    db.session.add(item)
    db.session.flush()
    return item


def for_forum(forum) -> dict[int, Accommodation]:
    """Registration id -> what its person asked for, for the roster."""
    rows = db.session.scalars(select(Accommodation).join(Registration, Registration.id == Accommodation.registration_id)
                              .where(Registration.forum_id == forum.id))
    return {item.registration_id: item for item in rows}


def erase(participant) -> int:
    return db.session.execute(delete(Accommodation).where(Accommodation.participant_id == participant.id)).rowcount
