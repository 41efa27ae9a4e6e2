# ruff: noqa: F811  (the forum sign-up fixtures are imported, then named as arguments)
"""Compensation: the policy, the opt-in at sign-up, the ledger that attendance and claims fill, the
decisions, the finance CSV (web and command line), the attestation PDF, and accommodations."""
import csv
import html
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from consult.extensions import db
from consult.mail.rendering import render
from consult.models import (
    Accommodation,
    AuditEvent,
    CompensationChoice,
    CompensationPolicy,
    Forum,
    ForumAccess,
    LedgerEntry,
    OutboxMessage,
    Participant,
    PoolInvitation,
    PoolMember,
    Registration,
    StaffUser,
)
from consult.partners import services
from consult.privacy import services as privacy
from tests.conftest import csrf_token_from
from tests.integration.test_forum_signup import form_data, forums_open, make_forum, signup_url  # noqa: F401
from tests.submission_data import PDF

SLUG = "mini"
STAFF = f"/staff/consultations/{SLUG}"


@pytest.fixture
def policy(app, forums_open):
    """Researchers are eligible: 75 $ a forum, 50 $ an interview; parking up to 20 $, respite up to 100 $."""
    with app.app_context():
        db.session.add(CompensationPolicy(consultation_id=forums_open.id,
                                          eligible_category_ids=[forums_open.category_id],
                                          rate_unit="session", forum_rate_cents=7500, interview_rate_cents=5000,
                                          expense_caps={"parking": 2000, "respite": 10000}))
        db.session.commit()


def sign_up(client, forums_open, forum_id, **overrides):
    page = client.get(signup_url(forum_id))
    assert page.status_code == 200
    payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **form_data(forums_open, **overrides)}
    return client.post(signup_url(forum_id), data=payload)


def participant_of(app, email="ana@example.org"):
    with app.app_context():
        person = db.session.scalar(select(Participant).where(Participant.email == email))
        return person.id


def personal_url(app, participant_id):
    with app.test_request_context():
        return f"/compensation/{services.personal_token(db.session.get(Participant, participant_id))}"


def held(app, forum_id):
    """The session has started: attendance can be taken."""
    with app.app_context():
        forum = db.session.get(Forum, forum_id)
        if forum.starts_at > datetime.now(timezone.utc):
            forum.starts_at = datetime.now(timezone.utc) - timedelta(minutes=30)
            db.session.commit()


def mark(client, forum_id, participant_id, attended="yes"):
    held(client.application, forum_id)
    with client.application.app_context():
        registration_id = db.session.scalar(select(Registration.id).where(
            Registration.forum_id == forum_id, Registration.participant_id == participant_id))
    roster = client.get(f"{STAFF}/forums/{forum_id}/roster").get_data(as_text=True)
    return client.post(f"{STAFF}/forums/{forum_id}/roster/{registration_id}/attendance",
                       data={"csrf_token": csrf_token_from(roster), "attended": attended})


def ledger(app):
    with app.app_context():
        return [(e.kind, e.expense_kind, e.amount_cents, e.status)
                for e in db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))]


def actions(app, prefix):
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
                if e.action.startswith(prefix)]


