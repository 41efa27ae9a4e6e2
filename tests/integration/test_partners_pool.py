# ruff: noqa: F811  (the forum sign-up fixtures are imported, then named as arguments)
"""The pool across consultations: a known address from another consultation is a proposed match that staff
merge or keep apart; members state the languages they can take part in; every invitation counts toward the
cap, whatever page sent it; nobody who left is invited; every email to a member carries the way out."""
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.mail.rendering import render
from consult.models import (
    AuditEvent,
    Consent,
    OutboxMessage,
    Participant,
    PoolInvitation,
    PoolMember,
    PoolRecord,
)
from consult.structure.importer import import_structure
from tests import factories
from tests.conftest import csrf_token_from, minimal_document
from tests.integration.test_forum_signup import PRIVACY_EN, form_data, forums_open, make_forum  # noqa: F401

OTHER = "other"


@pytest.fixture
def other(app, forums_open):
    """A second open consultation with one forum: the same person may take part in both."""
    today = datetime.now(timezone.utc).date()
    document = minimal_document(
        slug=OTHER, title={"fr": "Autre consultation", "en": "Other consultation"},
        categories=[{"code": "clinician", "name": {"fr": "Clinicienne ou clinicien", "en": "Clinician"}}],
        privacy_notice={"fr": "Nous recueillons votre nom.", "en": PRIVACY_EN},
        channels=[{"kind": "forums", "opens_at": (today - timedelta(days=1)).isoformat(),
                   "closes_at": (today + timedelta(days=400)).isoformat()}])
    with app.app_context():
        consultation = import_structure(document, source="test").consultation
        forum = factories.make_forum(consultation, title_fr="FR Forum ailleurs", title_en="Forum elsewhere",
                                     capacity=10, language="en", recorded=False,
                                     starts_at=datetime.now(timezone.utc) + timedelta(days=30))
        db.session.commit()
        return SimpleNamespace(id=consultation.id, slug=OTHER, category_id=consultation.categories[0].id,
                               forum_id=forum.id)


def sign_up_at(client, slug, forum_id, namespace, **overrides):
    url = f"/consultations/{slug}/forums/{forum_id}/signup"
    page = client.get(url)
    assert page.status_code == 200
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **form_data(namespace, **overrides)}
    response = client.post(url, data=data)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:400]
    return response


def member(app, email="ana@example.org"):
    with app.app_context():
        row = db.session.scalar(select(PoolMember).where(PoolMember.email == email))
        db.session.expunge(row)
        return row


def records(app):
    with app.app_context():
        return sorted((r.participant.consultation_id, r.status, list(r.languages))
                      for r in db.session.scalars(select(PoolRecord)))


def actions(app, prefix):
    with app.app_context():
        return [e for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
                if e.action.startswith(prefix)]


