"""What a newcomer hit in the questionnaire: labels, and changes made after submitting."""
# ruff: noqa: F811  (pytest fixtures imported from the questionnaire tests are parameters here)
import re
from collections import Counter

from tests.integration.test_questionnaire import SLUG, en, open_questionnaire  # noqa: F401  (fixtures)


def repeated_ids(html: str) -> list[str]:
    return [name for name, count in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if count > 1]


def test_the_email_me_my_link_field_has_its_own_label(en, open_questionnaire):
    html = en.get(f"/consultations/{SLUG}/questionnaire/").get_data(as_text=True)
    assert repeated_ids(html) == []
    lost_link = html[html.index('class="lost-link"'):]
    label_for = re.search(r'<label[^>]* for="([^"]+)"[^>]*>Email address</label>', lost_link).group(1)
    assert re.search(rf'<input[^>]* id="{label_for}"[^>]* name="email"', lost_link)


def test_a_change_saved_after_submitting_reaches_the_comment_and_keeps_its_codes(app, en, open_questionnaire,
                                                                                 make_staff):
    from sqlalchemy import select

    from consult.analysis.coding import toggle_code
    from consult.extensions import db
    from consult.models import Code, Comment
    from tests.conftest import csrf_token_from
    from tests.integration.test_questionnaire import post_page, question_id, started

    token = started(en, open_questionnaire)
    liked = question_id(app, "1.1", "liked")
    post_page(en, token, 2, {liked: "Teams need clear roles."})
    review = en.get(f"/questionnaire/{token}/review").get_data(as_text=True)
    en.post(f"/questionnaire/{token}/submit", data={"csrf_token": csrf_token_from(review), "version": "0"})
    analyst = make_staff("analyst@example.org", ["analyst"])
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.text == "Teams need clear roles."
        code = Code(consultation_id=comment.consultation_id, kind="modification", key="CLARIFY",
                    label_fr="Préciser", label_en="Clarify")
        db.session.add(code)
        db.session.flush()
        toggle_code(comment, code.id, comment.revision, analyst)
        db.session.commit()
        comment_id, code_id = comment.id, code.id

    # Reopened from the link, changed and saved: no second submission.
    post_page(en, token, 2, {liked: "Teams need clear roles and shared records."})
    overview = en.get(f"/questionnaire/{token}/").get_data(as_text=True)
    assert "the changes count already" in overview

    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert comment.text == "Teams need clear roles and shared records."
        assert comment.needs_review
        assert [coding.code_id for coding in comment.codings] == [code_id]


def test_a_closed_questionnaire_still_sends_a_lost_link(app, en, open_questionnaire):
    from datetime import datetime, timedelta, timezone

    from tests.integration.test_questionnaire import outbox, set_questionnaire, started

    started(en, open_questionnaire)
    set_questionnaire(app, open_questionnaire, closes_at=datetime.now(timezone.utc) - timedelta(minutes=1))
    html = en.get(f"/consultations/{SLUG}/questionnaire/").get_data(as_text=True)
    assert "The questionnaire closed on" in html and "Did you answer?" in html
    assert f'action="/consultations/{SLUG}/questionnaire/my-link"' in html
    assert repeated_ids(html) == []
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    csrf = token.group(1) or token.group(2)
    bad = en.post(f"/consultations/{SLUG}/questionnaire/my-link", data={"csrf_token": csrf, "email": "nope"})
    assert bad.status_code == 422 and "Did you answer?" in bad.get_data(as_text=True)
    sent = en.post(f"/consultations/{SLUG}/questionnaire/my-link",
                   data={"csrf_token": csrf, "email": "ana@example.org"})
    assert sent.headers["Location"] == f"/consultations/{SLUG}/questionnaire/check-your-email"
    assert [to for to, _subject, _body in outbox(app)][-1] == "ana@example.org"


def test_an_invitation_counts_as_sent_once_delivered(app, login, open_questionnaire, smtp_server):
    from consult.mail.delivery import deliver_pending
    from tests.integration.test_questionnaire import invite, set_questionnaire
    from tests.smtp_fixture import REFUSED_DOMAIN

    set_questionnaire(app, open_questionnaire, access="invitation")
    staff = login(["organizer"])
    url = f"/staff/consultations/{SLUG}/questionnaire/invitations?lang=en"
    staff.get("/?lang=en")
    assert invite(staff, f"bob@example.org\ncarla@{REFUSED_DOMAIN}").status_code == 303

    status = staff.get(url).get_data(as_text=True)
    assert status.count(">Waiting to be sent</span>") == 2 and ">Sent</span>" not in status
    assert "<strong>2</strong> waiting to be sent" in status

    with app.app_context():
        deliver_pending()
    status = staff.get(url).get_data(as_text=True)
    # Bob's was delivered; Carla's was refused by her server and still waits (it is retried).
    assert status.count(">Sent</span>") == 1 and status.count(">Waiting to be sent</span>") == 1
    assert "<strong>1</strong> waiting to be sent" in status and "<strong>1</strong> not started" in status


def test_questionnaire_pages_are_renamed_and_removed_in_the_builder(app, open_questionnaire, login):
    from sqlalchemy import select

    from consult.extensions import db
    from consult.models import Question, QuestionnairePage
    from tests.conftest import csrf_token_from
    from tests.integration.test_questionnaire import post_page, question_id, started

    staff = login(["organizer"])
    staff.get("/?lang=en")
    base = f"/staff/consultations/{SLUG}/questionnaire"
    with app.app_context():
        first, second = db.session.scalars(select(QuestionnairePage.id).order_by(QuestionnairePage.position,
                                                                               QuestionnairePage.id)).all()[:2]
    builder = staff.get(f"{base}/").get_data(as_text=True)
    assert f'href="{base}/pages/{first}/edit"' in builder

    form = staff.get(f"{base}/pages/{first}/edit").get_data(as_text=True)
    renamed = staff.post(f"{base}/pages/{first}/edit", data={"csrf_token": csrf_token_from(form),
                                                             "title_fr": "Vos impressions", "title_en": "Your views"})
    assert renamed.status_code == 303
    assert "Page 1: Your views" in staff.get(f"{base}/").get_data(as_text=True)
    empty = staff.post(f"{base}/pages/{first}/edit", data={"csrf_token": csrf_token_from(form), "title_fr": "",
                                                           "title_en": " "})
    assert empty.status_code == 422 and "Give a title in at least one language." in empty.get_data(as_text=True)

    # A page nobody answered goes, with its questions; one with answers stays.
    participant = app.test_client()
    participant.get("/?lang=en")
    token = started(participant, open_questionnaire)
    liked = question_id(app, "1.1", "liked")
    post_page(participant, token, 2, {liked: "An answer"})
    with app.app_context():
        answered = db.session.scalar(select(Question.page_id).where(Question.id == liked))
    page = staff.get(f"{base}/pages/{answered}/edit").get_data(as_text=True)
    assert "the page cannot be removed" in page
    refused = staff.post(f"{base}/pages/{answered}/delete", data={"csrf_token": csrf_token_from(page)})
    assert refused.status_code == 303
    removed = staff.post(f"{base}/pages/{first}/delete", data={"csrf_token": csrf_token_from(form)})
    assert removed.status_code == 303
    with app.app_context():
        remaining = set(db.session.scalars(select(QuestionnairePage.id)))
    assert first not in remaining and answered in remaining and second in remaining