def test_policy_is_set_by_the_coordinator_with_amounts_checked(app, client, forums_open, login):
    login(("coordinator",))
    url = f"{STAFF}/compensation/policy"
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page), "eligible": [str(forums_open.category_id)], "rate_unit": "session",
            "forum_rate": "-5", "interview_rate": "1000000000", "cap_parking": "douze"}
    refused = client.post(url, data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "ne peut pas être négatif" in html
    assert "beaucoup trop élevé" in html
    assert 'value="douze"' in html  # what was typed is kept
    assert "Inscrivez le montant" not in html  # a number that could not be read is said once, not twice
    # Forty digits, and a cap of 0 that would refuse every claim: told beside the field, no error page.
    data.update(forum_rate="9" * 40, interview_rate="50", cap_parking="0")
    refused = client.post(url, data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "beaucoup trop élevé" in html
    assert "refuserait toute demande" in html
    with app.app_context():
        assert db.session.scalar(select(CompensationPolicy)) is None
    # "1,000" is a thousand dollars (a sum has two decimals at most), as "1 000" and "1.000" are.
    data.update(forum_rate="1,000", interview_rate="50", cap_parking="20.50")
    assert client.post(url, data=data).status_code == 303
    with app.app_context():
        saved = db.session.scalar(select(CompensationPolicy))
        assert (saved.forum_rate_cents, saved.interview_rate_cents) == (100000, 5000)
        assert saved.expense_caps == {"parking": 2050}
    assert actions(app, "compensation.") == ["compensation.policy_saved"]


def test_organizers_and_analysts_cannot_set_the_policy(client, forums_open, login):
    login(("organizer",))
    assert client.get(f"{STAFF}/compensation/policy").status_code == 403
    assert client.get(f"{STAFF}/compensation/ledger").status_code == 403


def test_opt_in_at_sign_up_and_attendance_fill_the_ledger(app, client, forums_open, make_forum, policy, login):
    forum_id = make_forum()
    page = client.get(signup_url(forum_id)).get_data(as_text=True)
    assert "Souhaitez-vous être rémunéré" in page
    assert sign_up(client, forums_open, forum_id, compensation="yes").status_code == 303
    sign_up(client, forums_open, forum_id, email="bo@example.org", name="Bo", compensation="no")
    ana, bo = participant_of(app), participant_of(app, "bo@example.org")
    with app.app_context():
        assert db.session.get(CompensationChoice, ana).opted_in is True
        assert db.session.get(CompensationChoice, bo).opted_in is False
    login(("organizer",))
    assert mark(client, forum_id, ana).status_code == 303
    assert mark(client, forum_id, bo).status_code == 303
    assert ledger(app) == [("attendance", "", 7500, "pending")]  # Bo opted out: nothing
    mark(client, forum_id, ana, attended="no")  # a no-show earns nothing
    assert ledger(app) == []
    mark(client, forum_id, ana)
    assert ledger(app) == [("attendance", "", 7500, "pending")]
    assert actions(app, "ledger.") == ["ledger.attendance_added", "ledger.attendance_removed",
                                       "ledger.attendance_added"]


def test_someone_typing_a_known_address_does_not_change_the_choice(app, client, forums_open, make_forum, policy):
    first, second = make_forum(), make_forum("Second forum")
    sign_up(client, forums_open, first, compensation="no")
    sign_up(client, forums_open, second, compensation="yes")
    with app.app_context():
        assert db.session.get(CompensationChoice, participant_of(app)).opted_in is False


def _claim(client, url, **fields):
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page), "expense_kind": "parking", "amount": "12,50", "description": "",
            **fields}
    return client.post(url + "/expenses", data=data, content_type="multipart/form-data")


def test_expense_claims_are_checked(app, client, forums_open, make_forum, policy):
    forum_id = make_forum()
    sign_up(client, forums_open, forum_id, compensation="yes")
    url = personal_url(app, participant_of(app))
    over = _claim(client, url, amount="25")
    assert over.status_code == 422 and "20,00" in over.get_data(as_text=True)
    negative = _claim(client, url, amount="-3")
    assert negative.status_code == 422 and "négatif" in negative.get_data(as_text=True)
    not_reimbursed = _claim(client, url, expense_kind="travel")
    assert not_reimbursed.status_code == 422
    program = _claim(client, url, receipt=(io.BytesIO(b"MZ\x90\x00\x03\x00binary"), "receipt.pdf"))
    assert program.status_code == 422
    assert 'value="12,50"' in program.get_data(as_text=True)
    assert ledger(app) == []
    good = _claim(client, url, receipt=(io.BytesIO(PDF), "ticket.pdf"), description="Stationnement")
    assert good.status_code == 303
    assert ledger(app) == [("expense", "parking", 1250, "pending")]
    with app.app_context():
        assert db.session.scalar(select(LedgerEntry)).receipt_filename == "ticket.pdf"