def test_a_known_address_from_another_consultation_waits_for_staff_to_merge(app, client, forums_open, make_forum,
                                                                            other, login):
    sign_up_at(client, "mini", make_forum(), forums_open, contact_language_codes=["fr"])
    sign_up_at(client, OTHER, other.forum_id, other, name="A. Tremblay", region="ON", preferred_language="en",
               contact_language_codes=["en", "lsq"], consent_quotation="y")
    before = member(app)
    assert (before.name, before.region, before.languages) == ("Ana Tremblay", "QC", ["fr"])  # nothing merged yet
    assert records(app) == [(forums_open.id, "linked", ["fr"]), (other.id, "proposed", ["en", "lsq"])]
    assert [e.action for e in actions(app, "pool.match")] == ["pool.match_proposed"]

    login(("organizer",))
    pool_page = client.get("/staff/pool", query_string={"lang": "en"}).get_data(as_text=True)
    assert "1 possible duplicate waits for a decision." in pool_page
    page = client.get("/staff/pool/matches", query_string={"lang": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Ana Tremblay" in html and "A. Tremblay" in html
    assert "Mini consultation EN" in html and "Other consultation" in html
    assert "Given: quotation without their name" in html and "Given: contact about future consultations" in html
    assert "Quebec Sign Language (LSQ)" in html
    with app.app_context():
        record_id = db.session.scalar(select(PoolRecord.id).where(PoolRecord.status == "proposed"))
    merged = client.post(f"/staff/pool/matches/{record_id}", data={"csrf_token": csrf_token_from(html),
                                                                   "decision": "merge"})
    assert merged.status_code == 303
    after = member(app)
    assert after.name == "Ana Tremblay" and after.region == "QC"  # kept: nothing overwritten
    assert after.languages == ["fr", "en", "lsq"]
    with app.app_context():
        [elsewhere] = db.session.scalars(select(Participant).where(Participant.consultation_id == other.id)).all()
        assert (elsewhere.name, elsewhere.region) == ("A. Tremblay", "ON")  # that consultation's record is intact
    [event] = actions(app, "pool.match_merged")
    assert event.detail["before"]["languages"] == ["fr"] and event.detail["after"]["languages"] == ["fr", "en", "lsq"]
    pool_page = client.get("/staff/pool", query_string={"lang": "en"}).get_data(as_text=True)
    assert re.search(r'<td class="num">2</td>', pool_page)  # two consultations now
    assert "possible duplicate" not in pool_page
    again = client.post(f"/staff/pool/matches/{record_id}", data={"csrf_token": csrf_token_from(html),
                                                                  "decision": "apart"})
    assert again.status_code == 303
    assert "This match was already decided." in client.get(again.headers["Location"],
                                                            query_string={"lang": "en"}).get_data(as_text=True)


def test_kept_apart_the_member_is_unchanged_and_the_record_not_counted(app, client, forums_open, make_forum, other,
                                                                      login):
    sign_up_at(client, "mini", make_forum(), forums_open)
    sign_up_at(client, OTHER, other.forum_id, other, name="Anabelle T.", contact_language_codes=["asl"])
    login(("coordinator",))
    html = client.get("/staff/pool/matches").get_data(as_text=True)
    with app.app_context():
        record_id = db.session.scalar(select(PoolRecord.id).where(PoolRecord.status == "proposed"))
    undecided = client.post(f"/staff/pool/matches/{record_id}", data={"csrf_token": csrf_token_from(html)})
    assert undecided.status_code == 422
    kept = client.post(f"/staff/pool/matches/{record_id}", data={"csrf_token": csrf_token_from(html),
                                                                 "decision": "apart"})
    assert kept.status_code == 303
    assert member(app).languages == ["fr"] and member(app).name == "Ana Tremblay"
    assert records(app)[1][1] == "apart"
    assert len(actions(app, "pool.match_kept_apart")) == 1
    pool_page = client.get("/staff/pool", query_string={"lang": "en"}).get_data(as_text=True)
    assert re.search(r'<td class="num">1</td>', pool_page)


def test_a_record_whose_contact_consent_was_withdrawn_cannot_be_merged(app, client, forums_open, make_forum, other,
                                                                       login):
    sign_up_at(client, "mini", make_forum(), forums_open)
    sign_up_at(client, OTHER, other.forum_id, other)
    with app.app_context():
        record = db.session.scalar(select(PoolRecord).where(PoolRecord.status == "proposed"))
        record_id = record.id
        db.session.add(Consent(participant_id=record.participant_id, purpose="contact", granted=False, source="test"))
        db.session.commit()
    login(("organizer",))
    html = client.get("/staff/pool/matches", query_string={"lang": "en"}).get_data(as_text=True)
    assert "Not given: contact about future consultations" in html
    assert "Same person: merge" not in html  # only "Keep apart" is offered
    refused = client.post(f"/staff/pool/matches/{record_id}", data={"csrf_token": csrf_token_from(html),
                                                                    "decision": "merge"})
    assert refused.status_code == 303
    assert "no longer agrees to be contacted" in client.get("/staff/pool/matches",
                                                            query_string={"lang": "en"}).get_data(as_text=True)
    assert records(app)[1][1] == "proposed"


def test_only_pool_roles_see_possible_duplicates(app, client, forums_open, login):
    login(("analyst",))
    assert client.get("/staff/pool/matches").status_code == 403


def test_members_state_their_languages_and_organizers_filter_by_them(app, client, forums_open, make_forum, login):
    forum_id = make_forum()
    sign_up_at(client, "mini", forum_id, forums_open, contact_language_codes=["fr", "lsq"])
    sign_up_at(client, "mini", forum_id, forums_open, email="ben@example.org", name="Ben Roy",
               preferred_language="en")  # no answer: the language chosen for emails
    assert member(app).languages == ["fr", "lsq"]
    assert member(app, "ben@example.org").languages == ["en"]
    login(("organizer",))
    signing = client.get("/staff/pool", query_string={"lang": "en", "language": "lsq"}).get_data(as_text=True)
    assert "Ana Tremblay" in signing and "Ben Roy" not in signing
    english = client.get("/staff/pool", query_string={"lang": "en", "language": "en"}).get_data(as_text=True)
    assert "Ben Roy" in english and "Ana Tremblay" not in english

    # Ben adds French from the link at the foot of his emails; ticking nothing is refused.
    link = leave_link(app, "ben@example.org")
    page = client.get(link + "?lang=en").get_data(as_text=True)
    assert "The languages you can take part in" in page
    empty = client.post(link + "/languages", data={"csrf_token": csrf_token_from(page)})
    assert empty.status_code == 422 and "Tick at least one language." in empty.get_data(as_text=True)
    saved = client.post(link + "/languages", data={"csrf_token": csrf_token_from(page), "languages": ["fr", "en"]})
    assert saved.status_code == 303
    assert member(app, "ben@example.org").languages == ["fr", "en"]


def leave_link(app, email):
    """The way out at the foot of the latest email to `email`, as the person reads it."""
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == email)
                                     .order_by(OutboxMessage.id.desc())).first()
        body = render(message).body_text
    return re.search(r"https?://[^/\s]+(/pool/leave/[\w.-]+)", body).group(1)


