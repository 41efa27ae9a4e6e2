"""A participant's rights through their "my data" link: see, download, correct, withdraw, erase; and the
privacy notice, whose version every consent records."""
import io
import json
import re
import zipfile
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import func, select

from consult.extensions import db
from consult.forums.public_services import registration_token
from consult.models import (
    AuditEvent,
    Comment,
    Consent,
    Excerpt,
    OutboxMessage,
    Participant,
    Registration,
    Response,
    Submission,
)
from consult.privacy import services
from consult.questionnaires.notifications import response_token
from tests.conftest import csrf_token_from, submit_form
from tests.factories import consultation_of
from tests.privacy_data import ALICE, BOB, alice_takes_part

SLUG = "politique-premiere-ligne-2025"


@pytest.fixture
def taking(app, demo, uploads_dir):
    with app.app_context():
        return alice_takes_part(demo)


def link_in_outbox(app, address=ALICE) -> str:
    """The path (with its query) of the last "my data" link emailed to an address."""
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == address,
                                                                OutboxMessage.object_type == "participant")
                                    .order_by(OutboxMessage.id.desc()))
        assert message is not None, f"no my-data email to {address}"
        url = re.search(r"https?://\S+/my-data/\S+", message.body_text).group(0)
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def my_link(app, client, address=ALICE) -> str:
    response = submit_form(client, f"/consultations/{SLUG}/my-data", {"email": address})
    assert response.status_code == 303
    return link_in_outbox(app, address).split("?")[0]


def token_of(path: str) -> str:
    return path.split("/my-data/")[1].split("?")[0].split("/")[0]


# -- asking for the link --------------------------------------------------------------------------

def test_the_request_answers_the_same_for_known_and_unknown_addresses(app, client, taking):
    known = submit_form(client, f"/consultations/{SLUG}/my-data", {"email": ALICE})
    unknown = submit_form(client, f"/consultations/{SLUG}/my-data", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert known.get_data() == unknown.get_data()
    page = client.get(known.headers["Location"], query_string={"lang": "en"})
    assert "If we know this address" in page.get_data(as_text=True)
    with app.app_context():
        sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.object_type == "participant")).all()
        assert [message.to_address for message in sent] == [ALICE]
        assert "/my-data/" in sent[0].body_text and "24" in sent[0].body_text


def test_asking_again_at_once_sends_one_email(app, client, taking):
    for _attempt in range(3):
        submit_form(client, f"/consultations/{SLUG}/my-data", {"email": ALICE.upper()})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.object_type == "participant")) == 1


