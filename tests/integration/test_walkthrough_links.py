"""Personal links: the token is exchanged for a short-lived cookie on the first visit, and no later address
carries it (access logs, browser history, the Referer of an outgoing link); links in emails keep it."""
# ruff: noqa: F811  (pytest fixtures imported from the forum sign-up tests are parameters here)
import re

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.mail.rendering import render
from consult.models import OutboxMessage
from tests.conftest import csrf_token_from
from tests.integration.test_forum_signup import en, forums_open, make_forum, sign_up  # noqa: F401
from tests.integration.test_questionnaire import open_questionnaire, started  # noqa: F401


@pytest.fixture(autouse=True)
def link_cookies(app, monkeypatch):
    monkeypatch.setitem(app.config, "PERSONAL_LINK_COOKIES", True)


def emailed_link(app, to="ana@example.org", pattern=r"https?://[^/\s]+(/registrations/[^\s?]+)(\?\S*)?"):
    with app.app_context():
        body = render(db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == to)
                                        .order_by(OutboxMessage.id))).body_text
    match = re.search(pattern, body)
    return match.group(1), match.group(2) or ""


def test_a_personal_link_ends_on_an_address_without_its_token(app, en, forums_open, make_forum):
    forum = make_forum(recorded=False)
    assert sign_up(en, forums_open, forum).status_code == 303
    path, query = emailed_link(app)  # the email carries the token: it must keep working
    token = path.rsplit("/", 1)[1]
    assert len(token) > 40 and not token.startswith("~")

    visitor = app.test_client()
    first = visitor.get(path + query)
    assert first.status_code == 303
    final = first.headers["Location"]
    assert token not in final and re.fullmatch(r"/registrations/~[0-9a-f]{16}\?lang=fr", final)
    cookie = first.headers["Set-Cookie"]
    assert token in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie

    page = visitor.get(final)
    assert page.status_code == 200
    # Each page that uses the link sets its cookie again: its life runs from the last request.
    renewed = page.headers.get("Set-Cookie", "")
    assert renewed.startswith("link-") and token in renewed and "Max-Age=" in renewed
    html = page.get_data(as_text=True)
    assert token not in html  # links and forms of the page use the address without the token
    cancel = re.search(r'href="(/registrations/~[0-9a-f]{16}/cancel)"', html).group(1)
    form = visitor.get(cancel)
    assert form.status_code == 200 and token not in form.get_data(as_text=True)
    done = visitor.post(cancel, data={"csrf_token": csrf_token_from(form.get_data(as_text=True))})
    assert done.status_code == 303 and token not in done.headers["Location"]
    assert "annulée" in visitor.get(done.headers["Location"]).get_data(as_text=True)

    # Without the cookie (another browser, or once it expired), the address without the token opens nothing.
    assert app.test_client().get(final).status_code == 404


@pytest.mark.parametrize("area", ["questionnaire", "my-data"])
def test_every_personal_link_area_exchanges_its_token(app, area):
    from consult.tokens import make_token

    # A token that names nothing still goes through the exchange, then fails as any unknown link does.
    with app.app_context():
        token = make_token("anything", 424242)
    path = {"questionnaire": f"/questionnaire/{token}/", "my-data": f"/my-data/{token}"}[area]
    client = app.test_client()
    first = client.get(path)
    assert first.status_code == 303 and token not in first.headers["Location"]
    assert client.get(first.headers["Location"]).status_code in (404, 410)


def test_a_submission_draft_link_is_exchanged_too(app):
    from consult.tokens import make_token

    with app.app_context():
        token = make_token("submission", 424242)
    first = app.test_client().get(f"/consultations/any/submissions/draft/{token}")
    assert first.status_code == 303 and token not in first.headers["Location"]


def test_the_calendar_file_downloads_through_the_exchange(app, en, forums_open, make_forum):
    forum = make_forum()
    sign_up(en, forums_open, forum)
    path, _query = emailed_link(app)
    response = app.test_client().get(path + "/invitation.ics", follow_redirects=True)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/calendar")
    assert path.rsplit("/", 1)[1] not in response.request.path


def test_a_form_posted_after_the_link_left_the_browser_shows_what_was_typed(app, en, forums_open, make_forum):
    """A page left open longer than the cookie lives: its form reaches an address that no longer opens
    anything, and the page that says so gives back the text typed, to copy (nothing could be saved)."""
    forum = make_forum(recorded=False)
    assert sign_up(en, forums_open, forum).status_code == 303
    path, query = emailed_link(app)
    visitor = app.test_client()
    first = visitor.get(path + query)
    final, cookie = first.headers["Location"], first.headers["Set-Cookie"].split("=", 1)[0]
    cancel = re.search(r'href="(/registrations/~[0-9a-f]{16}/cancel)"', visitor.get(final).get_data(as_text=True))
    form = visitor.get(cancel.group(1) + "?lang=en").get_data(as_text=True)
    visitor.delete_cookie(cookie)  # hours later: the browser dropped the link's cookie, not its session
    lost = visitor.post(cancel.group(1) + "?lang=en", data={
        "csrf_token": csrf_token_from(form), "reason": "Un long texte à ne pas perdre\navec deux lignes.", "go": "x"})
    html = lost.get_data(as_text=True)
    assert lost.status_code == 404, html[:300]
    assert "What you typed could not be saved" in html
    assert '<div class="typed-text">Un long texte à ne pas perdre\navec deux lignes.</div>' in html
    # The same address opened (not posted) without the cookie says only that the link does not work.
    assert "What you typed" not in visitor.get(cancel.group(1) + "?lang=en").get_data(as_text=True)


def test_send_me_a_link_from_a_page_opened_without_its_token_returns_to_that_page(app, en, open_questionnaire):
    """The button posts the page's own address, which names the link by its "~key": that is where the
    person comes back to, not the questionnaire's first page."""
    token = started(en, open_questionnaire)
    page = en.get(f"/questionnaire/{token}/review").headers["Location"]
    assert re.fullmatch(r"/questionnaire/~[0-9a-f]{16}/review", page), page
    html = en.get(page).get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+/send-link)"', html).group(1)
    back = re.search(r'name="back" value="([^"]+)"', html).group(1)
    response = en.post(action, data={"csrf_token": csrf_token_from(html), "back": back})
    assert response.status_code == 303 and response.headers["Location"] == page