def test_every_invitation_counts_whatever_page_sent_it(app, client, forums_open, make_forum, login):
    first, second, third = make_forum(), make_forum("Second forum"), make_forum("Third forum")
    sign_up_at(client, "mini", first, forums_open)
    sign_up_at(client, "mini", first, forums_open, email="gone@example.org", name="Gone")
    gone = leave_link(app, "gone@example.org")
    client.post(gone, data={"csrf_token": csrf_token_from(client.get(gone).get_data(as_text=True))})
    login(("organizer",))
    access = f"/staff/consultations/mini/forums/{second}/access"
    page = client.get(access).get_data(as_text=True)
    sent = client.post(access, data={"csrf_token": csrf_token_from(page), "mode": "invitation",
                                     "emails": "ana@example.org\nnew@example.org"})
    assert sent.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(PoolInvitation.id))) == 1  # Ana's; the new address is no member
    pool_page = client.get("/staff/pool", query_string={"lang": "en"}).get_data(as_text=True)
    assert re.search(r'<td class="num">1</td>\s*</tr>', pool_page)  # asked once in the last 12 months

    # Someone who left the pool is refused by name, and nothing is sent.
    refused = client.post(access, data={"csrf_token": csrf_token_from(page), "mode": "invitation",
                                        "emails": "gone@example.org"})
    assert refused.status_code == 422
    assert "gone@example.org left our pool of partners" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.to_address == "gone@example.org", OutboxMessage.object_type == "session_invitation")) == 0

    # At the cap, one more invitation from a session's page warns first.
    app.config["POOL_INVITATION_CAP"] = 1
    try:
        access = f"/staff/consultations/mini/forums/{third}/access"
        page = client.get(access).get_data(as_text=True)
        data = {"csrf_token": csrf_token_from(page), "mode": "invitation", "emails": "ana@example.org"}
        warned = client.post(access, data=data)
        assert warned.status_code == 422
        assert "Already asked 1 time or more in the last 12 months: ana@example.org" in warned.get_data(as_text=True)
        assert 'name="confirm_over_cap"' in warned.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(func.count(PoolInvitation.id))) == 1
        assert client.post(access, data={**data, "confirm_over_cap": "y"}).status_code == 303
        with app.app_context():
            assert db.session.scalar(select(func.count(PoolInvitation.id))) == 2
    finally:
        app.config["POOL_INVITATION_CAP"] = 3


def test_every_email_to_a_member_carries_the_way_out(app, client, forums_open, make_forum, login):
    forum_id, second = make_forum(), make_forum("Second forum")
    sign_up_at(client, "mini", forum_id, forums_open)
    login(("organizer",))
    access = f"/staff/consultations/mini/forums/{second}/access"
    client.post(access, data={"csrf_token": csrf_token_from(client.get(access).get_data(as_text=True)),
                              "mode": "invitation", "emails": "ana@example.org"})
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "ana@example.org")).all()
        assert len(messages) >= 2  # the confirmation and the invitation
        for message in messages:
            assert re.search(r"/pool/leave/[\w.-]+", render(message).body_text), message.subject
    link = leave_link(app, "ana@example.org")
    tampered = link[:-3] + ("abc" if not link.endswith("abc") else "xyz")
    assert client.get(tampered).status_code in (404, 410)
    page = client.get(link, query_string={"lang": "en"}).get_data(as_text=True)
    assert '<form method="post"' in page and "Leave the pool" in page  # a plain form: no script needed
    assert client.post(link, data={"csrf_token": csrf_token_from(page)}).status_code == 303
    assert "You have left the pool" in client.get(link, query_string={"lang": "en"}).get_data(as_text=True)
    assert member(app).left_at is not None and member(app).name == ""