def test_an_invalid_address_is_explained_and_kept(client, demo):
    response = submit_form(client, f"/consultations/{SLUG}/my-data?lang=en", {"email": "not an address"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a valid email address" in html and 'value="not an address"' in html


def test_the_request_page_is_linked_from_the_consultation_footer(client, demo):
    html = client.get(f"/consultations/{SLUG}/").get_data(as_text=True)
    assert f'href="/consultations/{SLUG}/my-data"' in html


# -- the page behind the link ---------------------------------------------------------------------

def test_the_page_shows_everything_held(app, client, taking):
    link = my_link(app, client)
    response = client.get(link)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for expected in ("Alice Tremblay", "Clinique du Plateau", ALICE, "Forum de juin",
                     "J&#39;aime la place donnée aux infirmières praticiennes.", "Mémoire d&#39;Alice.", "memoire.pdf",
                     "Passage du mémoire.", "S-0001"):
        assert expected in html, expected
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    # The consent history, with the version of the notice each decision was taken under.
    with app.app_context():
        version = consultation_of(SLUG).privacy_notice_version
    assert version and version in html


def test_links_made_for_something_else_expired_or_revoked_do_not_open_it(app, client, taking):
    with app.test_request_context():
        alice = db.session.get(Participant, taking.alice_id)
        forum_link = registration_token(db.session.get(Registration, taking.alice_registration_id))
        questionnaire_link = response_token(db.session.get(Response, taking.response_id))
        good = services.my_data_token(alice)
    assert client.get(f"/my-data/{forum_link}").status_code == 404
    assert client.get(f"/my-data/{questionnaire_link}").status_code == 404
    # Tampered: a character of the signature that carries whole bits (the last one may carry only
    # padding), changed to another for sure.
    tampered = good[:-2] + ("x" if good[-2] != "x" else "y") + good[-1]
    assert client.get(f"/my-data/{tampered}").status_code == 404
    assert client.get(f"/my-data/{good}").status_code == 200

    with app.test_request_context():
        alice = db.session.get(Participant, taking.alice_id)
        real_timestamp = TimestampSigner.get_timestamp
        TimestampSigner.get_timestamp = lambda self: real_timestamp(self) - 25 * 3600
        try:
            old = services.my_data_token(alice)
        finally:
            TimestampSigner.get_timestamp = real_timestamp
        alice.link_version += 1
        db.session.commit()
    expired = client.get(f"/my-data/{old}", query_string={"lang": "en"})
    assert expired.status_code == 410 and "This link has expired" in expired.get_data(as_text=True)
    assert client.get(f"/my-data/{good}").status_code == 404, "a newer link_version revokes it"


def test_the_download_holds_data_json_and_the_documents(app, client, taking, uploads_dir):
    link = my_link(app, client)
    response = client.get(f"/my-data/{token_of(link)}/download")
    assert response.status_code == 200
    assert response.mimetype == "application/zip" and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        data = json.loads(archive.read("data.json"))
        [document] = data["written_submissions"][0]["documents"]
        assert archive.read(document["file"]) == (uploads_dir / "submissions" / taking.attachment_stored).read_bytes()
    assert data["profile"]["email"] == ALICE and data["profile"]["name"] == "Alice Tremblay"
    assert {consent["purpose"] for consent in data["consents"]} == {"processing", "quotation", "contact"}
    assert all(consent["notice_version"] for consent in data["consents"])
    assert data["registrations"][0]["status"] == "confirmed"
    [answer] = data["questionnaire_responses"][0]["answers"]
    assert answer["answer"] == "J'aime la place donnée aux infirmières praticiennes."
    assert data["written_submissions"][0]["reference"] == "S-0001"
    assert {comment["text"] for comment in data["comments_in_analysis"]} == {
        "J'aime la place donnée aux infirmières praticiennes.", "Passage du mémoire."}
    assert any("S-0001" in email["subject"] for email in data["emails"])


def test_a_document_opens_only_through_its_owners_link(app, client, taking):
    link = my_link(app, client)
    with app.app_context():
        attachment_id = db.session.get(Submission, taking.submission_id).attachments[0].id
        bob_link = services.my_data_token(db.session.get(Participant, taking.bob_id))
    mine = client.get(f"/my-data/{token_of(link)}/documents/{attachment_id}")
    assert mine.status_code == 200 and mine.get_data().startswith(b"%PDF")
    assert "sandbox" in mine.headers["Content-Security-Policy"]
    assert client.get(f"/my-data/{bob_link}/documents/{attachment_id}").status_code == 404


def test_correcting_the_profile(app, client, taking):
    link = my_link(app, client)
    page = f"/my-data/{token_of(link)}/profile"
    refused = submit_form(client, page + "?lang=en", {"name": "", "organisation": "Typed", "region": "ON",
                                                      "preferred_language": "en"})
    assert refused.status_code == 422
    assert "Enter your name." in refused.get_data(as_text=True) and 'value="Typed"' in refused.get_data(as_text=True)
    saved = submit_form(client, page, {"name": "Alice Gagnon", "organisation": "", "region": "ON",
                                       "preferred_language": "en"})
    assert saved.status_code == 303
    with app.app_context():
        alice = db.session.get(Participant, taking.alice_id)
        assert (alice.name, alice.organisation, alice.region, alice.preferred_language) == (
            "Alice Gagnon", "", "ON", "en")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "participant.corrected"))
        assert sorted(event.detail["fields"]) == ["name", "organisation", "preferred_language", "region"]
        assert "Gagnon" not in json.dumps(event.detail)


def test_withdrawing_the_quotation_consent_is_recorded_with_the_notice_version(app, client, taking):
    link = my_link(app, client)
    response = submit_form(client, link, {"granted": "no"}, action=f"/my-data/{token_of(link)}/consents/quotation")
    assert response.status_code == 303
    with app.app_context():
        alice = db.session.get(Participant, taking.alice_id)
        assert alice.current_consent("quotation") is False
        latest = alice.consents[-1]
        assert (latest.purpose, latest.granted, latest.source) == ("quotation", False, "my-data")
        assert latest.notice_version == consultation_of(SLUG).privacy_notice_version and latest.at
        # Earlier decisions stay in the history.
        assert [c.granted for c in alice.consents if c.purpose == "quotation"] == [True, False]
    html = client.get(link).get_data(as_text=True)  # the message, in the language of the form (French)
    assert "Consentement retiré" in html


