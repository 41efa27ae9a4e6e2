"""Signing up for a forum and the questionnaire's autosave run on every keystroke pause and every
sign-up: they keep to a few SQL statements, and what they skip changes nothing anyone sees."""
from sqlalchemy import select

from consult.extensions import db
from consult.mail.rendering import render
from consult.models import Consent, OutboxMessage, Participant, Registration
from consult.questionnaires.notifications import TOKEN_PURPOSE
from tests.conftest import csrf_token_from
from tests.integration.test_forum_signup import (  # noqa: F401
    en,
    form_data,
    forums_open,
    make_forum,
    manage_token,
    plain,
    sign_up,
    signup_url,
)
from tests.integration.test_query_counts import _draft, bench_demo, counted, read_form  # noqa: F401

# consultation, forum (with its channel and who may sign up), categories, compensation policy,
# participant (1: inserted with ON CONFLICT DO NOTHING, looked for only when the address is taken),
# consents, seat, registration (1: a participant made by this transaction has no registration to race
# with), the organisation's pool for someone who agreed to be contacted (member, its group, the new
# member and the record of this consultation behind it: 4), email
SIGN_UP_STATEMENTS = 13
# response with its person (and their latest processing decision) and questionnaire, the page's questions
# with this response's answers to them, the answer (inserted with ON CONFLICT DO NOTHING rather than
# inside a savepoint, or updated), response
AUTOSAVE_STATEMENTS = 4


def _post_counted(app, client, consultation, forum_id, **overrides):
    """The SQL statements of one sign-up POST (the form's page is fetched outside the count)."""
    page = client.get(signup_url(forum_id))
    payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **form_data(consultation, **overrides)}
    with counted(app) as statements:
        response = client.post(signup_url(forum_id), data=payload)
    assert response.status_code == 303
    return statements


