"""Personal links whose token does not stay in the address bar, the history or the access logs.

A participant's link carries a signed token in its path (/registrations/<token>, /questionnaire/<token>/,
/my-data/<token>, a submission draft...). The first visit with the token exchanges it for a short-lived,
HttpOnly cookie and redirects to the same address with, in place of the token, "~" and a short key that
names that cookie. Later pages and forms use that address; the views see the real token as before (it is
put back from the cookie before they run). Links in emails are built with the token, and keep working.

The calendar file (.ics) is downloaded by the browser, which follows the exchange like any page; emails
attach the file itself. No endpoint needs its token kept in the address for now (KEEP_TOKEN_ENDPOINTS).
"""
import hashlib

from flask import current_app, g, redirect, request

PLACEHOLDER = "~"
COOKIE_PREFIX = "link-"
KEEP_TOKEN_ENDPOINTS: frozenset[str] = frozenset()
# Marks a URL built for an email (mail/urls.py): it must carry the token itself.
EMAIL_LINK = "_email_link"


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def _enabled() -> bool:
    return bool(current_app.config.get("PERSONAL_LINK_COOKIES", True))


def _exchangeable(endpoint: str | None, token) -> bool:
    return (isinstance(token, str) and bool(token) and not token.startswith(PLACEHOLDER)
            and endpoint not in KEEP_TOKEN_ENDPOINTS)


def _resolve(endpoint, values):
    """Before the view: "~key" becomes the token kept in the cookie of that key (or stays, and fails as an
    invalid link when the cookie has expired); a real token on a GET is noted for the exchange."""
    if not values or "token" not in values or not _enabled():
        return
    token = values["token"]
    if isinstance(token, str) and token.startswith(PLACEHOLDER):
        kept = request.cookies.get(COOKIE_PREFIX + token[1:])
        if kept and _key(kept) == token[1:]:
            values["token"] = kept
            g.personal_tokens = {**g.get("personal_tokens", {}), _key(kept): kept}
        else:
            g.personal_link_lost = True
    elif request.method == "GET" and _exchangeable(endpoint, token):
        g.exchange_token = token


def _exchange():
    """A GET with the token in its path: the cookie, and the same address without the token."""
    token = g.pop("exchange_token", None)
    if token is None:
        return None
    query = request.query_string.decode()
    target = request.path.replace(token, PLACEHOLDER + _key(token)) + (f"?{query}" if query else "")
    g.personal_tokens = {**g.get("personal_tokens", {}), _key(token): token}
    return redirect(target, code=303)


def _hide_token(endpoint, values):
    """Links and form actions built in a page carry the placeholder; the cookie is set with the response."""
    email = values.pop(EMAIL_LINK, False)
    token = values.get("token")
    if email or not _enabled() or not _exchangeable(endpoint, token) or not request:
        return
    g.personal_tokens = {**g.get("personal_tokens", {}), _key(token): token}
    values["token"] = PLACEHOLDER + _key(token)


def _set_cookies(response):
    # Set again on every response that uses it: the cookie's life runs from the person's last request,
    # not from their first (someone typing through an afternoon keeps their page).
    for key, token in g.get("personal_tokens", {}).items():
        response.set_cookie(COOKIE_PREFIX + key, token, max_age=current_app.config["PERSONAL_LINK_COOKIE_SECONDS"],
                            httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


# Fields a personal page's forms post that nobody typed: the token, digests, buttons, returns.
_NOT_TYPED = ("csrf_token", "go", "back", "next", "version")


def typed_back() -> list[str]:
    """What a form posted to a personal page whose cookie this browser no longer holds (a page left open
    longer than the cookie lives): the texts typed in it, shown on the link's error page to be copied,
    since nothing could be saved. Choices (short codes) and the form's own fields are left out."""
    if request.method != "POST" or not g.get("personal_link_lost"):
        return []
    texts = []
    for name, value in request.form.items(multi=True):
        value = value.strip()
        if name in _NOT_TYPED or name.startswith("b-") or len(value) < 3 or value.isdigit() or value in texts:
            continue
        texts.append(value)
    return texts


def init_app(app):
    app.url_value_preprocessor(_resolve)
    app.before_request(_exchange)
    app.url_defaults(_hide_token)
    app.after_request(_set_cookies)
    app.add_template_global(typed_back)