def test_processing_cannot_be_withdrawn_alone(app, client, taking):
    link = my_link(app, client)
    page = client.get(link).get_data(as_text=True)
    response = client.post(f"/my-data/{token_of(link)}/consents/processing",
                           data={"csrf_token": csrf_token_from(page), "granted": "no"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Participant, taking.alice_id).current_consent("processing") is True


def _quoted_in_the_report(app) -> list[str]:
    from consult.reports.report_draft import build

    with app.test_request_context():
        draft = build(consultation_of(SLUG), "fr")
        return [quote.text for section in draft.sections for quote in section.quotes]


def test_a_withdrawn_quotation_takes_the_quote_out_of_the_report_draft(app, client, taking):
    """The report reads current_consent("quotation") at each rendering: no copy goes stale."""
    said = "J'aime la place donnée aux infirmières praticiennes."
    assert said in _quoted_in_the_report(app)
    link = my_link(app, client)
    submit_form(client, link, {"granted": "no"}, action=f"/my-data/{token_of(link)}/consents/quotation")
    assert said not in _quoted_in_the_report(app)
    # Given again, it is quoted again; and once erased, never (the comment is kept, anonymously).
    submit_form(client, link, {"granted": "yes"}, action=f"/my-data/{token_of(link)}/consents/quotation")
    assert said in _quoted_in_the_report(app)
    with app.app_context():
        services.erase(db.session.get(Participant, taking.alice_id), reason="request")
        db.session.commit()
    assert said not in _quoted_in_the_report(app)
    with app.app_context():
        assert db.session.get(Comment, taking.answer_comment_id).text == said


# -- erasure ----------------------------------------------------------------------------------------

def test_erasure_asks_for_confirmation_then_erases_by_the_documented_rule(app, client, taking, uploads_dir):
    link = my_link(app, client)
    token = token_of(link)
    confirm = client.get(f"/my-data/{token}/delete", query_string={"lang": "en"})
    assert confirm.status_code == 200 and "This cannot be undone" in confirm.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Participant, taking.alice_id).erased_at is None, "the GET changes nothing"
    stored = uploads_dir / "submissions" / taking.attachment_stored
    assert stored.exists()

    response = submit_form(client, f"/my-data/{token}/delete", {})
    assert response.status_code == 303 and response.headers["Location"] == f"/consultations/{SLUG}/my-data/deleted"
    assert "deleted" in client.get(response.headers["Location"], query_string={"lang": "en"}).get_data(as_text=True)

    with app.app_context():
        alice = db.session.get(Participant, taking.alice_id)
        assert alice.erased_at is not None and alice.link_version == 2
        assert (alice.name, alice.organisation) == ("", "")
        assert alice.email == f"erased-{alice.id}@erased.invalid"
        assert alice.region == "QC", "province kept for anonymous statistics"
        # Her seat went to Bob, who is told.
        assert db.session.get(Registration, taking.alice_registration_id).status == "cancelled"
        assert db.session.get(Registration, taking.bob_registration_id).status == "confirmed"
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == BOB))
        # Her answers, the contents of her submission (texts, document, excerpt) and emails are gone;
        # the emptied rows stay so that the anonymous participation figures do not change.
        response = db.session.get(Response, taking.response_id)
        assert response is not None and not response.answers
        submission = db.session.get(Submission, taking.submission_id)
        assert submission.number and not submission.general_text
        assert not (submission.texts or submission.attachments or submission.links or submission.excerpts)
        assert db.session.get(Excerpt, taking.excerpt_id) is None
        assert not db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == ALICE)).all()
        # She consented to the processing: what she said stays in the analysis, detached from her.
        for comment_id in (taking.answer_comment_id, taking.excerpt_comment_id):
            comment = db.session.get(Comment, comment_id)
            assert comment is not None and comment.participant_id is None
            assert comment.answer_id is None and comment.excerpt_id is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "participant.erased"))
        assert event.detail["comments_kept_anonymously"] == 2 and event.detail["files_deleted"] == 1
        text = json.dumps(event.detail) + event.actor_label
        assert "alice" not in text.lower() and "Tremblay" not in text
    assert not stored.exists(), "the document is deleted from disk"
    assert client.get(link).status_code == 404, "the link stops working"
    twice = submit_form(client, f"/consultations/{SLUG}/my-data", {}, action=f"/my-data/{token}/delete")
    assert twice.headers["Location"] == f"/consultations/{SLUG}/my-data/deleted", "a double click is harmless"
    # Asking again for the address finds nobody.
    submit_form(client, f"/consultations/{SLUG}/my-data", {"email": ALICE})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.to_address == ALICE)) == 0


