"""What a newcomer hit on the public sign-up pages: names, countries, cookies, and what a typed address reveals."""
# ruff: noqa: F811  (pytest fixtures imported from the forum sign-up tests are parameters here)
from sqlalchemy import select

from consult.extensions import db
from consult.models import Participant
from tests.integration.test_forum_signup import (  # noqa: F401  (fixtures)
    en,
    forums_open,
    make_forum,
    sign_up,
    signup_url,
)


def test_names_keep_zero_width_joiners_but_lose_control_and_direction_characters(app, en, forums_open, make_forum):
    forum = make_forum()
    persian = "مهرداد\u200cزاده"  # the non-joiner keeps "mehrdad" and "zadeh" apart in writing
    family = "Ana \U0001F469\u200d\U0001F467 Tremblay"  # an emoji sequence held together by a joiner
    assert sign_up(en, forums_open, forum, name=f"{persian}\u202e\x07", email="m@example.org").status_code == 303
    assert sign_up(en, forums_open, forum, name=family, email="a@example.org").status_code == 303
    with app.app_context():
        names = dict(db.session.execute(select(Participant.email, Participant.name)).all())
    assert names["m@example.org"] == persian
    assert names["a@example.org"] == family


def test_country_lists_offer_no_pseudo_regions(en, forums_open, make_forum):
    forum = make_forum()
    for url in (signup_url(forum), signup_url(forum) + "?lang=fr"):
        html = en.get(url).get_data(as_text=True)
        assert "Kosovo" in html
        assert "Pseudo" not in html, url


def test_anonymous_visitors_get_no_remember_me_cookie(en, forums_open, make_forum):
    forum = make_forum()
    en.get(signup_url(forum))  # a form page: the visitor now has a session (its CSRF token)
    for url in ("/", f"/consultations/{forums_open.slug}/forums/", signup_url(forum)):
        cookies = en.get(url).headers.getlist("Set-Cookie")
        assert not [cookie for cookie in cookies if cookie.startswith("remember_token")], url


def test_a_known_and_a_new_address_are_told_the_same_thing(app, forums_open, make_forum):
    from consult.models import Registration
    from tests.integration.test_forum_signup import confirm_from_email, outbox

    first, second = make_forum("First"), make_forum("Second", recorded=True)
    assert sign_up(app.test_client(), forums_open, first, email="ana@example.org").status_code == 303

    answers = []
    for email in ("ana@example.org", "new@example.org"):  # a stranger types a known address, then a new one
        stranger = app.test_client()
        stranger.get("/?lang=en")
        response = sign_up(stranger, forums_open, second, email=email, name="Someone Else", consent_quotation="y")
        page = stranger.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"], page.status_code,
                        page.get_data(as_text=True).replace(email, "EMAIL")))
    assert answers[0] == answers[1]
    assert "Check your email" in answers[0][3]

    # Nothing about the known person changed: no registration, same name, same consents.
    with app.app_context():
        ana = db.session.scalar(select(Participant).where(Participant.email == "ana@example.org"))
        assert ana.name == "Ana Tremblay" and ana.current_consent("quotation") is False
        assert [r.forum_id for r in db.session.scalars(select(Registration).where(
            Registration.participant_id == ana.id))] == [first]
    assert outbox(app)[1] == ("ana@example.org", "Confirmez votre inscription : FR Second")

    # Ana follows the emailed link and presses the button: now she is registered, with the form's consents.
    owner = app.test_client()
    response = confirm_from_email(app, owner)
    assert response.status_code == 303 and response.headers["Location"].startswith("/registrations/")
    assert owner.get(response.headers["Location"]).status_code == 200
    with app.app_context():
        ana = db.session.scalar(select(Participant).where(Participant.email == "ana@example.org"))
        assert ana.current_consent("quotation") is True and ana.name == "Ana Tremblay"
        assert sorted(db.session.scalars(select(Registration.forum_id).where(
            Registration.participant_id == ana.id, Registration.status == "confirmed"))) == [first, second]


def test_comments_follow_a_registration_to_its_new_track(app, en, forums_open, make_forum):
    from consult.models import Comment, Consultation, Registration, Track
    from tests.conftest import csrf_token_from
    from tests.factories import make_comment
    from tests.integration.test_forum_signup import manage_token

    with app.app_context():
        db.session.add(Track(consultation_id=forums_open.id, code="ca", name_fr="Volet canadien",
                             name_en="Canadian track"))
        db.session.commit()
    here, there = make_forum("Québec session", track="qc"), make_forum("Canadian session", track="ca")
    assert sign_up(en, forums_open, here).status_code == 303
    with app.app_context():
        consultation = db.session.get(Consultation, forums_open.id)
        ana = db.session.scalar(select(Participant))
        comment_id = make_comment(consultation, "Teams need clear roles.", participant=ana, track="qc").id
        registration_id = db.session.scalar(select(Registration.id))
        db.session.commit()

    token = manage_token(app, registration_id)
    page = en.get(f"/registrations/{token}").get_data(as_text=True)
    moved = en.post(f"/registrations/{token}/switch", data={"csrf_token": csrf_token_from(page),
                                                           "forum_id": str(there)})
    assert moved.status_code == 303
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert comment.track.code == "ca"