def test_only_a_role_that_may_approves_and_a_refusal_needs_a_reason(app, client, forums_open, make_forum, policy,
                                                                    login):
    forum_id = make_forum()
    sign_up(client, forums_open, forum_id, compensation="yes")
    _claim(client, personal_url(app, participant_of(app)))
    with app.app_context():
        entry_id = db.session.scalar(select(LedgerEntry.id))
    login(("organizer",), email="org@example.org")
    token = csrf_token_from(client.get(f"{STAFF}/forums/{forum_id}/roster").get_data(as_text=True))
    assert client.post(f"{STAFF}/compensation/ledger/{entry_id}/decision",
                       data={"csrf_token": token, "decision": "approve"}).status_code == 403
    with app.app_context():
        organizer = db.session.scalar(select(StaffUser))
        with pytest.raises(services.LedgerError):
            services.decide(db.session.get(LedgerEntry, entry_id), True, "", organizer)
    client.post("/staff/logout", data={"csrf_token": token})
    login(("coordinator",), email="coord@example.org")
    page = client.get(f"{STAFF}/compensation/ledger").get_data(as_text=True)
    token = csrf_token_from(page)
    refused = client.post(f"{STAFF}/compensation/ledger/{entry_id}/decision",
                          data={"csrf_token": token, "decision": "refuse", "reason": "  "})
    assert ledger(app) == [("expense", "parking", 1250, "pending")]
    # Told beside the reason, on the page itself, with "Refuse" still chosen.
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    beside = re.search(rf'<p class="error" id="reason-error-{entry_id}">(.*?)</p>', html, re.S)
    assert beside and "Expliquez pourquoi ce montant est refusé" in beside.group(1)
    assert f'value="refuse" id="refuse-{entry_id}" checked' in html
    client.post(f"{STAFF}/compensation/ledger/{entry_id}/decision", data={"csrf_token": token, "decision": "approve"})
    assert ledger(app) == [("expense", "parking", 1250, "approved")]
    assert "ledger.approved" in actions(app, "ledger.")


def _approved_world(app, client, forums_open, make_forum, login):
    forum_id = make_forum()
    sign_up(client, forums_open, forum_id, compensation="yes", name="=HYPERLINK(\"x\")")
    ana = participant_of(app)
    _claim(client, personal_url(app, ana))
    login(("admin",))
    mark(client, forum_id, ana)
    with app.app_context():
        admin = db.session.scalar(select(StaffUser))
        for entry in db.session.scalars(select(LedgerEntry)):
            services.decide(entry, True, "", admin)
        db.session.commit()
    return forum_id, ana


