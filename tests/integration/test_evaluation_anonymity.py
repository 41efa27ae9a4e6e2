"""No evaluation answer row can be tied back to a person: no reference to anyone, nothing to join on, no time,
and ids that give neither the order people answered in nor which answers came together."""
from sqlalchemy import inspect, select

from consult.evaluation.answering import record_answer
from consult.evaluation.items import items_of
from consult.extensions import db
from consult.models import EvaluationAnswer, EvaluationInvitation
from tests.mail_data import make_consultation, make_forum, sign_up

PERSON_TABLES = {"participant", "evaluation_invitation", "registration", "staff_user", "user"}


def test_no_answer_row_holds_a_participant_reference_or_anything_joinable(ctx):
    schema = inspect(db.engine)
    columns = {column["name"]: column for column in schema.get_columns("evaluation_answer")}
    assert set(columns) == {"id", "forum_id", "track_id", "category_id", "item_id", "value", "text"}
    assert not [name for name, column in columns.items() if "DATE" in str(column["type"]).upper()
                or "TIME" in str(column["type"]).upper()], "no moment of answering"
    targets = {fk["referred_table"] for fk in schema.get_foreign_keys("evaluation_answer")}
    assert targets == {"forum", "track", "participant_category", "evaluation_item"}
    assert not targets & PERSON_TABLES
    pointing_here = [table for table in schema.get_table_names()
                     if any(fk["referred_table"] == "evaluation_answer" for fk in schema.get_foreign_keys(table))]
    assert pointing_here == [], "no other table points at an answer"
    invitation_columns = {column["name"] for column in schema.get_columns("evaluation_invitation")}
    assert invitation_columns == {"id", "forum_id", "participant_id", "sent_at", "answered"}, \
        "the invitation records only that the person answered, not when"


def test_answer_ids_are_random_not_a_sequence(ctx):
    consultation = make_consultation()
    forum = make_forum(consultation)
    items = items_of(consultation)
    scale = [item for item in items if item.is_scale]
    invitations = []
    for number in range(4):
        registration = sign_up(forum, f"person{number}@example.org", "en")
        registration.status = "attended"
        invitation = EvaluationInvitation(forum_id=forum.id, participant_id=registration.participant_id)
        db.session.add(invitation)
        invitations.append(invitation)
    db.session.flush()
    given = []
    for invitation in invitations:
        before = set(db.session.scalars(select(EvaluationAnswer.id)))
        record_answer(invitation, items, {item.id: "4" for item in scale})
        given.append(set(db.session.scalars(select(EvaluationAnswer.id))) - before)
    db.session.commit()

    in_order = [answer_id for batch in given for answer_id in sorted(batch)]
    assert len(in_order) == 4 * len(scale)
    assert sorted(in_order) != in_order, "the id order is not the order of answering"
    gaps = {b - a for a, b in zip(sorted(in_order), sorted(in_order)[1:], strict=False)}
    assert gaps != {1}, "ids are not consecutive"
    assert min(in_order) > 2 ** 31
    # Read back in the table's one stable order, one person's answers do not come together.
    read_back = list(db.session.scalars(select(EvaluationAnswer.id).order_by(EvaluationAnswer.id)))
    runs = [sum(1 for answer_id in read_back[start:start + len(scale)] if answer_id in batch)
            for start, batch in zip(range(0, len(read_back), len(scale)), given, strict=False)]
    assert runs != [len(scale)] * 4