def test_a_new_person_signing_up_costs_few_statements(app, en, forums_open, make_forum):  # noqa: F811
    seat = make_forum(capacity=5)
    full = make_forum("Full forum", capacity=1)
    assert sign_up(en, forums_open, full, email="first@example.org", preferred_language="en").status_code == 303

    seated = _post_counted(app, en, forums_open, seat, email="ana@example.org", preferred_language="en")
    waiting = _post_counted(app, en, forums_open, full, email="bob@example.org", preferred_language="en")

    assert len(seated) <= SIGN_UP_STATEMENTS, "\n".join(seated)
    # The waitlist place is counted, not read whole.
    assert len(waiting) <= SIGN_UP_STATEMENTS + 1, "\n".join(waiting)
    assert sum(statement.startswith("INSERT INTO consent") for statement in seated) == 1
    # The participant's row, the only one that can race with another tab's, is guarded by its unique
    # constraint in the INSERT itself; the registration needs no guard: no savepoint at all.
    assert not any(statement.startswith("SAVEPOINT") for statement in seated + waiting), "\n".join(seated)
    assert not any("FROM outbox_message" in statement for statement in seated + waiting)
    # The session's sign-up rule comes with the session; a new address is inserted, never looked for.
    assert not any(statement.startswith("SELECT") and "FROM forum_access" in statement for statement in seated)
    assert not any(statement.startswith("SELECT participant.") for statement in seated), "\n".join(seated)
    with app.app_context():
        ana = db.session.scalar(select(Participant).where(Participant.email == "ana@example.org"))
        assert {(c.purpose, c.granted) for c in db.session.scalars(select(Consent).where(
            Consent.participant_id == ana.id))} == {("processing", True), ("quotation", False), ("contact", True)}
        subjects = [render(m).subject for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
        assert subjects == ["Your seat is confirmed: Full forum", "Your seat is confirmed: Forum on access",
                            "You are on the waitlist: Full forum"]


def test_a_person_another_tab_signed_up_a_moment_ago_is_found_not_duplicated(app, forums_open):  # noqa: F811
    """Another tab's sign-up (or an earlier one) made the participant: the insert finds the address taken
    and leaves that row as it is, blanks included, and records no consent (whoever typed the address is
    not proven to own it)."""
    from consult.models import Consultation
    from consult.participants.services import Profile, create_unless_known, find_or_create_participant

    with app.app_context():
        consultation = db.session.get(Consultation, forums_open.id)
        first = find_or_create_participant(consultation, "Tabs@Example.org", Profile(name="Ana", region="QC"))
        db.session.commit()
        db.session.refresh(consultation)  # the commit expired it: read it outside the count
        with counted(app) as statements:
            found = create_unless_known(consultation, "tabs@example.org",
                                        Profile(name="Someone else", organisation="Their firm"),
                                        {"processing": True}, "forum-signup")
        assert (found.participant.id, found.known, found.created) == (first.id, True, False)
        # The insert, then the row it found in the way.
        assert [statement.split()[0] for statement in statements] == ["INSERT", "SELECT"], statements
        db.session.commit()
        rows = db.session.scalars(select(Participant).where(Participant.email == "tabs@example.org")).all()
        assert [(row.id, row.name, row.region, row.organisation) for row in rows] == [(first.id, "Ana", "QC", "")]
        assert not db.session.scalars(select(Consent).where(Consent.participant_id == first.id)).all()


def test_a_pseudonym_already_taken_is_drawn_again(app, forums_open, monkeypatch):  # noqa: F811
    from consult.models import Consultation
    from consult.participants import services

    draws = iter(["P-AAAAA", "P-AAAAA", "P-BBBBB"])
    # The model's column default draws the pseudonym.
    monkeypatch.setattr(Participant.__table__.c.pseudonym.default, "arg", lambda _context: next(draws))
    with app.app_context():
        consultation = db.session.get(Consultation, forums_open.id)
        first = services.create_unless_known(consultation, "one@example.org", services.Profile(name="One"),
                                             {"processing": True}, "forum-signup").participant
        second = services.create_unless_known(consultation, "two@example.org", services.Profile(name="Two"),
                                              {"processing": True}, "forum-signup").participant
        db.session.commit()
        assert (first.pseudonym, second.pseudonym) == ("P-AAAAA", "P-BBBBB")
        assert db.session.get(Participant, second.id).name == "Two"
        assert {consent.purpose for consent in db.session.get(Participant, second.id).consents} == {"processing"}


def test_each_person_on_the_waitlist_sees_their_own_place(app, en, forums_open, make_forum):  # noqa: F811
    forum = make_forum(capacity=1)
    for email in ("seat@example.org", "bob@example.org", "chloe@example.org", "dan@example.org"):
        assert sign_up(en, forums_open, forum, email=email, preferred_language="en").status_code == 303
    with app.app_context():
        bodies = [render(m).body_text for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
        ids = {r.participant.email: r.id for r in db.session.scalars(select(Registration))}
    for place, body in enumerate(bodies[1:], start=1):
        assert f"Your place on the waitlist: {place}." in body

    dan = manage_token(app, ids["dan@example.org"])
    assert "On the waitlist, number 3" in plain(en.get(f"/registrations/{dan}").get_data(as_text=True))
    bob = manage_token(app, ids["bob@example.org"])
    page = en.get(f"/registrations/{bob}/cancel").get_data(as_text=True)
    assert en.post(f"/registrations/{bob}/cancel", data={"csrf_token": csrf_token_from(page)}).status_code in (302, 303)
    assert "On the waitlist, number 2" in plain(en.get(f"/registrations/{dan}").get_data(as_text=True))


def test_an_autosave_costs_few_statements_and_saves_the_text(app, client, bench_demo):  # noqa: F811
    page = next(question[3] for question in bench_demo.text_questions if question[4])
    url = f"/questionnaire/{_draft(app, bench_demo, 0)}/pages/{page}"
    form = read_form(client.get(url).get_data(as_text=True))
    field = next(name for name in form.fields if name.startswith("q-") and f"b-{name[2:]}" in form.fields)
    with counted(app) as statements:
        response = client.post(url + "/autosave", data={**form.fields, field: "Plus de lits en région."},
                               headers={"HX-Request": "true", "X-CSRFToken": form.csrf_token})
    assert response.status_code == 200 and "Enregistré à" in response.get_data(as_text=True)
    assert len(statements) <= AUTOSAVE_STATEMENTS, "\n".join(statements)
    assert not any(statement.startswith("SAVEPOINT") for statement in statements)
    again = read_form(client.get(url).get_data(as_text=True))
    assert again.fields[field] == "Plus de lits en région."
    # Typing on: the answer now exists and is changed in place, for as few statements.
    with counted(app) as statements:
        response = client.post(url + "/autosave", data={**again.fields, field: "Plus de lits en région, et vite."},
                               headers={"HX-Request": "true", "X-CSRFToken": again.csrf_token})
    assert response.status_code == 200 and "Enregistré à" in response.get_data(as_text=True)
    assert len(statements) <= AUTOSAVE_STATEMENTS, "\n".join(statements)
    assert [statement.split()[0] for statement in statements].count("UPDATE") == 2, statements
    assert read_form(client.get(url).get_data(as_text=True)).fields[field] == "Plus de lits en région, et vite."


def test_an_autosave_leaves_the_session_cookie_alone(app, client, bench_demo):  # noqa: F811
    """The page already put the response in this browser's session: saving again neither re-signs nor
    re-sends the cookie."""
    page = next(question[3] for question in bench_demo.text_questions if question[4])
    url = f"/questionnaire/{_draft(app, bench_demo, 1)}/pages/{page}"
    form = read_form(client.get(url).get_data(as_text=True))
    field = next(name for name in form.fields if name.startswith("q-") and f"b-{name[2:]}" in form.fields)
    for text in ("Des lits.", "Des lits en région."):
        response = client.post(url + "/autosave", data={**form.fields, field: text},
                               headers={"HX-Request": "true", "X-CSRFToken": form.csrf_token})
        assert response.status_code == 200
        assert not any(header.startswith("session=") for header in response.headers.getlist("Set-Cookie"))
    assert read_form(client.get(url).get_data(as_text=True)).fields[field] == "Des lits en région."


def test_a_staff_session_seen_from_another_browser_is_still_checked(client, login):
    """Session protection stays for sessions that sign someone in: from another browser the (permanent)
    staff session is no longer "fresh", as Flask-Login marks it."""
    login()
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        assert session.get("_fresh") is True
    client.get("/staff/", headers={"User-Agent": "another browser"})
    with client.session_transaction() as session:
        assert session.get("_fresh") is False


def test_connections_are_not_pinged_at_each_checkout(app):
    """A ping is a statement before every request's first query: a SQLite file has no server to lose, and
    a server connection is pinged only after it sat unused (tests/integration/test_database_connections.py)."""
    with app.app_context():
        assert db.engine.pool._pre_ping is False


def test_an_answer_another_tab_made_a_moment_ago_is_updated_not_duplicated(app, bench_demo):  # noqa: F811
    """The tab looked for the answer, found none, and meanwhile another tab's save made it: the insert
    finds the row taken (the unique constraint decides) and the newest text replaces it."""
    from consult.models import Answer, Question, Response
    from consult.questionnaires import saving
    from consult.tokens import read_token

    question_id = next(question[0] for question in bench_demo.text_questions if question[4])
    token = _draft(app, bench_demo, 0)
    with app.app_context():
        response = db.session.get(Response, read_token(TOKEN_PURPOSE, token)[0])
        question = db.session.get(Question, question_id)
        now = response.created_at
        assert saving._write(response, question, "Premier onglet.", now, None)
        assert saving._write(response, question, "Second onglet.", now, None)  # as if not found a moment ago
        db.session.commit()
        rows = db.session.scalars(select(Answer).where(Answer.response_id == response.id,
                                                       Answer.question_id == question_id)).all()
        assert [row.value for row in rows] == ["Second onglet."]


def test_the_first_saved_answer_marks_when_the_response_was_started(app, client, bench_demo):  # noqa: F811
    from consult.models import Response
    from consult.tokens import read_token

    page = next(question[3] for question in bench_demo.text_questions if question[4])
    token = _draft(app, bench_demo, 0)
    with app.app_context():
        response = db.session.get(Response, read_token(TOKEN_PURPOSE, token)[0])
        response.started_at = None
        db.session.commit()
    url = f"/questionnaire/{token}/pages/{page}"
    form = read_form(client.get(url).get_data(as_text=True))
    field = next(name for name in form.fields if name.startswith("q-") and f"b-{name[2:]}" in form.fields)
    answer = client.post(url + "/autosave", data={**form.fields, field: "Des lits."},
                         headers={"HX-Request": "true", "X-CSRFToken": form.csrf_token})
    assert answer.status_code == 200
    with app.app_context():
        response = db.session.get(Response, read_token(TOKEN_PURPOSE, token)[0])
        assert response.started_at is not None and response.updated_at >= response.started_at
        started = response.started_at
    client.post(url + "/autosave", data={**form.fields, field: "Des lits en région."},
                headers={"HX-Request": "true", "X-CSRFToken": form.csrf_token})
    with app.app_context():
        response = db.session.get(Response, read_token(TOKEN_PURPOSE, token)[0])
        assert response.started_at == started and response.updated_at >= started


def test_the_latest_processing_decision_comes_with_the_person_and_follows_their_changes(app, forums_open):  # noqa: F811
    """An autosave reads whether the person agreed to the processing with their response, in the same
    statement; a decision recorded afterwards in the same transaction is what it then says."""
    from sqlalchemy.orm import undefer

    from consult.models import Consultation
    from consult.participants.services import Profile, create_unless_known, record_consents
    from consult.questionnaires.responding import needs_profile

    with app.app_context():
        consultation = db.session.get(Consultation, forums_open.id)
        person = create_unless_known(consultation, "p@example.org", Profile(name="P", region="QC"),
                                     {"processing": True}, "forum-signup").participant
        db.session.commit()
        person_id = person.id
        db.session.expunge_all()
        with counted(app) as statements:
            loaded = db.session.scalar(select(Participant).where(Participant.id == person_id)
                                       .options(undefer(Participant.processing_agreed)))
            assert loaded.processing_agreed is True and not needs_profile(loaded)
        assert len(statements) == 1, statements
        record_consents(loaded, {"processing": False}, notice_version="v2", source="my-data")
        assert loaded.processing_agreed is False and needs_profile(loaded)
        record_consents(loaded, {"processing": True}, notice_version="v3", source="my-data")
        assert loaded.processing_agreed is True
        db.session.commit()


def test_a_new_row_guarded_by_its_constraint_keeps_its_values_and_its_compiled_statement(app, bench_demo):  # noqa: F811
    """The INSERT ... ON CONFLICT DO NOTHING of answers and participants is compiled once per worker (the
    second is a cache hit) and writes lists and times as the model's columns do; a row already there
    gives no id and changes nothing."""
    from datetime import datetime, timezone

    from sqlalchemy import event

    from consult import tokens
    from consult.models import Answer, Question
    from consult.new_rows import insert_unless_taken

    token = _draft(app, bench_demo, 0)
    when = datetime(2026, 5, 4, 3, 2, 1, tzinfo=timezone.utc)
    with app.app_context():
        response_id, _version = tokens.read_token(TOKEN_PURPOSE, token)
        first, second = db.session.scalars(select(Question.id).order_by(Question.id).limit(2)).all()
        hits = []
        listener = lambda _c, _cursor, statement, _p, context, _m: hits.append(  # noqa: E731
            (statement.split()[0], context.cache_hit.name))
        event.listen(db.engine, "after_cursor_execute", listener)
        try:
            made = [insert_unless_taken(Answer.__table__, {"response_id": response_id, "question_id": question,
                                                           "value": "", "choices": ["1", "3"], "updated_at": when})
                    for question in (first, second, first)]
        finally:
            event.remove(db.engine, "after_cursor_execute", listener)
        assert made[0] and made[1] and made[2] is None
        assert [hit for verb, hit in hits if verb == "INSERT"][1:] == ["CACHE_HIT", "CACHE_HIT"], hits
        db.session.commit()
        answer = db.session.get(Answer, made[0])
        assert (answer.choices, answer.updated_at) == (["1", "3"], when)