def test_erasure_can_take_the_comments_out_of_the_analysis(app, client, taking):
    link = my_link(app, client)
    response = submit_form(client, f"/my-data/{token_of(link)}/delete", {"withdraw_processing": "y"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Comment, taking.answer_comment_id) is None
        assert db.session.get(Comment, taking.excerpt_comment_id) is None
        alice = db.session.get(Participant, taking.alice_id)
        assert alice.current_consent("processing") is False


def test_without_consent_to_processing_comments_are_deleted(app, demo, uploads_dir):
    with app.app_context():
        taking = alice_takes_part(demo, processing=False)
        done = services.erase(db.session.get(Participant, taking.alice_id), reason="request")
        db.session.commit()
        assert (done.comments_deleted, done.comments_kept_anonymously) == (2, 0)
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_a_new_sign_up_after_erasure_starts_afresh(app, client, taking):
    with app.app_context():
        services.erase(db.session.get(Participant, taking.alice_id), reason="request")
        db.session.commit()
        consultation = consultation_of(SLUG)
        from tests.privacy_data import person

        again = person(consultation, ALICE, "Alice")
        db.session.commit()
        assert again.id != taking.alice_id and again.erased_at is None


# -- consents and the privacy notice ------------------------------------------------------------

@pytest.mark.parametrize("channel", ["forum", "questionnaire", "submission"])
def test_consents_from_every_form_carry_their_purpose_the_notice_version_and_time(app, client, demo, uploads_dir,
                                                                                    channel):
    from consult.demo.forums import add_demo_forums
    from consult.questionnaires.builder import ensure_demo_questionnaire

    with app.app_context():
        consultation = consultation_of(SLUG)
        now = datetime.now(timezone.utc)
        add_demo_forums(consultation, now.astimezone(consultation.tz).date())
        ensure_demo_questionnaire(consultation, now)
        db.session.commit()
        forum_id = _first_unrecorded_forum(consultation)
        version = consultation.privacy_notice_version
    profile = {"name": "Chloé", "email": "chloe@example.org", "region": "QC", "preferred_language": "fr",
               "category": _first_category(app), "consent_processing": "y", "consent_quotation": "y"}
    page, expected = {
        "forum": (f"/consultations/{SLUG}/forums/{forum_id}/signup",
                  {"processing": True, "quotation": True, "contact": False}),
        "questionnaire": (f"/consultations/{SLUG}/questionnaire/", {"processing": True, "quotation": True}),
        "submission": (f"/consultations/{SLUG}/submissions/new",
                       {"processing": True, "quotation": True, "contact": False}),
    }[channel]
    extra = {"language": "fr", "general_text": "Mon avis.", "action": "send"} if channel == "submission" else {}
    response = submit_form(client, page, {**profile, **extra})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        consents = db.session.scalars(select(Consent).join(Participant)
                                      .where(Participant.email == "chloe@example.org")).all()
        assert {consent.purpose: consent.granted for consent in consents} == expected
        assert all(consent.notice_version == version and consent.at for consent in consents)
        assert len({consent.source for consent in consents}) == 1


def _first_unrecorded_forum(consultation):
    from consult.models import Forum

    return db.session.scalar(select(Forum.id).where(Forum.consultation_id == consultation.id,
                                                    Forum.recorded.is_(False)).order_by(Forum.starts_at))


def _first_category(app) -> str:
    with app.app_context():
        categories = consultation_of(SLUG).categories
        return str(categories[0].id) if categories else ""


def test_admins_edit_the_notice_and_each_change_is_a_new_version(app, client, login, demo):
    login(["admin"])
    page = f"/staff/consultations/{SLUG}/privacy"
    with app.app_context():
        before = consultation_of(SLUG).privacy_notice_version
    response = submit_form(client, page, {"privacy_notice_fr": "Nouvel avis.", "privacy_notice_en": "New notice.",
                                          "retention_until": "2030-06-30"})
    assert response.status_code == 303
    with app.app_context():
        consultation = consultation_of(SLUG)
        assert (consultation.privacy_notice_fr, consultation.privacy_notice_en) == ("Nouvel avis.", "New notice.")
        assert consultation.privacy_notice_version and consultation.privacy_notice_version != before
        assert consultation.retention_until.astimezone(consultation.tz).date().isoformat() == "2030-07-01"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy_notice.edit"))
        assert event.detail["version_before"] == before and event.actor_id is not None
        new_version = consultation.privacy_notice_version
    html = client.get(page).get_data(as_text=True)
    assert 'value="2030-06-30"' in html and new_version in html
    # Consents given from now on refer to the new text.
    with app.app_context():
        from tests.privacy_data import person

        assert person(consultation_of(SLUG), "dana@example.org", "Dana").consents[0].notice_version == new_version


def test_the_notice_form_keeps_what_was_typed_when_refused(client, login, demo):
    login(["admin"])
    response = submit_form(client, f"/staff/consultations/{SLUG}/privacy?lang=en",
                           {"privacy_notice_fr": "Texte", "privacy_notice_en": "x" * 50_001,
                            "retention_until": "tomorrow"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a date such as" in html and "at most 50000 characters" in html and "Texte</textarea>" in html


@pytest.mark.parametrize("role", ["organizer", "analyst", "coordinator"])
def test_only_admins_edit_the_notice(client, login, demo, role):
    login([role])
    assert client.get(f"/staff/consultations/{SLUG}/privacy").status_code == 403


def test_erased_addresses_cannot_be_typed_into_a_form(app, taking):
    from consult.participants.services import InvalidEmail, normalise_email

    with pytest.raises(InvalidEmail):
        normalise_email(services.ERASED_EMAIL.format(id=taking.alice_id))


def test_documents_of_a_failed_erasure_stay(app, taking, uploads_dir):
    """Files go only once the erasure commits: a rolled-back erasure loses nothing."""
    with app.app_context():
        services.erase(db.session.get(Participant, taking.alice_id), reason="request")
        db.session.rollback()
        assert db.session.get(Participant, taking.alice_id).erased_at is None
    assert (uploads_dir / "submissions" / taking.attachment_stored).exists()


def test_an_archived_consultation_keeps_the_rights_open(app, client, taking):
    with app.app_context():
        consultation = consultation_of(SLUG)
        consultation.status = "archived"
        consultation.retention_until = datetime.now(timezone.utc) + timedelta(days=1)
        db.session.commit()
    assert client.get(my_link(app, client)).status_code == 200



def test_my_data_lists_the_evaluations_asked_and_answered_but_never_the_answers(app, client, taking):
    from consult.evaluation.answering import record_answer
    from consult.evaluation.items import items_of
    from consult.models import EvaluationInvitation, Forum

    with app.app_context():
        consultation = consultation_of(SLUG)
        now = datetime.now(timezone.utc)
        held = Forum(consultation_id=consultation.id, title_fr="Forum de mai", title_en="May forum", capacity=10,
                     starts_at=now - timedelta(days=3))
        other = Forum(consultation_id=consultation.id, title_fr="Forum d’avril", title_en="April forum",
                      capacity=10, starts_at=now - timedelta(days=30))
        db.session.add_all([held, other])
        db.session.flush()
        answered = EvaluationInvitation(forum_id=held.id, participant_id=taking.alice_id, sent_at=now)
        unanswered = EvaluationInvitation(forum_id=other.id, participant_id=taking.alice_id, sent_at=now)
        db.session.add_all([answered, unanswered])
        db.session.flush()
        items = items_of(consultation)
        open_item = next(item for item in items if item.is_text)
        record_answer(answered, items, {open_item.id: "Une réponse d'Alice à l'évaluation."})
        db.session.commit()

    link = my_link(app, client)
    html = client.get(link, query_string={"lang": "en"}).get_data(as_text=True)
    section = html[html.index('id="evaluations"'):html.index('id="questionnaire"')]
    assert "May forum" in section and "April forum" in section
    assert re.search(r"May forum</th>.*?<td>Yes</td>", section, re.S)
    assert re.search(r"April forum</th>.*?<td>No</td>", section, re.S)
    assert "stored without your name" in section
    assert "réponse d&#39;Alice à l&#39;évaluation" not in html

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/my-data/{token_of(link)}/download",
                                                    query_string={"lang": "en"}).get_data()))
    raw = archive.read("data.json").decode()
    evaluations = json.loads(raw)["session_evaluations"]
    assert [(item["session"], item["answered"]) for item in evaluations["asked"]] == [
        ("April forum", False), ("May forum", True)]
    assert "without your name" in evaluations["note"]
    assert "évaluation" not in raw.split('"session_evaluations"')[1].split('"questionnaire_invitations"')[0]
