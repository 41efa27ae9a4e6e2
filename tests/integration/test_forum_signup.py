"""Public forum pages: the list of sessions, signing up, and the personal manage link."""
import re
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Consent, Consultation, Forum, OutboxMessage, Participant, Registration
from consult.structure.importer import import_structure
from consult.tokens import make_token
from tests import factories
from tests.conftest import csrf_token_from, minimal_document

SLUG = "mini"
MEETING = "https://meet.example.org/secret-room-42"
# A June afternoon next year: 17:30 UTC is 1:30 p.m. in Montréal (daylight time), every year.
NEXT_JUNE = datetime(datetime.now(timezone.utc).year + 1, 6, 10, 17, 30, tzinfo=timezone.utc)
PRIVACY_EN = "We collect your name and email to organise the forums.\n\nWe keep them until the end."


@pytest.fixture
def forums_open(app):
    """An open consultation with a track, a participant category, a privacy notice and open forums."""
    today = datetime.now(timezone.utc).date()
    document = minimal_document(
        tracks=[{"code": "qc", "name": {"fr": "Volet québécois", "en": "Québec track"}}],
        categories=[{"code": "researcher", "name": {"fr": "Chercheuse ou chercheur", "en": "Researcher"}}],
        privacy_notice={"fr": "Nous recueillons votre nom.\n\nNous le gardons.", "en": PRIVACY_EN},
        channels=[{"kind": "forums", "opens_at": (today - timedelta(days=1)).isoformat(),
                   "closes_at": (today + timedelta(days=400)).isoformat()}],
    )
    with app.app_context():
        consultation = import_structure(document, source="test").consultation
        db.session.commit()
        return SimpleNamespace(
            id=consultation.id, slug=consultation.slug, notice_version=consultation.privacy_notice_version,
            category_id=consultation.categories[0].id)


@pytest.fixture
def make_forum(app, forums_open):
    def make(title="Forum on access", *, track=None, topics=(), starts_at=NEXT_JUNE, **fields) -> int:
        with app.app_context():
            values = {"title_fr": f"FR {title}", "title_en": title, "capacity": 10, "language": "en",
                      "meeting_link": MEETING, "recorded": False, **fields}
            forum = factories.make_forum(db.session.get(Consultation, forums_open.id), starts_at=starts_at, track=track,
                                         topics=topics, **values)
            db.session.commit()
            return forum.id

    return make


@pytest.fixture
def en(client):
    """A visitor whose browser asked for English once (the choice is kept in a cookie)."""
    client.get("/?lang=en")
    return client


def plain(html):
    """Babel separates "1:30" and "p.m." with a narrow no-break space."""
    return html.replace("\u202f", " ").replace("\xa0", " ")


def is_checked(html, input_id):
    """Whether the input with this id is checked; None when there is no such input."""
    tag = re.search(rf'<input [^>]*\bid="{input_id}"[^>]*>', html)
    return None if tag is None else " checked " in tag.group(0)


def signup_url(forum_id):
    return f"/consultations/{SLUG}/forums/{forum_id}/signup"


def form_data(forums_open, **overrides):
    data = {"name": "Ana Tremblay", "email": "ana@example.org", "organisation": "CLSC du Plateau",
            "category": str(forums_open.category_id), "region": "QC", "country": "", "preferred_language": "fr",
            "consent_processing": "y", "consent_recording": "y", "consent_quotation": None,
            "consent_contact": "y"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def sign_up(client, forums_open, forum_id, **overrides):
    page = client.get(signup_url(forum_id))
    assert page.status_code == 200
    payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **form_data(forums_open, **overrides)}
    return client.post(signup_url(forum_id), data=payload)


def check_email_url(forum_id):
    return f"/consultations/{SLUG}/forums/{forum_id}/check-your-email"


def registered_url(app, forum_id, registration_id):
    """The confirmation page of a registration (where its personal link leads after sign-up)."""
    return f"/consultations/{SLUG}/forums/{forum_id}/registered/{manage_token(app, registration_id)}"