def test_finance_csv_holds_amounts_by_pseudonym_and_is_audited(app, client, forums_open, make_forum, policy, login):
    _forum_id, ana = _approved_world(app, client, forums_open, make_forum, login)
    response = client.get(f"{STAFF}/compensation/ledger.csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "ana@example.org" not in text and "HYPERLINK" not in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    with app.app_context():
        pseudonym = db.session.get(Participant, ana).pseudonym
    assert sorted(row[-2] for row in rows[1:]) == ["12.50", "75.00"]
    assert {row[0] for row in rows[1:]} == {pseudonym}
    page = client.get(f"{STAFF}/compensation/ledger").get_data(as_text=True)
    no_reason = client.post(f"{STAFF}/compensation/ledger-with-names.csv", data={"csrf_token": csrf_token_from(page)})
    assert no_reason.status_code == 422
    named = client.post(f"{STAFF}/compensation/ledger-with-names.csv",
                        data={"csrf_token": csrf_token_from(page), "reason": "Paiement par la comptabilité"})
    named_text = named.get_data(as_text=True)
    assert "'=HYPERLINK" in named_text and "ana@example.org" not in named_text
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ledger.exported")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.detail["identified"], e.detail["total_cents"]) for e in events] == [(False, 8750), (True, 8750)]
        assert events[1].detail["reason"] == "Paiement par la comptabilité"


def test_export_ledger_command(app, client, forums_open, make_forum, policy, login, runner, tmp_path):
    _approved_world(app, client, forums_open, make_forum, login)
    target = tmp_path / "ledger.csv"
    result = runner.invoke(args=["consult", "export-ledger", "--consultation", SLUG, "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text("utf-8-sig")
    assert "75.00" in text and "12.50" in text and "ana@example.org" not in text and "HYPERLINK" not in text
    missing = runner.invoke(args=["consult", "export-ledger", "--consultation", "nope", "-o", str(target)])
    assert missing.exit_code != 0


def test_attestation_pdf_in_the_persons_language(app, client, forums_open, make_forum, policy, login):
    forum_id, ana = _approved_world(app, client, forums_open, make_forum, login)
    response = client.get(personal_url(app, ana) + "/attestation.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Attestation de participation" in flat
    assert "Séances auxquelles vous avez participé" in flat or "Séances" in flat
    assert "FR Forum on access" in flat
    assert "87,50" in flat
    bulk = client.get(f"{STAFF}/compensation/attestations.zip")
    assert bulk.status_code == 200 and bulk.mimetype == "application/zip"


def test_no_attestation_is_offered_before_a_session_attended(app, client, forums_open, make_forum, policy):
    sign_up(client, forums_open, make_forum(), compensation="yes")
    url = personal_url(app, participant_of(app))
    client.get("/?lang=en")
    page = client.get(url).get_data(as_text=True)
    assert "Download my attestation" not in page
    assert "The attestation can be downloaded once a session you attended is recorded." in page
    response = client.get(url + "/attestation.pdf")
    assert response.status_code == 303 and response.mimetype != "application/pdf"


def test_accommodations_on_the_roster_only_and_erased_with_the_person(app, client, forums_open, make_forum, login):
    forum_id = make_forum()
    sign_up(client, forums_open, forum_id, accommodations=["captions", "other_time"],
            accommodation_other="Rampe d'accès")
    login(("organizer",))
    roster = client.get(f"{STAFF}/forums/{forum_id}/roster").get_data(as_text=True)
    assert "Sous-titres" in roster and "Rampe d&#39;accès" in roster
    roster_csv = client.get(f"{STAFF}/forums/{forum_id}/roster.csv").get_data(as_text=True)
    assert "Rampe" not in roster_csv and "Sous-titres" not in roster_csv
    with app.app_context():
        privacy.erase(db.session.get(Participant, participant_of(app)), reason="request")
        db.session.commit()
        assert db.session.scalar(select(Accommodation)) is None


def test_invitation_only_session_refuses_an_uninvited_address(app, client, forums_open, make_forum, login):
    forum_id = make_forum()
    login(("organizer",))
    url = f"{STAFF}/forums/{forum_id}/access"
    page = client.get(url).get_data(as_text=True)
    bad = client.post(url, data={"csrf_token": csrf_token_from(page), "mode": "invitation",
                                 "emails": "Invited@Example.org\npas-une-adresse"})
    assert bad.status_code == 422 and "pas-une-adresse" in bad.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf_token_from(page), "mode": "invitation",
                                  "emails": "Invited@Example.org"}).status_code == 303
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.to_address == "invited@example.org"
        link = re.search(r"http\S+invitation=\S+", message.body_text).group(0)
    client.post("/staff/logout", data={"csrf_token": csrf_token_from(page)})
    refused = sign_up(client, forums_open, forum_id, email="stranger@example.org")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "sur invitation seulement" in html
    # No reply address is set here: the refusal does not send people to one nobody reads.
    assert "demandez à l’équipe qui vous a invité" in html and "no-reply" not in html
    with app.app_context():
        assert db.session.scalar(select(Registration)) is None
    # The list of sessions says so before anyone fills the form, and offers no sign-up button for it.
    listing = client.get(f"/consultations/{forums_open.slug}/forums/").get_data(as_text=True)
    assert "Sur invitation seulement" in listing
    assert f"/forums/{forum_id}/signup" not in listing
    invited_page = client.get(link.replace("http://127.0.0.1:5000", "")).get_data(as_text=True)
    assert 'value="invited@example.org"' in invited_page
    assert sign_up(client, forums_open, forum_id, email="invited@example.org").status_code == 303


def test_track_members_only(app, client, forums_open, make_forum, login):
    first = make_forum(track="qc")
    members_only = make_forum("Follow-up", track="qc")
    with app.app_context():
        db.session.add(ForumAccess(forum_id=members_only, mode="track"))
        db.session.commit()
    assert sign_up(client, forums_open, members_only).status_code == 422
    assert sign_up(client, forums_open, first).status_code == 303
    assert sign_up(client, forums_open, members_only).status_code == 303


def test_representation_targets_show_who_is_missing(app, client, forums_open, make_forum, login):
    forum_id = make_forum()
    sign_up(client, forums_open, forum_id)
    login(("organizer",))
    url = f"{STAFF}/representation"
    page = client.get(url)
    assert page.status_code == 200
    assert client.post(url, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))}).status_code == 403
    client.post("/staff/logout", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    login(("coordinator",), email="coord@example.org")
    page = client.get(url).get_data(as_text=True)
    bad = client.post(url, data={"csrf_token": csrf_token_from(page), f"category_{forums_open.category_id}": "-2"})
    assert bad.status_code == 422
    saved = client.post(url, data={"csrf_token": csrf_token_from(page), f"category_{forums_open.category_id}": "3",
                                   "region_QC": "1", "region_ON": "2"})
    assert saved.status_code == 303
    html = client.get(url, query_string={"lang": "en"}).get_data(as_text=True)
    assert re.search(r"Researcher</th><td class=\"num\">3</td><td class=\"num\">1</td><td class=\"num\">2</td>", html)
    dashboard = client.get(f"{STAFF}/reports/participation", query_string={"lang": "en"}).get_data(as_text=True)
    assert "Researcher: 2 more people" in dashboard
    assert "Ontario: 2 more people" in dashboard
    assert "Quebec" not in dashboard.split("Who is missing")[1].split("</section>")[0]


def test_the_demo_holds_a_policy_ledger_rows_approvals_and_accommodations(app, runner, login):
    result = runner.invoke(args=["consult", "seed-demo", "--with-activity"], env={"CONSULT_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert "Demo compensation: a policy" in result.output
    with app.app_context():
        assert db.session.scalar(select(CompensationPolicy)) is not None
        rows = db.session.scalars(select(LedgerEntry)).all()
        assert {row.kind for row in rows} == {"attendance", "expense"}
        assert any(row.status == "approved" and row.kind == "expense" for row in rows)
        assert all(row.amount_cents > 0 for row in rows)
        needs = db.session.scalars(select(Accommodation)).all()
        assert len(needs) >= 3
        registration = db.session.get(Registration, needs[0].registration_id)
        slug, forum_id = registration.forum.consultation.slug, registration.forum_id
    client = login(("organizer",), email="roster@example.org")
    roster = client.get(f"/staff/consultations/{slug}/forums/{forum_id}/roster", query_string={"lang": "en"})
    assert "What would help" in roster.get_data(as_text=True)
    assert re.search(r'class="accommodation">[^<]+</td>', roster.get_data(as_text=True))


def test_pool_invitations_counted_capped_and_left_in_one_click(app, client, forums_open, make_forum, login):
    first, second = make_forum(), make_forum("Another forum")
    sign_up(client, forums_open, first)  # consent_contact ticked: joins the pool
    sign_up(client, forums_open, first, email="nocontact@example.org", name="Non", consent_contact=None)
    with app.app_context():
        [member] = db.session.scalars(select(PoolMember)).all()
        assert member.email == "ana@example.org"
        member_id = member.id
        footer = render(db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.to_address == "ana@example.org")).first()).body_text
        leave_link = re.search(r"http\S+/pool/leave/\S+", footer).group(0).replace("http://127.0.0.1:5000", "")
    app.config["POOL_INVITATION_CAP"] = 1
    try:
        login(("organizer",))
        page = client.get("/staff/pool").get_data(as_text=True)
        assert "Ana Tremblay" in page and "nocontact" not in page
        data = {"csrf_token": csrf_token_from(page), "forum": str(second), "members": [str(member_id)]}
        assert client.post("/staff/pool", data=data).status_code == 303
        with app.app_context():
            # An English session, a member who chose French emails: the invitation is in French.
            invitation = db.session.scalar(select(OutboxMessage).where(
                OutboxMessage.object_type == "session_invitation"))
            chosen = db.session.get(PoolMember, member_id).preferred_language
            assert db.session.get(Forum, second).language == "en" and chosen == "fr"
            assert invitation.language == "fr"
        again = client.post("/staff/pool", data=data)
        assert again.status_code == 422 and "Cochez la case pour les inviter quand même" in again.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(func.count(PoolInvitation.id))) == 1
    finally:
        app.config["POOL_INVITATION_CAP"] = 3
    html = client.get("/staff/pool", query_string={"lang": "en"}).get_data(as_text=True)
    assert re.search(r'<td class="num">1 <span class="badge badge-full">often asked', html) is None  # cap is 3 again

    leave_page = client.get(leave_link).get_data(as_text=True)
    assert client.post(leave_link, data={"csrf_token": csrf_token_from(leave_page)}).status_code == 303
    assert "You have left the pool" in client.get(leave_link).get_data(as_text=True)
    refused = client.post("/staff/pool", data={"csrf_token": csrf_token_from(leave_page), "forum": str(second),
                                                 "members": [str(member_id)], "confirm_over_cap": "y"})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(PoolMember, member_id).left_at is not None
        assert db.session.scalar(select(func.count(PoolInvitation.id))) == 1
    # Signing up again with the address does not put them back.
    sign_up(client, forums_open, second)
    with app.app_context():
        assert db.session.get(PoolMember, member_id).left_at is not None


