"""Orientation suggestions: computing them, the review queue, accepting, placing elsewhere, setting
aside, refusals (stale page, another consultation's topic), roles and the command."""
import re

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEvent, Code, Coding, Comment, CommentSuggestion, Theme
from consult.structure.importer import import_structure
from tests.conftest import csrf_token_from, minimal_document
from tests.factories import consultation_of, make_comment, topic_of

SLUG = "politique-premiere-ligne-2025"
QUEUE = f"/staff/consultations/{SLUG}/analysis/suggestions"
FEE = ("Le paiement à l'acte pousse les médecins à multiplier les visites courtes ; une rémunération "
       "par capitation ajustée selon la lourdeur des patients serait plus juste.")
EMR = "Electronic medical records in clinics cannot exchange data with hospital systems, so tests are repeated."


@pytest.fixture
def comments(app, demo):
    """Two comments not yet placed (a submission excerpt, a forum note) and one an analyst placed."""
    with app.app_context():
        consultation = consultation_of(SLUG)
        fee = make_comment(consultation, FEE, channel="submission")
        emr = make_comment(consultation, EMR, channel="forum", language="en")
        placed = make_comment(consultation, "Les dossiers médicaux électroniques doivent être interopérables.",
                              topic="4.1", channel="submission", topic_confirmed=True)
        db.session.commit()
        return {"fee": fee.id, "emr": emr.id, "placed": placed.id}


def _compute(client):
    response = client.post(QUEUE + "/compute", data={"csrf_token": csrf_token_from(client.get(QUEUE).text)})
    assert response.status_code == 303
    return response


def _item(html: str, comment_id: int) -> str:
    match = re.search(rf'<article[^>]*id="suggestion-{comment_id}".*?</article>', html, re.S)
    assert match, f"comment {comment_id} is not shown"
    return match.group(0)


def test_computing_fills_the_queue_with_three_suggestions_and_reasons(app, login, comments):
    client = login(("analyst",))
    _compute(client)
    page = client.get(QUEUE + "?lang=en")
    assert page.status_code == 200
    assert "2 comments wait for review" in page.text
    fee = _item(page.text, comments["fee"])
    assert "Le paiement à l&#39;acte pousse" in fee
    assert fee.count('data-accept-rank="') == 3
    first = re.search(r'data-accept-rank="1".*?<strong>(.*?)</strong>', fee, re.S).group(1)
    assert first == "Orientation 4.2"
    assert "Words that weighed most:" in fee and "<q>" in fee
    emr = _item(page.text, comments["emr"])
    assert re.search(r'data-accept-rank="1".*?<strong>Orientation 4.1</strong>', emr, re.S)
    # The comment already placed on 4.1 is the closest example, shown as a reason.
    assert "Closest comments already placed there:" in emr
    assert "Les dossiers médicaux électroniques doivent" in emr
    # The placed comment is no suggestion's subject.
    assert f'id="suggestion-{comments["placed"]}"' not in page.text

    with app.app_context():
        fee_comment = db.session.get(Comment, comments["fee"])
        assert fee_comment.suggested_at is not None and fee_comment.suggestion_reviewed is False
        assert fee_comment.topic_id is None and fee_comment.topic_confirmed is False  # never applied by itself
        assert [row.rank for row in fee_comment.suggestions] == [1, 2, 3]
        assert fee_comment.suggestion_score == pytest.approx(fee_comment.suggestions[0].score, abs=1e-3)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "suggestions.computed"))
        assert event.detail["comments"] == 0  # showing the review had already suggested for both


def test_least_confident_first_and_paging(app, login, comments):
    client = login(("analyst",))
    _compute(client)
    with app.app_context():
        scores = {row.id: row.suggestion_score for row in db.session.scalars(
            select(Comment).where(Comment.suggested_at.is_not(None)))}
    confident = client.get(QUEUE).text
    uncertain = client.get(QUEUE + "?sort=uncertain").text
    high, low = max(scores, key=scores.get), min(scores, key=scores.get)
    assert confident.index(f'id="suggestion-{high}"') < confident.index(f'id="suggestion-{low}"')
    assert uncertain.index(f'id="suggestion-{low}"') < uncertain.index(f'id="suggestion-{high}"')
    assert 'value="uncertain" selected' in uncertain
    assert client.get(QUEUE + "?page=99").status_code == 200  # the last page, not an error


def _accept_form(html: str, comment_id: int, rank: int) -> dict:
    item = _item(html, comment_id)
    form = re.findall(r'<form method="post" action="([^"]*/accept)".*?</form>', item, re.S)
    blocks = re.findall(r'(<form method="post" action="[^"]*/accept".*?</form>)', item, re.S)
    block = next(block for block in blocks if f'data-accept-rank="{rank}"' in block)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', block))
    fields["theme_id"] = re.search(r'name="theme_id" value="([^"]*)"[^>]*data-accept-rank', block).group(1)
    return {"action": form[0], **fields}