def confirm_from_email(app, client, to="ana@example.org"):
    """A known address signs up again: its owner follows the emailed link and presses the button."""
    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body_text).where(OutboxMessage.to_address == to)
                                  .order_by(OutboxMessage.id.desc())).first()
    path = re.search(r"https?://[^/\s]+(/consultations/\S+/confirm/[\w.-]+)", body).group(1)
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})


def registrations(app, forum_id=None):
    with app.app_context():
        query = select(Registration).order_by(Registration.id)
        if forum_id:
            query = query.where(Registration.forum_id == forum_id)
        return [(r.id, r.participant.email, r.status) for r in db.session.scalars(query)]


def forum_row(app, forum_id):
    with app.app_context():
        forum = db.session.get(Forum, forum_id)
        return SimpleNamespace(seats_taken=forum.seats_taken, capacity=forum.capacity)


def manage_token(app, registration_id):
    with app.app_context():
        item = db.session.get(Registration, registration_id)
        return make_token("registration", item.id, item.participant.link_version)


def outbox(app):
    with app.app_context():
        return [(m.to_address, m.subject) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


# -- the list of sessions ----------------------------------------------------------------------

def test_consultation_page_leads_to_the_forums(en, forums_open):
    html = en.get(f"/consultations/{SLUG}/").get_data(as_text=True)
    assert f'href="/consultations/{SLUG}/forums/"' in html
    assert "See the forums and sign up" in html


def test_listing_groups_sessions_by_track_with_their_seats(app, en, forums_open, make_forum):
    open_forum = make_forum("Access forum", track="qc", topics=["1.1"], capacity=3, recorded=True,
                            recording_notice_en="The forum is recorded; the recording is not published.")
    full_forum = make_forum("Full interview", kind="interview", capacity=1, duration_minutes=60,
                            language="bilingual", starts_at=NEXT_JUNE + timedelta(days=1))
    make_forum("Cancelled forum", status="cancelled")
    make_forum("Past forum", starts_at=datetime.now(timezone.utc) - timedelta(hours=1))
    assert sign_up(en, forums_open, full_forum).status_code == 303

    response = en.get(f"/consultations/{SLUG}/forums/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Forums and interviews" in html
    # Grouped: the track first, then the sessions of no track.
    assert html.index("Québec track") < html.index("Access forum") < html.index("Other sessions") \
        < html.index("Full interview")
    assert "3 seats left" in html
    assert "Full — waitlist open" in html
    # In the consultation's time zone: 17:30 UTC in June is 1:30 p.m. in Montréal, for 90 minutes.
    assert f"{NEXT_JUNE:%A}, June 10, {NEXT_JUNE.year}, 1:30 p.m. – 3:00 p.m." in plain(html)
    assert "(Eastern Time)" in html
    assert "90 minutes" in html and "60 minutes" in html
    assert "In English" in html and "In French and English" in html
    assert f'href="/consultations/{SLUG}/proposal/1.1"' in html and "Orientation one" in html
    assert "The forum is recorded; the recording is not published." in html
    assert f'href="/consultations/{SLUG}/forums/{open_forum}/signup"' in html
    assert "Join the waitlist" in html
    # Cancelled and past sessions are not offered; the meeting link is never shown.
    assert "Cancelled forum" not in html and "Past forum" not in html
    assert MEETING not in html and "meet.example.org" not in html


def test_listing_without_sessions_says_so(en, forums_open):
    html = en.get(f"/consultations/{SLUG}/forums/").get_data(as_text=True)
    assert "No forum or interview is scheduled at the moment." in html


def test_listing_of_a_draft_or_unknown_consultation_is_not_found(app, client, forums_open):
    assert client.get("/consultations/nothing-here/forums/").status_code == 404
    with app.app_context():
        db.session.get(Consultation, forums_open.id).status = "draft"
        db.session.commit()
    assert client.get(f"/consultations/{SLUG}/forums/").status_code == 404


def test_meeting_link_is_on_no_public_page(app, en, forums_open, make_forum):
    forum = make_forum()
    response = sign_up(en, forums_open, forum)
    pages = [f"/consultations/{SLUG}/", f"/consultations/{SLUG}/forums/", signup_url(forum),
             response.headers["Location"]]
    for url in pages:
        html = en.get(url).get_data(as_text=True)
        assert MEETING not in html, url


# -- signing up --------------------------------------------------------------------------------

def test_signup_page_has_the_form_and_the_privacy_notice(en, forums_open, make_forum):
    forum = make_forum(recorded=True)
    html = en.get(signup_url(forum)).get_data(as_text=True)
    assert "Privacy notice" in html
    assert "<p>We collect your name and email to organise the forums.</p>" in html
    assert "<p>We keep them until the end.</p>" in html
    for name in ("name", "email", "organisation", "category", "region", "country", "consent_processing",
                 "consent_recording", "consent_quotation", "consent_contact"):
        assert f'name="{name}"' in html, name
    assert '<option value="QC">Quebec</option>' in html
    assert '<option value="outside">Outside Canada</option>' in html
    assert f'<option value="{forums_open.category_id}">Researcher</option>' in html
    assert "<legend>Your consent</legend>" in html and "<legend>Language for our emails</legend>" in html
    assert 'aria-describedby="email-hint"' in html
    assert ">Sign up</button>" in html


def test_signup_creates_participant_consents_registration_and_email(app, en, forums_open, make_forum):
    forum = make_forum(recorded=True)
    response = sign_up(en, forums_open, forum, email="  Ana@Example.ORG ")
    assert response.status_code == 303
    assert response.headers["Location"] == check_email_url(forum)

    with app.app_context():
        participant = db.session.scalar(select(Participant))
        assert participant.email == "ana@example.org"
        assert (participant.name, participant.organisation, participant.region, participant.preferred_language,
                participant.category_id) == ("Ana Tremblay", "CLSC du Plateau", "QC", "fr", forums_open.category_id)
        consents = {c.purpose: (c.granted, c.notice_version, c.source) for c in participant.consents}
        assert consents == {
            "processing": (True, forums_open.notice_version, "forum-signup"),
            "recording": (True, forums_open.notice_version, "forum-signup"),
            "quotation": (False, forums_open.notice_version, "forum-signup"),
            "contact": (True, forums_open.notice_version, "forum-signup"),
        }
    assert registrations(app) == [(1, "ana@example.org", "confirmed")]
    assert forum_row(app, forum).seats_taken == 1
    assert [to for to, _subject in outbox(app)] == ["ana@example.org"]

    page = en.get(registered_url(app, forum, 1))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "You are registered" in html
    assert "We have emailed the details to ana@example.org." in html
    assert "1:30 p.m. – 3:00 p.m." in plain(html)
    assert re.search(r'href="/registrations/[\w.-]+/invitation.ics" download', html)
    assert re.search(r'href="/registrations/[\w.-]+">See or change my registration', html)
    assert page.headers["Cache-Control"] == "no-store"


def test_known_email_is_matched_not_duplicated(app, client, forums_open, make_forum):
    first, second = make_forum("First"), make_forum("Second")
    assert sign_up(client, forums_open, first, email="ana@example.org").status_code == 303
    other_browser = app.test_client()
    assert sign_up(other_browser, forums_open, second, email=" ANA@Example.org", name="Ana T.").status_code == 303
    with app.app_context():
        participants = db.session.scalars(select(Participant)).all()
        # Matched, and the first profile kept: an unverified form does not rewrite it.
        assert [(p.email, p.name) for p in participants] == [("ana@example.org", "Ana Tremblay")]
    assert [email for _id, email, _status in registrations(app)] == ["ana@example.org"]
    assert confirm_from_email(app, app.test_client()).status_code == 303
    assert [email for _id, email, _status in registrations(app)] == ["ana@example.org"] * 2


def test_processing_consent_is_required(app, en, forums_open, make_forum):
    forum = make_forum()
    response = sign_up(en, forums_open, forum, consent_processing=None)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "Tick this box to sign up" in html
    assert re.search(r'<input aria-describedby="consent_processing-hint consent_processing-error" '
                     r'aria-invalid="true" id="consent_processing"', html)
    assert registrations(app) == []


def test_recording_consent_is_required_only_for_recorded_sessions(app, en, forums_open, make_forum):
    recorded, unrecorded = make_forum("Recorded", recorded=True), make_forum("Not recorded")
    response = sign_up(en, forums_open, recorded, consent_recording=None)
    assert response.status_code == 422
    assert "This session is recorded: tick this box" in response.get_data(as_text=True)
    assert registrations(app) == []

    assert 'name="consent_recording"' not in en.get(signup_url(unrecorded)).get_data(as_text=True)
    assert sign_up(en, forums_open, unrecorded, consent_recording=None).status_code == 303
    with app.app_context():
        purposes = {consent.purpose for consent in db.session.scalars(select(Consent))}
    assert purposes == {"processing", "quotation", "contact"}


def test_full_session_offers_the_waitlist(app, en, forums_open, make_forum):
    forum = make_forum(capacity=1)
    assert sign_up(app.test_client(), forums_open, forum, email="first@example.org").status_code == 303
    html = en.get(signup_url(forum)).get_data(as_text=True)
    assert ">Join the waitlist</button>" in html
    assert "This session is full. You can join its waitlist" in html

    response = sign_up(en, forums_open, forum, email="second@example.org")
    assert response.status_code == 303
    assert registrations(app) == [(1, "first@example.org", "confirmed"), (2, "second@example.org", "waitlisted")]
    html = en.get(registered_url(app, forum, 2)).get_data(as_text=True)
    assert "You are on the waitlist" in html
    assert "You are number 1 on the waitlist." in html
    assert "invitation.ics" not in html
    assert forum_row(app, forum).seats_taken == 1


def test_invalid_input_comes_back_with_errors_and_what_was_typed(app, en, forums_open, make_forum):
    forum = make_forum()
    response = sign_up(en, forums_open, forum, name="", email="ana-at-example.org", organisation="Clinique Ø & <Co>",
                       region="outside", country="Atlantis", preferred_language="en", consent_contact=None)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert '<a href="#name">Name: Enter your name.</a>' in html
    assert "Enter a valid email address, such as name@example.org." in html
    assert "We do not recognize this country." in html
    assert 'id="name-error"' in html and 'aria-describedby="email-hint email-error"' in html
    # Everything typed is still there.
    assert 'value="ana-at-example.org"' in html
    assert 'value="Clinique Ø &amp; &lt;Co&gt;"' in html
    assert 'value="Atlantis"' in html
    assert '<option selected value="outside">' in html
    assert is_checked(html, "preferred_language-1") and not is_checked(html, "preferred_language-0")
    assert is_checked(html, "consent_processing") and is_checked(html, "consent_recording") is None
    assert not is_checked(html, "consent_contact")
    assert registrations(app) == []


def test_missing_fields_are_each_reported(en, forums_open, make_forum):
    forum = make_forum()
    response = sign_up(en, forums_open, forum, name="", email="", category="", region="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in ("Enter your name.", "Enter your email address.", "Choose the group that best describes you.",
                    "Choose your province or territory, or “Outside Canada”."):
        assert message in html


def test_someone_outside_canada_gives_a_country(app, client, forums_open, make_forum):
    forum = make_forum()
    assert sign_up(client, forums_open, forum, region="outside", country="").status_code == 422
    assert sign_up(client, forums_open, forum, region="outside", country="canada").status_code == 422
    assert sign_up(client, forums_open, forum, region="outside", country="pays-bas").status_code == 303
    with app.app_context():
        # Alpha-3: "NL" would also be Newfoundland and Labrador.
        assert db.session.scalar(select(Participant.region)) == "NLD"


def test_double_post_registers_once(app, client, forums_open, make_forum):
    forum = make_forum()
    page = client.get(signup_url(forum))
    payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **form_data(forums_open)}
    first = client.post(signup_url(forum), data=payload)
    again = client.post(signup_url(forum), data=payload)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"] == check_email_url(forum)
    assert len(registrations(app)) == 1
    assert forum_row(app, forum).seats_taken == 1
    assert len(outbox(app)) == 1


def test_another_browser_typing_a_registered_address_gets_no_link(app, client, forums_open, make_forum):
    forum = make_forum()
    assert sign_up(client, forums_open, forum).status_code == 303
    stranger = app.test_client()
    stranger.get("/?lang=en")
    response = sign_up(stranger, forums_open, forum)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/consultations/{SLUG}/forums/{forum}/check-your-email"
    html = stranger.get(response.headers["Location"]).get_data(as_text=True)
    assert "We have sent an email to the address you gave." in html
    assert "/registrations/" not in html
    # Already registered for that session: nothing happens, nothing is sent.
    assert len(registrations(app)) == 1 and len(outbox(app)) == 1


def test_htmx_signup_redirects_and_errors_swap_the_fragment(app, client, forums_open, make_forum):
    forum = make_forum()
    token = csrf_token_from(client.get(signup_url(forum)).get_data(as_text=True))
    bad = client.post(signup_url(forum), data={"csrf_token": token, **form_data(forums_open, name="")},
                      headers={"HX-Request": "true"})
    assert bad.status_code == 422
    assert "HX-Request" in bad.headers["Vary"]
    fragment = bad.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="signup-form"') and "<html" not in fragment
    good = client.post(signup_url(forum), data={"csrf_token": token, **form_data(forums_open)},
                       headers={"HX-Request": "true"})
    assert good.status_code == 204
    assert good.headers["HX-Redirect"] == check_email_url(forum)


@pytest.mark.parametrize("case, status", [("cancelled", 410), ("past", 410), ("unknown", 404),
                                          ("other consultation", 404)])
def test_sessions_that_cannot_be_signed_up_for(app, en, forums_open, make_forum, case, status):
    if case == "cancelled":
        forum = make_forum(status="cancelled")
    elif case == "past":
        forum = make_forum(starts_at=datetime.now(timezone.utc) - timedelta(minutes=5))
    elif case == "unknown":
        forum = 9999
    else:
        with app.app_context():
            other = import_structure(minimal_document(slug="other"), source="test").consultation
            db.session.commit()
            forum = Forum(consultation_id=other.id, title_en="Elsewhere", starts_at=NEXT_JUNE)
            db.session.add(forum)
            db.session.commit()
            forum = forum.id
    response = en.get(signup_url(forum))
    assert response.status_code == status
    html = response.get_data(as_text=True)
    if case == "cancelled":
        assert "This session has been cancelled" in html
    elif case == "past":
        assert "This session has already taken place" in html
    else:
        assert "Page not found" in html


def test_signup_is_closed_with_the_forums_channel(app, en, forums_open, make_forum):
    forum = make_forum()
    with app.app_context():
        channel = db.session.get(Consultation, forums_open.id).channels[0]
        channel.closes_at = datetime.now(timezone.utc) - timedelta(days=1)
        db.session.commit()
    assert "Sign-up for the forums and interviews is closed." in en.get(
        f"/consultations/{SLUG}/forums/").get_data(as_text=True)
    assert en.get(signup_url(forum)).status_code == 410


def test_signup_posts_are_rate_limited(app, client, forums_open, make_forum, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUP_RATE_LIMIT", "3 per minute")
    forum = make_forum()
    token = csrf_token_from(client.get(signup_url(forum)).get_data(as_text=True))
    statuses = [client.post(signup_url(forum), data={"csrf_token": token, "name": ""}).status_code
                for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert client.get(signup_url(forum)).status_code == 200  # reading the page is not limited


# -- the personal link ---------------------------------------------------------------------------

def test_manage_page_shows_the_meeting_link_only_with_a_seat(app, en, forums_open, make_forum):
    forum = make_forum(capacity=1)
    sign_up(app.test_client(), forums_open, forum, email="seated@example.org")
    sign_up(app.test_client(), forums_open, forum, email="waiting@example.org")
    seated, waiting = [row[0] for row in registrations(app)]

    html = en.get(f"/registrations/{manage_token(app, seated)}").get_data(as_text=True)
    assert "Seat confirmed" in html and MEETING in html
    html = en.get(f"/registrations/{manage_token(app, waiting)}").get_data(as_text=True)
    assert "On the waitlist, number 1" in html and MEETING not in html


def test_cancel_frees_the_seat_for_the_first_on_the_waitlist(app, en, forums_open, make_forum):
    forum = make_forum(capacity=1)
    for email in ("seated@example.org", "second@example.org", "third@example.org"):
        sign_up(app.test_client(), forums_open, forum, email=email)
    seated = registrations(app)[0][0]
    token = manage_token(app, seated)
    before = len(outbox(app))

    confirm = en.get(f"/registrations/{token}/cancel")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "Cancel your registration?" in html and "Yes, cancel my registration" in html
    response = en.post(f"/registrations/{token}/cancel", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/registrations/{token}"
    assert "Your registration is cancelled." in en.get(response.headers["Location"]).get_data(as_text=True)

    assert [status for _id, _email, status in registrations(app)] == ["cancelled", "confirmed", "waitlisted"]
    assert forum_row(app, forum).seats_taken == 1
    sent = outbox(app)[before:]
    assert [to for to, _subject in sent] == ["seated@example.org", "second@example.org"]

    # Cancelling twice is harmless: nothing changes and nobody is emailed again.
    again = en.post(f"/registrations/{token}/cancel", data={"csrf_token": csrf_token_from(html)})
    assert again.status_code == 303
    assert [status for _id, _email, status in registrations(app)] == ["cancelled", "confirmed", "waitlisted"]
    assert forum_row(app, forum).seats_taken == 1
    assert len(outbox(app)) == before + 2
    page = en.get(f"/registrations/{token}").get_data(as_text=True)
    assert "Cancelled" in page and MEETING not in page and "Cancel my registration" not in page
    assert en.get(f"/registrations/{token}/cancel").status_code == 302  # nothing left to confirm


def test_switch_moves_the_registration(app, en, forums_open, make_forum):
    here, there = make_forum("Here", capacity=1), make_forum("There", starts_at=NEXT_JUNE + timedelta(days=2))
    sign_up(app.test_client(), forums_open, here, email="ana@example.org")
    sign_up(app.test_client(), forums_open, here, email="bob@example.org")
    token = manage_token(app, registrations(app)[0][0])

    page = en.get(f"/registrations/{token}").get_data(as_text=True)
    assert "Move to another session" in page
    assert f'<option value="{there}">There, ' in page
    assert f'<option value="{here}">' not in page

    bad = en.post(f"/registrations/{token}/switch", data={"csrf_token": csrf_token_from(page), "forum_id": "999"})
    assert bad.status_code == 422
    assert "Choose one of the sessions in the list." in bad.get_data(as_text=True)

    response = en.post(f"/registrations/{token}/switch",
                       data={"csrf_token": csrf_token_from(page), "forum_id": str(there)})
    assert response.status_code == 303
    new_page = en.get(response.headers["Location"]).get_data(as_text=True)
    assert "Done: you now have a seat at There." in new_page
    assert registrations(app, there) == [(3, "ana@example.org", "confirmed")]
    # Ana's old seat went to Bob, who was waiting.
    assert [status for _id, _email, status in registrations(app, here)] == ["cancelled", "confirmed"]
    assert forum_row(app, here).seats_taken == 1 and forum_row(app, there).seats_taken == 1


def test_calendar_file_for_a_confirmed_seat(app, en, forums_open, make_forum):
    forum = make_forum(capacity=1)
    sign_up(app.test_client(), forums_open, forum, email="seated@example.org")
    sign_up(app.test_client(), forums_open, forum, email="waiting@example.org")
    seated, waiting = [row[0] for row in registrations(app)]

    response = en.get(f"/registrations/{manage_token(app, seated)}/invitation.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == f'attachment; filename="forum-{forum}.ics"'
    body = response.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR") and "DTSTART" in body and MEETING in body.replace("\r\n ", "")
    assert en.get(f"/registrations/{manage_token(app, waiting)}/invitation.ics").status_code == 404


def test_expired_link_says_so_with_410(app, en, forums_open, make_forum, monkeypatch):
    forum = make_forum()
    sign_up(app.test_client(), forums_open, forum)
    registration_id = registrations(app)[0][0]
    long_ago = int(time.time()) - 181 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: long_ago)
    old_token = manage_token(app, registration_id)
    monkeypatch.undo()

    for url in (f"/registrations/{old_token}", f"/registrations/{old_token}/cancel",
                f"/registrations/{old_token}/invitation.ics"):
        response = en.get(url)
        assert response.status_code == 410, url
        assert "This link has expired" in response.get_data(as_text=True)
    assert registrations(app)[0][2] == "confirmed"


def test_forged_revoked_and_unknown_links_look_the_same(app, en, forums_open, make_forum):
    forum = make_forum()
    sign_up(app.test_client(), forums_open, forum)
    registration_id = registrations(app)[0][0]
    token = manage_token(app, registration_id)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    with app.app_context():
        unknown = make_token("registration", 424242, 1)
        other_purpose = make_token("questionnaire", registration_id, 1)
        db.session.get(Registration, registration_id).participant.link_version += 1
        db.session.commit()

    bodies = set()
    for bad in (forged, token, unknown, other_purpose, "not-a-token"):
        response = en.get(f"/registrations/{bad}")
        assert response.status_code == 404
        bodies.add(re.sub(r"/registrations/[^\"?]+", "", response.get_data(as_text=True)))
        assert en.post(f"/registrations/{bad}/cancel", data={}).status_code in (400, 404)
    assert len(bodies) == 1
    assert "This link does not work" in bodies.pop()
    assert registrations(app)[0][2] == "confirmed"


def test_confirmation_page_checks_the_session_in_its_address(app, en, forums_open, make_forum):
    forum, other = make_forum("One"), make_forum("Two")
    sign_up(en, forums_open, forum)
    location = registered_url(app, forum, 1)
    assert en.get(location).status_code == 200
    assert en.get(location.replace(f"/forums/{forum}/", f"/forums/{other}/")).status_code == 404


def test_one_participant_row_and_seat_count_stay_consistent(app, forums_open, make_forum):
    forum = make_forum(capacity=2)
    for index in range(4):
        sign_up(app.test_client(), forums_open, forum, email=f"p{index}@example.org")
    with app.app_context():
        seated = db.session.scalar(select(func.count(Registration.id)).where(Registration.status == "confirmed"))
        assert seated == db.session.get(Forum, forum).seats_taken == 2


def test_a_cancelled_registration_cannot_be_moved(app, en, forums_open, make_forum):
    here, there = make_forum("Here"), make_forum("There")
    sign_up(app.test_client(), forums_open, here)
    registration_id = registrations(app)[0][0]
    token = manage_token(app, registration_id)
    html = en.get(f"/registrations/{token}/cancel").get_data(as_text=True)
    en.post(f"/registrations/{token}/cancel", data={"csrf_token": csrf_token_from(html)})
    response = en.post(f"/registrations/{token}/switch",
                       data={"csrf_token": csrf_token_from(html), "forum_id": str(there)})
    assert response.status_code == 303
    assert "This registration can no longer be changed." in en.get(f"/registrations/{token}").get_data(as_text=True)
    assert registrations(app) == [(registration_id, "ana@example.org", "cancelled")]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_forum_page_answers_in_both_languages(app, client, forums_open, make_forum, lang):
    forum = make_forum(recorded=True, topics=["1.1"], track="qc")
    sign_up(client, forums_open, forum)
    location = registered_url(app, forum, 1)
    token = location.rsplit("/", 1)[1]
    for url in (f"/consultations/{SLUG}/forums/", signup_url(forum), location, f"/registrations/{token}",
                f"/registrations/{token}/cancel"):
        response = client.get(url, query_string={"lang": lang})
        assert response.status_code == 200, url
        assert f'<html lang="{lang}">' in response.get_data(as_text=True)


def test_a_stranger_typing_a_known_email_cannot_rewrite_the_profile_or_withdraw_consent(app, en, forums_open,
                                                                                        make_forum):
    first, second = make_forum(), make_forum()
    assert sign_up(en, forums_open, first, email="ana@example.org", consent_quotation="y").status_code == 303
    assert sign_up(en, forums_open, second, email="ana@example.org", name="Someone Else").status_code == 303
    with app.app_context():
        participant = db.session.scalar(select(Participant))
        assert participant.name == "Ana Tremblay"
        assert participant.current_consent("quotation") is True


def test_a_known_email_never_gets_someone_elses_link_in_the_browser(app, forums_open, make_forum):
    first, second = make_forum("First"), make_forum("Second")
    owner = app.test_client()
    assert sign_up(owner, forums_open, first, email="ana@example.org").status_code == 303
    stranger = app.test_client()
    response = sign_up(stranger, forums_open, second, email="ana@example.org")
    assert response.headers["Location"] == f"/consultations/{SLUG}/forums/{second}/check-your-email"
    page = stranger.get(response.headers["Location"]).get_data(as_text=True)
    assert "/registrations/" not in page and "ana@example.org" not in page


def test_the_sessions_to_switch_to_say_their_language_and_track(app, en, forums_open, make_forum):
    here = make_forum("Here")
    french = make_forum("Evening", track="qc", language="fr", starts_at=NEXT_JUNE + timedelta(days=2))
    both = make_forum("Morning", language="bilingual", starts_at=NEXT_JUNE + timedelta(days=3))
    sign_up(app.test_client(), forums_open, here, email="ana@example.org")
    token = manage_token(app, registrations(app)[0][0])

    page = plain(en.get(f"/registrations/{token}").get_data(as_text=True))
    option = {forum_id: re.search(rf'<option value="{forum_id}">([^<]*)</option>', page).group(1)
              for forum_id in (french, both)}
    assert "in French" in option[french] and "Québec track" in option[french]
    assert "in French and English" in option[both]


def test_switching_onto_an_existing_registration_is_refused(app, en, forums_open, make_forum):
    first, second = make_forum("First"), make_forum("Second")
    sign_up(en, forums_open, first, email="ana@example.org")
    sign_up(app.test_client(), forums_open, second, email="ana@example.org")
    confirm_from_email(app, app.test_client())
    ids = [registration_id for registration_id, _email, _status in registrations(app)]
    token = manage_token(app, ids[0])
    page = en.get(f"/registrations/{token}").get_data(as_text=True)
    response = en.post(f"/registrations/{token}/switch",
                       data={"csrf_token": csrf_token_from(page), "forum_id": str(second)})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/registrations/{token}"
    assert "You are already registered for that session." in en.get(response.headers["Location"]).get_data(
        as_text=True)
    assert [status for _id, _email, status in registrations(app)] == ["confirmed", "confirmed"]


def test_switching_to_a_recorded_session_needs_the_recording_consent(app, en, forums_open, make_forum):
    plain, recorded = make_forum("Plain"), make_forum("Recorded", recorded=True)
    sign_up(en, forums_open, plain, email="ana@example.org", consent_recording=None)
    token = manage_token(app, registrations(app)[0][0])
    page = en.get(f"/registrations/{token}").get_data(as_text=True)
    response = en.post(f"/registrations/{token}/switch",
                       data={"csrf_token": csrf_token_from(page), "forum_id": str(recorded)})
    assert "you have not agreed to the recording" in en.get(response.headers["Location"]).get_data(as_text=True)
    assert [(status) for _id, _email, status in registrations(app)] == ["confirmed"]


def test_one_interview_slot_per_person(app, en, forums_open, make_forum):
    slot_one, slot_two = (make_forum("Slot one", kind="interview", capacity=1),
                          make_forum("Slot two", kind="interview", capacity=1))
    assert sign_up(en, forums_open, slot_one, email="ana@example.org").status_code == 303
    assert sign_up(en, forums_open, slot_two, email="ana@example.org").status_code == 303
    response = confirm_from_email(app, en)
    assert response.status_code == 422
    assert "You already have an interview slot." in response.get_data(as_text=True)
    assert len(registrations(app)) == 1


def test_line_breaks_in_a_name_cannot_forge_an_email(app, en, forums_open, make_forum):
    forum = make_forum()
    sign_up(en, forums_open, forum, name="Ana\r\n\r\nYour account is suspended: https://evil.example\u0000")
    with app.app_context():
        assert db.session.scalar(select(Participant.name)) == "Ana Your account is suspended: https://evil.example"


def test_no_sign_up_without_a_privacy_notice(app, client):
    from consult.forums.public_services import signups_open
    from consult.models import Consultation
    from consult.structure.importer import import_structure

    with app.app_context():
        consultation = import_structure(minimal_document(slug="no-notice"), source="test").consultation
        db.session.commit()
        assert consultation.is_open(datetime.now(timezone.utc))
        assert not signups_open(db.session.get(Consultation, consultation.id), datetime.now(timezone.utc))
