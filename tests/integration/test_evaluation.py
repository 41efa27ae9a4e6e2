"""Session evaluations: sent an hour after the session to those present, once; one anonymous answer per link;
results with small groups kept back."""
import io
import re
from datetime import timedelta

from docx import Document
from sqlalchemy import inspect, select

from consult.evaluation.sending import send_evaluations
from consult.extensions import db
from consult.mail.delivery import deliver_pending
from consult.models import EvaluationAnswer, EvaluationInvitation
from consult.models.base import utcnow
from tests.conftest import submit_form
from tests.mail_data import SUMMER_START, make_consultation, make_forum, sign_up, text_of

END = SUMMER_START + timedelta(minutes=90)


def _present(forum, *emails):
    registrations = []
    for email in emails:
        registration = sign_up(forum, email, "en")
        registration.status = "attended"
        registrations.append(registration)
    db.session.flush()
    return registrations


def _link(message_text: str) -> str:
    return re.search(r"https?://\S+/evaluation/\S+", message_text).group(0)


def test_sent_an_hour_after_the_session_to_those_present_once(ctx, smtp_server):
    forum = make_forum(make_consultation())
    _present(forum, "ana@example.org")
    absent = sign_up(forum, "bob@example.org", "en")
    absent.status = "no_show"
    db.session.commit()

    assert send_evaluations(END + timedelta(minutes=59)).invitations == []
    assert [i.participant.email for i in send_evaluations(END + timedelta(minutes=61)).invitations] == [
        "ana@example.org"]
    db.session.commit()
    assert send_evaluations(END + timedelta(hours=5)).invitations == [], "once per person and session"
    db.session.commit()
    deliver_pending()
    (message,) = smtp_server.messages
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == "How was the session? Forum on axis one"
    assert "/evaluation/" in text_of(message)


def test_one_anonymous_answer_per_link(app, ctx, client, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "http://localhost")
    forum = make_forum(make_consultation(), starts_at=utcnow() - timedelta(hours=4))
    _present(forum, "ana@example.org")
    db.session.commit()
    send_evaluations()
    db.session.commit()
    deliver_pending()
    url = _link(text_of(smtp_server.messages[0])).replace("http://localhost", "")

    page = client.get(url)
    assert page.status_code == 200 and "Evaluation of the session" in page.get_data(as_text=True)
    empty = submit_form(client, url, {})
    assert empty.status_code == 422 and "Answer at least one question" in empty.get_data(as_text=True)
    fields = list(dict.fromkeys(re.findall(r'name="(item_\d+)"', page.get_data(as_text=True))))
    data = {name: "4" for name in fields[:6]} | {fields[-1]: "More time for questions"}
    assert submit_form(client, url, data).status_code == 303

    again = client.get(url)
    assert again.status_code == 409 and "already answered" in again.get_data(as_text=True)
    invitation = db.session.scalar(select(EvaluationInvitation))
    db.session.refresh(invitation)
    assert invitation.answered is True
    answers = db.session.scalars(select(EvaluationAnswer)).all()
    assert len(answers) == 7 and {a.forum_id for a in answers} == {forum.id}


def test_no_answer_row_can_hold_a_participant_reference(ctx):
    columns = {column["name"] for column in inspect(db.engine).get_columns("evaluation_answer")}
    assert columns == {"id", "forum_id", "track_id", "category_id", "item_id", "value", "text"}
    targets = {fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys("evaluation_answer")}
    assert targets == {"forum", "track", "participant_category", "evaluation_item"}
    invitation_columns = {column["name"] for column in inspect(db.engine).get_columns("evaluation_invitation")}
    assert invitation_columns == {"id", "forum_id", "participant_id", "sent_at", "answered"}


def test_a_session_not_held_cannot_be_evaluated(app, ctx, client, monkeypatch):
    from consult.evaluation.sending import answer_url

    forum = make_forum(make_consultation())
    (registration,) = _present(forum, "ana@example.org")
    invitation = EvaluationInvitation(forum_id=forum.id, participant_id=registration.participant_id, answered=False)
    db.session.add(invitation)
    forum.status = "cancelled"
    db.session.commit()
    monkeypatch.setitem(app.config, "BASE_URL", "http://localhost")
    response = client.get(answer_url(invitation).replace("http://localhost", ""))
    assert response.status_code == 409
    assert "has not been held" in response.get_data(as_text=True)
    assert send_evaluations(END + timedelta(hours=2)).invitations == []
    assert client.get("/evaluation/not-a-token").status_code == 404