def test_a_walk_in_who_opts_in_afterwards_earns_the_session(app, client, forums_open, make_forum, policy, login):
    forum_id = make_forum()
    held(app, forum_id)
    login(("organizer",))
    roster = client.get(f"{STAFF}/forums/{forum_id}/roster").get_data(as_text=True)
    added = client.post(f"{STAFF}/forums/{forum_id}/roster/walk-in", data={
        "csrf_token": csrf_token_from(roster), "name": "Walk In", "email": "walk@example.org",
        "category_id": str(forums_open.category_id)})
    assert added.status_code in (302, 303), added.get_data(as_text=True)[:500]
    assert ledger(app) == []  # no choice made yet
    url = personal_url(app, participant_of(app, "walk@example.org"))
    page = client.get(url).get_data(as_text=True)
    chosen = client.post(url + "/choice", data={"csrf_token": csrf_token_from(page), "opted_in": "yes"})
    assert chosen.status_code == 303
    assert ledger(app) == [("attendance", "", 7500, "pending")]


def test_a_known_person_confirming_by_email_keeps_their_answers(app, client, forums_open, make_forum, policy):
    first, second = make_forum(), make_forum("Second forum")
    sign_up(client, forums_open, first, compensation="no")
    sign_up(client, forums_open, second, compensation="yes", accommodations=["interpretation"])
    with app.app_context():
        person = db.session.scalar(select(Participant))
        assert db.session.get(CompensationChoice, person.id).opted_in is False  # nothing changes before the email
        body = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body_text
    link = re.search(r"http\S+/confirm\S*", body).group(0).replace("http://127.0.0.1:5000", "")
    page = client.get(link).get_data(as_text=True)
    assert client.post(link, data={"csrf_token": csrf_token_from(page)}).status_code == 303
    with app.app_context():
        person = db.session.scalar(select(Participant))
        assert db.session.get(CompensationChoice, person.id).opted_in is True
        [need] = db.session.scalars(select(Accommodation)).all()
        assert need.needs == ["interpretation"]


