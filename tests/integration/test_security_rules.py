"""Security rules that hold across the whole site: headers and a strict CSP on every response, the role
matrix of every staff route that changes something, rate limits on every public form, personal links
(single-purpose, expiring, unguessable, never telling whether an address is known), no session
fixation, and search input that cannot alter SQL."""
import base64
import hashlib
import re

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from consult import tokens
from consult.models import ROLES
from consult.permissions import roles_with
from tests.conftest import STAFF_PASSWORD, csrf_token_from, submit_form
from tests.privacy_data import ALICE, database_snapshot, routes_with_urls

SLUG = "politique-premiere-ligne-2025"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PURPOSES = ("registration", "questionnaire", "submission", "my-data")


def signed_in(app, make_staff, roles, email):
    client = app.test_client()
    make_staff(email, list(roles))
    response = submit_form(client, "/staff/login", {"email": email, "password": STAFF_PASSWORD})
    assert response.status_code == 303
    return client


# -- headers and CSP ------------------------------------------------------------------------------

def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_strict_headers(response, where):
    headers = response.headers
    policy = directives(headers.get("Content-Security-Policy", ""))
    assert policy, f"no CSP on {where}"
    assert policy.get("default-src") in (["'self'"], ["'none'"]), where
    for name in ("script-src", "style-src", "default-src"):
        sources = policy.get(name, policy["default-src"])
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(sources), (where, name)
    assert policy.get("object-src") == ["'none'"] or policy["default-src"] == ["'none'"], where
    assert policy.get("frame-ancestors") == ["'none'"] or "sandbox" in policy, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer"), where
    assert "camera=()" in headers.get("Permissions-Policy", ""), where


def test_every_response_carries_the_security_headers(app, client, make_staff, world, monkeypatch):
    values, link_tokens = world
    staff = signed_in(app, make_staff, ROLES, "all-roles@example.org")
    checked = 0
    for rule, url in routes_with_urls(app, values, link_tokens):
        if "GET" not in rule.methods:
            continue
        for who in (client, staff):
            response = who.get(url)
            assert_strict_headers(response, f"{url} ({response.status_code})")
            if response.status_code == 200 and "token" in rule.arguments:
                # A personal link is in the address: never cached, never sent on to another site.
                assert response.headers.get("Cache-Control") == "no-store", url
                assert response.headers.get("Referrer-Policy") == "no-referrer", url
            if response.status_code == 200 and url.startswith("/staff/"):
                assert "no-store" in response.headers.get("Cache-Control", ""), url
            checked += 1
    assert checked > 60

    # Errors of every kind, JSON, files.
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    others = {
        "404": client.get("/nowhere"),
        "405": client.get("/staff/logout"),
        "400 CSRF": client.post(f"/consultations/{SLUG}/my-data"),
        "JSON": client.get("/healthz"),
        "static": client.get("/static/css/app.css"),
        "HEAD": client.head(f"/consultations/{SLUG}/"),
    }
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1 per minute")
    for _attempt in range(2):
        others["429"] = client.post("/staff/login", data={"csrf_token": token, "email": "x@example.org",
                                                          "password": "wrong"})
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "public.home", lambda: 1 / 0)
    others["500"] = client.get("/")
    assert [others[name].status_code for name in ("404", "405", "400 CSRF", "429", "500")] == [404, 405, 400, 429, 500]
    for name, response in others.items():
        assert_strict_headers(response, name)


# -- who may change what --------------------------------------------------------------------------

def staff_changing_routes(app, values, link_tokens):
    for rule, url in routes_with_urls(app, values, link_tokens):
        if not (rule.methods & UNSAFE) or not url.startswith("/staff/") or rule.endpoint == "auth.login":
            continue
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        if roles is None and getattr(view, "required_permission", None):
            roles = tuple(roles_with(view.required_permission))
        yield rule, url, roles


def test_staff_routes_that_change_something_send_anonymous_visitors_to_sign_in(app, client, world):
    values, link_tokens = world
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    with app.app_context():
        before = database_snapshot()
    for _rule, url, _roles in staff_changing_routes(app, values, link_tokens):
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code in (302, 401), url
        assert response.headers["Location"].startswith("/staff/login"), url
    with app.app_context():
        assert database_snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_staff_routes_that_change_something_refuse_the_wrong_role(app, make_staff, world, role):
    values, link_tokens = world
    client = signed_in(app, make_staff, [role], f"{role}@example.org")
    token = csrf_token_from(client.get("/staff/").get_data(as_text=True))
    with app.app_context():
        before = database_snapshot()
    refused = 0
    for rule, url, roles in staff_changing_routes(app, values, link_tokens):
        if roles is None and rule.endpoint not in ("auth.logout", "auth.change_password"):
            pytest.fail(f"{rule.endpoint} changes something without declaring its roles")
        if not roles or role in roles:
            continue
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 403, (role, url, response.status_code)
        refused += 1
    assert refused or role == "admin"
    with app.app_context():
        assert database_snapshot() == before


# -- rate limits ----------------------------------------------------------------------------------

def test_every_public_form_and_the_sign_in_are_rate_limited(app, client, demo, monkeypatch):
    for name in [key for key in app.config if key.endswith("_RATE_LIMIT")]:
        monkeypatch.setitem(app.config, name, "2 per minute")
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    unlimited = []
    for rule, url in routes_with_urls(app, {"slug": demo}, {}):
        if not (rule.methods & UNSAFE) or (url.startswith("/staff/") and rule.endpoint != "auth.login"):
            continue
        statuses = [client.post(url, data={"csrf_token": token}).status_code for _attempt in range(3)]
        if statuses[-1] != 429:
            unlimited.append((rule.endpoint, statuses))
    assert not unlimited, f"public forms without a rate limit: {unlimited}"