def test_results_keep_back_groups_under_five(ctx, login, client):
    from consult.evaluation.answering import record_answer
    from consult.evaluation.items import items_of

    consultation = make_consultation()
    big = make_forum(consultation, title_fr="Big forum", title_en="Big forum")
    small = make_forum(consultation, starts_at=SUMMER_START + timedelta(days=1), title_fr="Small forum",
                       title_en="Small forum")
    items = items_of(consultation)
    for forum, count in ((big, 6), (small, 2)):
        for registration in _present(forum, *[f"p{forum.id}-{n}@example.org" for n in range(count)]):
            invitation = EvaluationInvitation(forum_id=forum.id, participant_id=registration.participant_id)
            db.session.add(invitation)
            db.session.flush()
            record_answer(invitation, items, {items[0].id: "5"})
    db.session.commit()
    slug = consultation.slug
    login(("coordinator",))
    html = client.get(f"/staff/consultations/{slug}/evaluation/?lang=en").get_data(as_text=True)
    big_row = re.search(r"Big forum</th>(.*?)</tr>", html, re.S).group(1)
    small_row = re.search(r"Small forum</th>(.*?)</tr>", html, re.S).group(1)
    assert re.search(r"fewer than 5|moins de 5", small_row) and not re.search(r"5[.,]0", small_row)
    # All sessions (8) minus the big forum (6) would give the small one: the big forum is withheld too.
    assert re.search(r"withheld so that|non affiché pour", big_row)
    assert not re.search(r"\(6 (answers|réponses)", big_row)
    overall_row = re.search(r'id="evaluation-overall".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    assert re.search(r"5[.,]0", overall_row) and re.search(r"\(8 (answers|réponses)\)", overall_row)
    draft = client.get(f"/staff/consultations/{slug}/reports/draft?lang=fr").get_data(as_text=True)
    section = draft[draft.index('id="evaluation-section"'):]
    assert re.search(r"moins de 5", section) and "(6 réponses)" not in section and "(8 réponses)" in section
    word = Document(io.BytesIO(client.get(f"/staff/consultations/{slug}/reports/draft.docx?lang=fr").data))
    text = "\n".join(cell.text for table in word.tables for row in table.rows for cell in row.cells)
    assert "Big forum" in text and "5,0 (8 réponses)" in text and "(6 réponses)" not in text
    small = next(row for table in word.tables for row in table.rows if row.cells[0].text == "Small forum")
    assert small.cells[1].text == "moins de 5"
    big = next(row for table in word.tables for row in table.rows if row.cells[0].text == "Big forum")
    assert big.cells[1].text != "5,0 (6 réponses)" and big.cells[1].text


def test_the_delay_is_the_coordinators(app, login, client):
    with app.app_context():
        consultation = make_consultation()
        _present(make_forum(consultation), "ana@example.org")
        db.session.commit()
        slug = consultation.slug
    login(("coordinator",))
    url = f"/staff/consultations/{slug}/engagement-settings"
    client.get("/?lang=en")
    for typed, said in (("0", "The delay is between 1 and 10,080 minutes (a week)."), ("abc", "Enter a whole number."),
                        ("1.5", "Enter a whole number."), ("", "Enter the delay in minutes.")):
        bad = submit_form(client, url, {"evaluation_delay_minutes": typed, "readability_target": "60"})
        page = bad.get_data(as_text=True)
        assert bad.status_code == 422 and said in page, typed
        assert "This field is required" not in page and page.count(said) == 2, typed  # beside it and in the summary
    assert submit_form(client, url, {"evaluation_delay_minutes": "180",
                                     "readability_target": "70"}).status_code == 303
    with app.app_context():
        assert send_evaluations(END + timedelta(hours=2)).invitations == []
        assert len(send_evaluations(END + timedelta(hours=3, minutes=1)).invitations) == 1
        db.session.commit()


def test_staff_edit_the_questions_starting_from_the_bilingual_set(app, login, client):
    """The evaluation's questions are edited with the questionnaire builder's question form: kinds, bilingual
    texts and help, required, a scale's options, order; the answer page follows."""
    from consult.evaluation.forms import EvaluationQuestionForm
    from consult.models import EvaluationItem
    from consult.questionnaires.forms import QuestionForm

    assert issubclass(EvaluationQuestionForm, QuestionForm)
    with app.app_context():
        slug = make_consultation().slug
        db.session.commit()
    login(("organizer",))
    listing = client.get(f"/staff/consultations/{slug}/evaluation/items?lang=en").get_data(as_text=True)
    assert "I feel that my views were heard." in listing
    assert "Je sens que mes points de vue ont été entendus." in listing
    url = f"/staff/consultations/{slug}/evaluation/items/new"
    form_page = client.get(url + "?lang=en").get_data(as_text=True)
    assert 'id="question-form"' in form_page and 'name="help_fr"' in form_page and 'name="required"' in form_page
    assert 'class="readability"' in form_page
    kinds = re.findall(r'<option[^>]*value="(\w+)"', form_page)
    assert set(kinds) == {"long_text", "likert"}, "only kinds whose answers add up anonymously"
    empty = submit_form(client, url, {"kind": "likert", "label_fr": "", "label_en": ""})
    assert empty.status_code == 422 and "Write the question in at least one language" in empty.get_data(as_text=True)
    wrong = submit_form(client, url, {"kind": "single_choice", "label_fr": "Q", "label_en": "Q"})
    assert wrong.status_code == 422
    added = submit_form(client, url, {"kind": "long_text", "label_fr": "Autre chose?", "label_en": "Anything else?",
                                      "help_en": "Anything we did not ask.", "required": "y", "active": "y"})
    assert added.status_code == 303
    scale = submit_form(client, url, {"kind": "likert", "label_fr": "Le lieu convenait.",
                                      "label_en": "The place suited me.", "active": "y",
                                      "options": "Oui | Yes\nEn partie | Partly\nNon | No"})
    assert scale.status_code == 303
    with app.app_context():
        item = db.session.scalar(select(EvaluationItem).where(EvaluationItem.label_en == "Anything else?"))
        assert item.kind == "long_text" and item.position == 9 and item.required and item.help_en
        place = db.session.scalar(select(EvaluationItem).where(EvaluationItem.label_en == "The place suited me."))
        assert [option["label_en"] for option in place.options] == ["Yes", "Partly", "No"]
        item_id, place_id = item.id, place.id
    edit = f"/staff/consultations/{slug}/evaluation/items/{place_id}/edit"
    assert "Oui | Yes" in client.get(edit).get_data(as_text=True)
    relabelled = submit_form(client, edit, {"label_fr": "Le lieu convenait.", "label_en": "The place suited me.",
                                            "options": "Oui | Yes, fully\nEn partie | Partly\nNon | No",
                                            "active": "y"})
    assert relabelled.status_code == 303
    hidden = submit_form(client, f"/staff/consultations/{slug}/evaluation/items/{item_id}/edit",
                         {"label_fr": "Autre chose?", "label_en": "Anything else?"})
    assert hidden.status_code == 303
    moved = submit_form(client, f"/staff/consultations/{slug}/evaluation/items?lang=en", {"direction": "up"},
                        action=f"/staff/consultations/{slug}/evaluation/items/{place_id}/move")
    assert moved.status_code == 303
    with app.app_context():
        item = db.session.get(EvaluationItem, item_id)
        place = db.session.get(EvaluationItem, place_id)
        assert item.active is False and item.required is False
        assert [option["value"] for option in place.options] == ["1", "2", "3"], "values kept when relabelled"
        assert place.options[0]["label_en"] == "Yes, fully"
        assert place.position < item.position
    listing = client.get(f"/staff/consultations/{slug}/evaluation/items?lang=en").get_data(as_text=True)
    assert listing.index("The place suited me.") < listing.index("Anything else?")