def test_the_french_ledger_calls_an_expense_proof_a_receipt(app, client, forums_open, make_forum, policy, login):
    _approved_world(app, client, forums_open, make_forum, login)
    page = client.get(f"{STAFF}/compensation/ledger", query_string={"lang": "fr"}).get_data(as_text=True)
    assert '<th scope="col">Reçu</th>' in page and "Accusé de réception" not in page


def test_my_data_holds_the_invitations_help_compensation_and_pool(app, client, forums_open, make_forum, policy,
                                                                   login):
    import json
    import zipfile

    from consult.partners import access
    from consult.privacy.services import my_data_token

    forum_id = make_forum()
    sign_up(client, forums_open, forum_id, compensation="yes", accommodations=["captions"],
            accommodation_other="Rampe d'accès")
    ana = participant_of(app)
    assert _claim(client, personal_url(app, ana), description="Stationnement CHUM").status_code == 303
    with app.app_context():
        invited_to = db.session.get(Forum, make_forum("Invitation session"))
        access.set_mode(invited_to, "invitation", None)
        access.invite(invited_to, ["ana@example.org"], None, "fr")
        db.session.commit()
    with app.test_request_context():
        token = my_data_token(db.session.get(Participant, ana))
    visitor = app.test_client()
    page = html.unescape(visitor.get(f"/my-data/{token}", query_string={"lang": "en"}).get_data(as_text=True))
    support = re.search(r'<section id="support".*?</section>', page, re.S)[0]
    assert "Invitation session" in support and "invited on" in support
    assert "Captions — Rampe d'accès" in support
    assert "You wish to be compensated." in support and "Stationnement CHUM" in support and "12.50" in support
    assert "You are in the organization's pool of partners" in support
    archive = zipfile.ZipFile(io.BytesIO(visitor.get(f"/my-data/{token}/download").data))
    data = json.loads(archive.read("data.json"))
    assert [item["session"] for item in data["session_invitations"]] == ["Invitation session"]  # the page's language
    assert data["accommodations"][0]["other"] == "Rampe d'accès"
    assert data["compensation"]["wished"] is True
    assert data["compensation"]["amounts"][0]["amount"] == "12.50"
    assert data["compensation"]["amounts"][0]["description"] == "Stationnement CHUM"
    assert data["pool_of_partners"]["status"] in ("linked", "proposed")
