"""Staff sign-in, sign-out and password changes."""
import pytest

from consult.extensions import db
from consult.models import AuditEvent, StaffUser
from tests.conftest import STAFF_PASSWORD, csrf_token_from, submit_form


def sign_in(client, email, password, lang="en"):
    return submit_form(client, f"/staff/login?lang={lang}", {"email": email, "password": password},
                       action="/staff/login")


def test_staff_member_signs_in_and_sees_the_dashboard(client, make_staff, demo):
    make_staff("ana@example.org", ["analyst"])
    response = sign_in(client, "Ana@Example.org ", STAFF_PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/staff/"
    html = client.get("/staff/").get_data(as_text=True)
    assert "ana@example.org" in html
    assert "politique-premiere-ligne-2025" in html


def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_staff):
    make_staff("ana@example.org", ["analyst"])
    wrong_password = sign_in(client, "ana@example.org", "not the password")
    unknown_email = sign_in(client, "nobody@example.org", STAFF_PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "The email address or the password is incorrect."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_email.get_data(as_text=True)
    # The email typed is kept; the password never comes back.
    assert 'value="ana@example.org"' in wrong_password.get_data(as_text=True)
    assert "not the password" not in wrong_password.get_data(as_text=True)


def test_empty_fields_are_explained_next_to_them(client):
    response = sign_in(client, "", "")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in html and "Enter your email address." in html
    assert 'aria-describedby="email-error"' in html and 'aria-invalid="true"' in html
    assert 'href="#password"' in html


def test_sign_in_is_rate_limited(client, make_staff):
    make_staff("ana@example.org", ["analyst"])
    statuses = [sign_in(client, "ana@example.org", "wrong").status_code for _ in range(11)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    # Even the right password waits until the window has passed.
    assert sign_in(client, "ana@example.org", STAFF_PASSWORD).status_code == 429


def test_a_new_session_is_issued_at_sign_in(client, make_staff, app):
    make_staff("ana@example.org", ["analyst"])
    page = client.get("/staff/login")
    token = csrf_token_from(page.get_data(as_text=True))
    before = client.get_cookie("session").value
    client.post("/staff/login", data={"csrf_token": token, "email": "ana@example.org", "password": STAFF_PASSWORD})
    after = client.get_cookie("session").value
    assert before != after
    # The pre-login CSRF token no longer works: the session was replaced.
    response = client.post("/staff/logout", data={"csrf_token": token})
    assert response.status_code == 400 and client.get("/staff/").status_code == 200


def test_next_only_goes_to_this_site(client, make_staff):
    make_staff("ana@example.org", ["analyst"])
    for target, expected in [("https://evil.example/", "/staff/"), ("//evil.example/x", "/staff/"),
                             ("/staff/?x=1", "/staff/?x=1")]:
        client.get("/")  # fresh
        page = client.get("/staff/login", query_string={"next": target})
        token = csrf_token_from(page.get_data(as_text=True))
        response = client.post("/staff/login", data={"csrf_token": token, "email": "ana@example.org",
                                                     "password": STAFF_PASSWORD, "next": target})
        assert response.headers["Location"] == expected
        client.post("/staff/logout", data={"csrf_token": csrf_token_from(client.get("/staff/").get_data(as_text=True))})


def test_sign_out_needs_a_post_with_csrf(login):
    client = login(["analyst"])
    assert client.get("/staff/logout").status_code == 405
    refused = client.post("/staff/logout?lang=en", data={})
    assert refused.status_code == 400
    assert "The form had expired" in refused.get_data(as_text=True)
    assert client.get("/staff/").status_code == 200  # still signed in
    token = csrf_token_from(client.get("/staff/").get_data(as_text=True))
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/staff/").status_code == 302


def test_change_password_signs_out_other_browsers(app, login, make_staff):
    client = login(["analyst"], email="ana@example.org")
    other = app.test_client()
    assert sign_in(other, "ana@example.org", STAFF_PASSWORD).status_code == 303

    wrong = submit_form(client, "/staff/password?lang=en", {
        "current_password": "nope", "new_password": "a brand new passphrase", "confirm": "a brand new passphrase",
    }, action="/staff/password")
    assert wrong.status_code == 422 and "The current password is incorrect." in wrong.get_data(as_text=True)

    mismatch = submit_form(client, "/staff/password?lang=en", {
        "current_password": STAFF_PASSWORD, "new_password": "a brand new passphrase", "confirm": "different",
    }, action="/staff/password")
    assert mismatch.status_code == 422 and "The two new passwords are different." in mismatch.get_data(as_text=True)

    short = submit_form(client, "/staff/password?lang=en", {
        "current_password": STAFF_PASSWORD, "new_password": "short", "confirm": "short",
    }, action="/staff/password")
    assert short.status_code == 422 and "at least 12 characters" in short.get_data(as_text=True)

    done = submit_form(client, "/staff/password", {
        "current_password": STAFF_PASSWORD, "new_password": "a brand new passphrase",
        "confirm": "a brand new passphrase",
    })
    assert done.status_code == 303
    assert client.get("/staff/").status_code == 200  # this browser stays signed in
    assert other.get("/staff/").status_code == 302  # the other one is signed out
    fresh = app.test_client()
    assert sign_in(fresh, "ana@example.org", STAFF_PASSWORD).status_code == 422
    assert sign_in(fresh, "ana@example.org", "a brand new passphrase").status_code == 303
    with app.app_context():
        actions = {event.action for event in db.session.query(AuditEvent)}
        assert {"staff.login", "staff.password_change"} <= actions


def test_passwords_are_stored_as_argon2_hashes(app, make_staff):
    make_staff("ana@example.org", ["analyst"])
    with app.app_context():
        stored = db.session.query(StaffUser).one().password_hash
    assert stored.startswith("$argon2id$") and STAFF_PASSWORD not in stored


def test_only_the_testing_environment_hashes_at_the_lowest_cost(app, tmp_path):
    from flask import Flask

    from consult.auth.passwords import hash_password, needs_rehash, verify_password

    with app.app_context():
        cheap = hash_password(STAFF_PASSWORD)
    production = Flask("production")
    production.config.update(CONSULT_ENV="production")
    with production.app_context():
        full = hash_password(STAFF_PASSWORD)
        assert verify_password(full, STAFF_PASSWORD) and not needs_rehash(full)
        # A hash made at the testing cost would be strengthened at the next sign-in.
        assert needs_rehash(cheap)
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert full.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_disabled_account_cannot_sign_in(app, client, make_staff):
    make_staff("ana@example.org", ["analyst"])
    with app.app_context():
        db.session.query(StaffUser).one().active = False
        db.session.commit()
    assert sign_in(client, "ana@example.org", STAFF_PASSWORD).status_code == 422


@pytest.mark.parametrize("env", ["production"])
def test_cookies_are_secure_httponly_and_lax_outside_development(env, tmp_path, monkeypatch):
    from consult import create_app

    monkeypatch.setenv("CONSULT_ENV", env)
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    client = app.test_client()
    response = client.get("/staff/login?lang=en")
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(cookie for cookie in cookies if cookie.startswith("session="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    lang_cookie = next(cookie for cookie in cookies if cookie.startswith("lang="))
    assert "Secure" in lang_cookie
    assert "Strict-Transport-Security" in response.headers