def test_accepting_moves_the_comment_codes_its_theme_and_is_audited(app, login, comments):
    client = login(("analyst",), email="ana@example.org")
    _compute(client)
    form = _accept_form(client.get(QUEUE).text, comments["fee"], 1)
    action = form.pop("action")
    with app.app_context():
        suggestion = db.session.scalar(select(CommentSuggestion).where(
            CommentSuggestion.comment_id == comments["fee"], CommentSuggestion.rank == 1))
        assert suggestion.theme_id is not None
        theme = db.session.get(Theme, suggestion.theme_id)
        assert str(suggestion.topic_id) == form["topic_id"] and str(theme.id) == form["theme_id"]
        expected_topic, expected_theme = suggestion.topic_id, theme.id

    response = client.post(action, data=form)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(QUEUE)
    page = client.get(response.headers["Location"] + "&lang=en" if "?" in response.headers["Location"]
                      else QUEUE + "?lang=en")
    # The message is in the language of the form that was sent (French).
    assert f"Le commentaire {comments['fee']} est rattaché à 4.2" in page.text
    assert f'id="suggestion-{comments["fee"]}"' not in page.text  # out of the queue

    with app.app_context():
        comment = db.session.get(Comment, comments["fee"])
        assert comment.topic_id == expected_topic and comment.topic.code == "4.2"
        assert comment.topic_confirmed is True and comment.suggestion_reviewed is True
        assert comment.revision == int(form["revision"]) + 1
        code = db.session.scalar(select(Code).join(Coding, Coding.code_id == Code.id)
                                 .where(Coding.comment_id == comment.id))
        assert code.theme_id == expected_theme and code.kind == "theme"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "suggestions.accepted"))
        assert event.object_id == str(comment.id) and event.detail["topic"] == "4.2"
        assert event.detail["rank"] == 1 and event.detail["code"] == code.key
        assert event.actor_id is not None


def test_accepting_the_orientation_without_its_theme(app, login, comments):
    client = login(("analyst",))
    _compute(client)
    html = client.get(QUEUE + "?lang=en").text
    form = _accept_form(html, comments["fee"], 1)
    assert form["theme_id"] and "without the theme" in _item(html, comments["fee"])
    action = form.pop("action")
    response = client.post(action, data={**form, "theme_id": ""})
    assert response.status_code == 303
    with app.app_context():
        comment = db.session.get(Comment, comments["fee"])
        assert comment.topic.code == "4.2" and comment.topic_confirmed and not comment.codings
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "suggestions.accepted")) \
            .detail["theme"] is None


def test_another_place_from_the_list_and_its_missing_choice(app, login, comments):
    client = login(("coordinator",))
    _compute(client)
    html = client.get(QUEUE).text
    form = _accept_form(html, comments["emr"], 1)
    action = form.pop("action")
    with app.app_context():
        section = topic_of(consultation_of(SLUG), "G")
        section_id = section.id
    assert f'<option value="{section_id}">G · ' in _item(html, comments["emr"])

    empty = client.post(action + "?lang=en", data={**form, "topic_id": "", "theme_id": ""})
    assert empty.status_code == 422
    assert "Choose where the comment goes." in empty.text and 'aria-invalid="true"' in empty.text

    response = client.post(action, data={**form, "topic_id": str(section_id), "theme_id": ""})
    assert response.status_code == 303
    with app.app_context():
        comment = db.session.get(Comment, comments["emr"])
        assert comment.topic.code == "G" and comment.topic_confirmed
        assert not comment.codings
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "suggestions.placed_elsewhere"))


def test_a_stale_page_is_refused_with_409_and_nothing_changes(app, login, comments):
    client = login(("analyst",))
    _compute(client)
    form = _accept_form(client.get(QUEUE).text, comments["fee"], 1)
    action = form.pop("action")
    with app.app_context():  # someone else changes the comment meanwhile
        comment = db.session.get(Comment, comments["fee"])
        comment.stance, comment.revision = "support", comment.revision + 1
        db.session.commit()
    response = client.post(action + "?lang=en", data=form)
    assert response.status_code == 409
    assert "Someone else changed this comment" in response.text
    with app.app_context():
        comment = db.session.get(Comment, comments["fee"])
        assert comment.topic_id is None and not comment.topic_confirmed and not comment.suggestion_reviewed
        assert not comment.codings
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("suggestions.accepted"))) is None