def test_link_requests_are_limited_with_the_default_settings(app, client, demo):
    page = f"/consultations/{SLUG}/my-data"
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    limit = int(app.config["SIGNUP_RATE_LIMIT"].split()[0])
    statuses = [client.post(page, data={"csrf_token": token, "email": f"p{n}@example.org"}).status_code
                for n in range(limit + 1)]
    assert statuses[:limit] == [303] * limit and statuses[-1] == 429
    refused = client.post(page, data={"csrf_token": token, "email": "x@example.org"}, query_string={"lang": "en"})
    assert "Too many attempts" in refused.get_data(as_text=True) and refused.headers.get("Retry-After")


# -- personal links -------------------------------------------------------------------------------

def test_a_link_made_for_one_purpose_opens_nothing_else(app):
    with app.app_context():
        for made_for in PURPOSES:
            token = tokens.make_token(made_for, 7, 1)
            assert tokens.read_token(made_for, token) == (7, 1)
            for other in PURPOSES:
                if other != made_for:
                    with pytest.raises(tokens.LinkError):
                        tokens.read_token(other, token)


def test_links_carry_at_least_128_random_bits_and_are_never_the_same_twice(app):
    with app.app_context():
        made = {tokens.make_token("my-data", 7, 1) for _attempt in range(50)}
        assert len(made) == 50
        serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="consult.my-data",
                                            signer_kwargs={"digest_method": hashlib.sha256})
        nonce = serializer.loads(made.pop())["n"]
        assert len(base64.urlsafe_b64decode(nonce + "=" * (-len(nonce) % 4))) * 8 >= 128


def test_links_expire(app, monkeypatch):
    with app.app_context():
        real = TimestampSigner.get_timestamp
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 181 * 24 * 3600)
        old = tokens.make_token("registration", 7, 1)
        monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
        with pytest.raises(tokens.LinkError) as refused:
            tokens.read_token("registration", old)
        assert refused.value.reason == "expired"


def test_link_requests_answer_the_same_whether_the_address_is_known_or_not(app, client, world):
    from consult.extensions import limiter

    forms = [(f"/consultations/{SLUG}/my-data", f"/consultations/{SLUG}/my-data", {}),
             (f"/consultations/{SLUG}/questionnaire/", f"/consultations/{SLUG}/questionnaire/my-link", {})]
    for page, action, extra in forms:
        answers = []
        for address in (ALICE, "stranger@example.org"):
            limiter.reset()
            response = submit_form(client, page, {"email": address, **extra}, action=action)
            followed = client.get(response.headers["Location"])
            answers.append((response.status_code, response.headers["Location"], response.get_data(),
                            followed.status_code, re.sub(r'value="[^"]+"', "", followed.get_data(as_text=True))))
        assert answers[0] == answers[1], action


# -- sessions -------------------------------------------------------------------------------------

def test_signing_in_issues_a_new_session_and_a_planted_one_is_worthless(app, client, make_staff):
    make_staff("ana@example.org", ["admin"])
    page = client.get("/staff/login")
    planted = client.get_cookie("session").value  # what an attacker could have set in the victim's browser
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = client.get_cookie("session").value
    client.post("/staff/login", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                      "email": "ana@example.org", "password": STAFF_PASSWORD})
    after = client.get_cookie("session").value
    assert after not in (planted, before)
    with client.session_transaction() as session:
        assert "planted" not in session
    attacker = app.test_client()
    attacker.set_cookie("session", before)
    assert attacker.get("/staff/").status_code == 302, "the session the attacker knew is not signed in"
    assert client.get("/staff/").status_code == 200


def test_a_stolen_session_stops_working_when_the_password_changes(app, client, login):
    login(["admin"])
    stolen = client.get_cookie("session").value
    token = csrf_token_from(client.get("/staff/password").get_data(as_text=True))
    response = client.post("/staff/password", data={"csrf_token": token, "current_password": STAFF_PASSWORD,
                                                     "new_password": "another long passphrase",
                                                     "confirm": "another long passphrase"})
    assert response.status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/staff/").status_code == 302


# -- search input ---------------------------------------------------------------------------------

INJECTIONS = ["' OR 1=1 --", "\" OR \"\"=\"", "'; DROP TABLE comment; --",
              "x') UNION SELECT email FROM participant --", "\"unbalanced", "a* OR b NEAR(c", "%_%", "*",
              "comment_search MATCH 'x'"]


def test_search_input_cannot_alter_sql(app, login, world):
    client = login(["analyst", "coordinator", "admin"])
    if "analysis.comments" in app.view_functions:
        url = f"/staff/consultations/{SLUG}/analysis/comments"
    else:
        url = f"/staff/consultations/{SLUG}/submissions/"
    with app.app_context():
        before = database_snapshot()
    for query in INJECTIONS:
        response = client.get(url, query_string={"q": query, "lang": "en"})
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 400), (query, response.status_code)
        assert "J&#39;aime la place" not in html and "Passage du mémoire" not in html, query
        assert "Mémoire d&#39;Alice" not in html and ALICE not in html, query
    with app.app_context():
        assert database_snapshot() == before
    # The same page does find what is really there.
    found = client.get(url, query_string={"q": "infirmières" if "analysis" in url else "Alice"})
    assert found.status_code == 200
    assert "J&#39;aime la place" in found.get_data(as_text=True) or "S-0001" in found.get_data(as_text=True)
