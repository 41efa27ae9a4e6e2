"""Administrators invite staff, give roles in every consultation or in one, deactivate and send reset links."""
import re

from sqlalchemy import select

from consult.admin import staff_accounts
from consult.extensions import db
from consult.mail.delivery import deliver_pending
from consult.models import AuditEvent, StaffUser
from consult.structure.importer import import_structure
from tests.conftest import STAFF_PASSWORD, csrf_token_from, minimal_document, submit_form

INVITE = "/staff/accounts/invite?lang=en"
NEW_PASSWORD = "a long and new pass phrase"


def _link_from(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://[^\s]+/account/(?:welcome|reset)/[^\s?]+", body).group(0)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _second_consultation(app):
    with app.app_context():
        import_structure(minimal_document(slug="other", title={"fr": "Autre", "en": "Other"}), source="test")
        db.session.commit()
        from consult.models import Consultation
        return db.session.scalar(select(Consultation.id).where(Consultation.slug == "other"))


def test_an_invited_analyst_of_one_consultation_signs_in_through_the_emailed_link_and_sees_no_other(
        app, login, client, demo, smtp_server):
    other_id = _second_consultation(app)
    login(["admin"])
    response = submit_form(client, INVITE, {"email": "New.Analyst@Example.org", "name": "Nadia", "language": "en",
                                            "scoped_roles": [f"analyst:{other_id}"]})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        deliver_pending()
    [message] = smtp_server.to("new.analyst@example.org")
    assert "invited" in message["Subject"]
    link = _link_from(message)
    client.post("/staff/logout", data={"csrf_token": csrf_token_from(client.get("/staff/").get_data(as_text=True))})
    page = client.get(_path(link))
    assert page.status_code == 200 and "new.analyst@example.org" in page.get_data(as_text=True)
    done = submit_form(client, _path(link), {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    dashboard = client.get("/staff/?lang=en").get_data(as_text=True)
    assert "/staff/consultations/other/" in dashboard and demo not in dashboard
    assert client.get("/staff/consultations/other/analysis/?lang=en").status_code == 200
    assert client.get(f"/staff/consultations/{demo}/analysis/").status_code == 404
    assert client.get(f"/staff/consultations/{demo}/").status_code == 404
    assert client.get("/staff/consultations/other/questionnaire/").status_code == 403  # not an organizer there
    # The link works once.
    assert client.get(_path(link)).status_code == 404
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == "new.analyst@example.org"))
        assert user.last_login_at is not None
        actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))))
        assert "staff.invite" in actions and "staff.invitation_accepted" in actions


def test_inviting_an_address_already_on_staff_is_refused_with_what_was_typed_kept(app, login, client, make_staff):
    make_staff("known@example.org", ["analyst"])
    login(["admin"])
    response = submit_form(client, INVITE, {"email": "Known@example.org", "name": "Typed name", "language": "en",
                                            "site_roles": ["coordinator"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "known@example.org already has a staff account" in html
    assert 'value="Typed name"' in html
    assert 'checked id="site_roles-3" name="site_roles" type="checkbox" value="coordinator"' in html
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == "known@example.org"))
        assert user.roles == {"analyst"}


def test_an_invitation_without_a_role_is_refused(login, client):
    login(["admin"])
    response = submit_form(client, INVITE, {"email": "x@example.org", "language": "en"})
    assert response.status_code == 422
    assert "Choose at least one role" in response.get_data(as_text=True)


def test_an_expired_set_password_link_says_so(app, login, client, monkeypatch):
    login(["admin"])
    submit_form(client, INVITE, {"email": "late@example.org", "language": "en", "site_roles": ["analyst"]})
    with app.app_context(), app.test_request_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == "late@example.org"))
        from consult import tokens
        token = tokens.make_token(staff_accounts.INVITE_PURPOSE, user.id, staff_accounts._link_version(user))
    monkeypatch.setattr(staff_accounts, "MAX_AGES", {staff_accounts.INVITE_PURPOSE: -1,
                                                     staff_accounts.RESET_PURPOSE: -1})  # every link is too old
    response = client.get(f"/account/welcome/{token}?lang=en")
    assert response.status_code == 410
    assert "The link has expired." in response.get_data(as_text=True)


def test_deactivated_accounts_are_signed_out_and_cannot_sign_in_until_reactivated(app, login, client, make_staff):
    user_id = make_staff("leaving@example.org", ["analyst"])
    login(["admin"])
    page = f"/staff/accounts/{user_id}?lang=en"
    assert submit_form(client, page, {}, action=f"/staff/accounts/{user_id}/deactivate").status_code == 303
    other = app.test_client()
    failed = submit_form(other, "/staff/login", {"email": "leaving@example.org", "password": STAFF_PASSWORD})
    assert failed.status_code == 422
    assert submit_form(client, page, {}, action=f"/staff/accounts/{user_id}/reactivate").status_code == 303
    ok = submit_form(other, "/staff/login", {"email": "leaving@example.org", "password": STAFF_PASSWORD})
    assert ok.status_code == 303
    listing = client.get("/staff/accounts/?lang=en").get_data(as_text=True)
    assert "leaving@example.org" in listing and "Never" not in listing.split("leaving@example.org")[1][:600]


def test_an_administrator_cannot_lock_themselves_out(app, login, client):
    login(["admin"])
    with app.app_context():
        me = db.session.scalar(select(StaffUser).where(StaffUser.email == "admin@example.org"))
    response = submit_form(client, f"/staff/accounts/{me.id}?lang=en", {"site_roles": ["analyst"]})
    assert response.status_code == 422
    assert "You cannot take the administrator role away from your own account." in response.get_data(as_text=True)


def test_a_reset_link_lets_the_person_choose_a_new_password(app, login, client, make_staff, smtp_server):
    user_id = make_staff("forgot@example.org", ["coordinator"])
    login(["admin"])
    assert submit_form(client, f"/staff/accounts/{user_id}?lang=en", {},
                       action=f"/staff/accounts/{user_id}/reset").status_code == 303
    with app.app_context():
        deliver_pending()
    link = _link_from(smtp_server.to("forgot@example.org")[0])
    other = app.test_client()
    assert submit_form(other, _path(link), {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303
    assert submit_form(app.test_client(), "/staff/login",
                       {"email": "forgot@example.org", "password": NEW_PASSWORD}).status_code == 303


def test_only_administrators_manage_staff(login, client):
    login(["coordinator"])
    assert client.get("/staff/accounts/").status_code == 403
    assert client.get(INVITE).status_code == 403