def test_another_consultations_topic_or_theme_is_refused_with_400(app, login, comments):
    client = login(("analyst",))
    _compute(client)
    with app.app_context():
        other = import_structure(minimal_document(), source="test").consultation
        db.session.commit()
        foreign = topic_of(other, "1.1").id
        foreign_theme = db.session.scalar(select(Theme).where(Theme.topic_id == foreign)).id
        own_topic = topic_of(consultation_of(SLUG), "1.1").id
    form = _accept_form(client.get(QUEUE).text, comments["fee"], 1)
    action = form.pop("action")
    response = client.post(action + "?lang=en", data={**form, "topic_id": str(foreign), "theme_id": ""})
    assert response.status_code == 400
    assert "Choose a part of this consultation&#39;s proposal." in response.text
    response = client.post(action + "?lang=en", data={**form, "topic_id": str(own_topic),
                                                      "theme_id": str(foreign_theme)})
    assert response.status_code == 400
    assert "not one of the chosen part" in response.text
    with app.app_context():
        comment = db.session.get(Comment, comments["fee"])
        assert comment.topic_id is None and comment.revision == int(form["revision"])
    # A comment of another consultation is not found under this one.
    other_comment_url = f"/staff/consultations/mini/analysis/suggestions/{comments['fee']}"
    assert client.get(other_comment_url).status_code == 404


def test_setting_aside_and_htmx_answers(app, login, comments):
    client = login(("analyst",))
    _compute(client)
    html = client.get(QUEUE).text
    item = _item(html, comments["emr"])
    dismiss = re.search(r'action="([^"]*/dismiss)"', item).group(1)
    revision = re.search(r'name="revision" value="(\d+)"', item).group(1)
    token = csrf_token_from(html)
    response = client.post(dismiss + "?lang=en", data={"csrf_token": token, "revision": revision},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "data-suggestion-done" in response.text and "are set aside" in response.text
    with app.app_context():
        comment = db.session.get(Comment, comments["emr"])
        assert comment.suggestion_reviewed and not comment.topic_confirmed
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "suggestions.dismissed"))
    # The same page sent again: out of date, answered with the comment as it is now.
    again = client.post(dismiss + "?lang=en", data={"csrf_token": token, "revision": revision},
                        headers={"HX-Request": "true"})
    assert again.status_code == 409 and 'data-suggestion-item' in again.text


def test_suggesting_on_demand_for_any_comment(app, login, comments):
    client = login(("admin",))
    url = f"{QUEUE}/{comments['placed']}"
    page = client.get(url + "?lang=en")
    assert page.status_code == 200
    assert "No suggestion has been computed for this comment yet." in page.text
    response = client.post(url + "/suggest", data={"csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 303
    page = client.get(response.headers["Location"] + "&lang=en")
    item = _item(page.text, comments["placed"])
    assert re.search(r'data-accept-rank="1".*?<strong>Orientation 4.1</strong>', item, re.S)
    assert "Suggest again" in item
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "suggestions.requested"))


@pytest.mark.parametrize("role", ["organizer"])
def test_other_roles_may_not_review(app, login, comments, role):
    client = login((role,))
    assert client.get(QUEUE).status_code == 403
    assert client.get(f"{QUEUE}/{comments['fee']}").status_code == 403
    assert client.post(f"{QUEUE}/{comments['fee']}/accept", data={}).status_code in (400, 403)


def test_anonymous_visitors_are_sent_to_sign_in(client, comments):
    response = client.get(QUEUE)
    assert response.status_code in (302, 303) and "/staff/login" in response.headers["Location"]


def test_the_suggest_command(app, runner, comments, monkeypatch):
    monkeypatch.setenv("CONSULT_LANG", "en")
    result = runner.invoke(args=["consult", "suggest", "--consultation", SLUG])
    assert result.exit_code == 0, result.output
    assert f"{SLUG}: suggestions computed for 2 comments" in result.output
    result = runner.invoke(args=["consult", "suggest", "--consultation", SLUG])
    assert "for 0 comments" in result.output  # the new ones only
    result = runner.invoke(args=["consult", "suggest", "--consultation", SLUG, "--all"])
    assert "for 2 comments" in result.output
    result = runner.invoke(args=["consult", "suggest", "--consultation", "nope"])
    assert result.exit_code == 1


def test_every_comment_of_a_large_set_gets_its_suggestions_in_one_run(app, demo):
    """More comments than one stored batch, end to end: model, scoring, reasons, storing, commit. Its speed
    (10,000 comments) is measured by `python -m bench.suggestions`, not here."""
    import json
    import random
    from pathlib import Path

    from sqlalchemy import func, insert

    from consult.analysis.text import search_form
    from consult.suggestions import service

    lines = (Path(__file__).resolve().parents[1] / "data" / "suggestions-labelled.jsonl").read_text(encoding="utf-8")
    passages = [json.loads(line) for line in lines.splitlines() if line.strip()]
    rng = random.Random(7)
    with app.app_context():
        consultation = consultation_of(SLUG)
        rows = []
        for number in range(4_500):
            first, second = rng.sample(passages, 2)
            text = first["text"] if number % 2 else f"{first['text']} {second['text']}"
            rows.append({"consultation_id": consultation.id, "channel": "submission", "text": text,
                         "search_text": search_form(text), "language": first["language"]})
        db.session.execute(insert(Comment), rows)
        db.session.commit()
        service.forget_models()
        computed = service.compute(consultation)
        db.session.commit()
        assert computed.count == 4_500
        assert db.session.scalar(select(func.count(CommentSuggestion.id))) == 13_500
