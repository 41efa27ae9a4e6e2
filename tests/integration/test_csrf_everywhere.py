"""Every route that changes something refuses a request without this site's CSRF token.

The routes are read from the URL map, so a route added anywhere is checked without touching this
file. Each is posted to with real ids (the request would act if it passed), signed in with every
role and anonymously, without a token, with a forged one, and with a genuine token of another
session (in the form and in htmx's header); the database and the uploaded files must not change."""

from consult.models import ROLES
from tests.conftest import STAFF_PASSWORD, csrf_token_from, submit_form
from tests.privacy_data import database_snapshot, files_under, routes_with_urls

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def changing_routes(app, values: dict, tokens: dict) -> list[tuple[str, str, str]]:
    """(method, url, endpoint) of every route accepting a method that changes something."""
    return [(method, url, rule.endpoint) for rule, url in routes_with_urls(app, values, tokens)
            for method in sorted((rule.methods or set()) & UNSAFE)]


def signed_in(app, make_staff, roles, email):
    client = app.test_client()
    make_staff(email, roles)
    response = submit_form(client, "/staff/login", {"email": email, "password": STAFF_PASSWORD})
    assert response.status_code == 303
    return client


def test_every_changing_route_refuses_requests_without_this_sessions_csrf_token(app, client, make_staff, world,
                                                                                 uploads_dir):
    values, tokens = world
    routes = changing_routes(app, values, tokens)
    endpoints = {endpoint for _method, _url, endpoint in routes}
    # The routes of every area are there, those added later included.
    assert {"auth.logout", "forums.signup", "questionnaires.autosave", "submissions.new", "privacy.erase",
            "privacy.incident_new", "admin.edit_topic"} <= endpoints
    staff = signed_in(app, make_staff, list(ROLES), "all-roles@example.org")
    other_session = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    with app.app_context():
        before = database_snapshot()
    files_before = files_under(uploads_dir)

    attempts = [
        ({}, {}),
        ({"csrf_token": "forged"}, {}),
        ({"csrf_token": other_session}, {}),
        ({}, {"X-CSRFToken": other_session, "HX-Request": "true"}),
    ]
    refused = []
    for method, url, endpoint in routes:
        for data, headers in attempts:
            for who in (staff, app.test_client()):
                response = who.open(url, method=method, data=data, headers=headers)
                if response.status_code not in (400, 403):
                    refused.append((endpoint, method, url, data, headers, response.status_code))
    assert not refused, f"accepted without a valid CSRF token: {refused}"

    with app.app_context():
        assert database_snapshot() == before, "a request without a valid token changed the database"
    assert files_under(uploads_dir) == files_before
    assert staff.get("/staff/").status_code == 200, "sign-out too needs the token"


def test_the_refusal_is_explained(client, demo):
    response = client.post(f"/consultations/{demo}/my-data", data={"email": "a@example.org"},
                           query_string={"lang": "en"})
    assert response.status_code == 400
    assert "The form had expired or did not come from this site" in response.get_data(as_text=True)