def test_attestations_in_bulk_take_their_own_permission(app, client, forums_open, login):
    url = "/staff/consultations/mini/compensation/attestations.zip"
    login(("analyst",), email="analyst@example.org")
    assert client.get(url).status_code == 403
    client.post("/staff/logout", data={"csrf_token": csrf_token_from(client.get("/staff/").get_data(as_text=True))})
    login(("organizer",), email="organizer@example.org")
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert client.get("/staff/consultations/mini/compensation/ledger").status_code == 403  # the ledger stays apart
    structure = client.get("/staff/consultations/mini/", query_string={"lang": "en"}).get_data(as_text=True)
    assert "Issue every attestation of participation (ZIP of PDFs)" in structure
    with app.app_context():
        issued = select(func.count(AuditEvent.id)).where(AuditEvent.action == "attestations.issued")
        assert db.session.scalar(issued) == 1


def test_an_erased_person_leaves_the_pool_with_their_record(app, client, forums_open, make_forum, other):
    from consult.privacy import services as privacy

    sign_up_at(client, "mini", make_forum(), forums_open)
    sign_up_at(client, OTHER, other.forum_id, other, name="A. Tremblay", region="ON", contact_language_codes=["en"])
    sign_up_at(client, "mini", make_forum("Another forum"), forums_open, email="ben@example.org", name="Ben Roy")
    with app.app_context():
        ana = db.session.scalar(select(Participant).where(Participant.consultation_id == forums_open.id,
                                                          Participant.email == "ana@example.org"))
        privacy.erase(ana, reason="request")
        ben = db.session.scalar(select(Participant).where(Participant.email == "ben@example.org"))
        privacy.erase(ben, reason="request")
        db.session.commit()
    # Ben's only record is gone, and his member with it; the address of the other consultation's record stays,
    # now holding only what that record says.
    with app.app_context():
        assert db.session.scalar(select(PoolMember).where(PoolMember.email == "ben@example.org")) is None
    left = member(app)
    assert (left.name, left.region, left.languages) == ("A. Tremblay", "ON", ["en"])
    assert records(app) == [(other.id, "linked", ["en"])]


def test_withdrawing_contact_consent_from_the_my_data_page_takes_the_member_out_of_the_pool(
        app, client, forums_open, make_forum, other, login):
    from consult.privacy import services as privacy

    sign_up_at(client, "mini", make_forum(), forums_open)
    sign_up_at(client, OTHER, other.forum_id, other)  # a match waiting for staff
    with app.app_context():
        ana = db.session.scalar(select(Participant).where(Participant.consultation_id == forums_open.id,
                                                          Participant.email == "ana@example.org"))
        link = f"/my-data/{privacy.my_data_token(ana)}"
    page = client.get(link).get_data(as_text=True)
    withdrawn = client.post(f"{link}/consents/contact", data={"csrf_token": csrf_token_from(page), "granted": "no"})
    assert withdrawn.status_code == 303
    assert member(app).left_at is not None
    login(("organizer",))
    pool_page = client.get("/staff/pool", query_string={"lang": "en"}).get_data(as_text=True)
    assert "ana@example.org" not in pool_page
    # Nobody left to merge the waiting match into: it is no longer proposed to staff.
    assert "ana@example.org" not in client.get("/staff/pool/matches", query_string={"lang": "en"}).get_data(
        as_text=True)


def test_every_member_s_group_is_named_in_its_consultation_s_first_language(app, client, forums_open, make_forum):
    """The pool lists members from every consultation: a member's group is stored as their consultation
    names it in its first language, whatever the language of the page they signed up on."""
    forum_id = make_forum()
    sign_up_at(client, "mini", forum_id, forums_open)
    english = app.test_client()
    english.get("/?lang=en")
    sign_up_at(english, "mini", forum_id, forums_open, email="ben@example.org", name="Ben Roy",
               preferred_language="en")
    assert member(app).category == member(app, "ben@example.org").category == "Chercheuse ou chercheur"
