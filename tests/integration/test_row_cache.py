"""The rows of the analysis lists are kept per worker and used again: what an analyst sees is the same
bytes as a fresh rendering, with their own form token and way back, and any change to what a row shows
shows at once."""
import re
from html import unescape

from sqlalchemy import select, update

from consult.extensions import db
from consult.models import Code, Participant
from tests.conftest import STAFF_PASSWORD, csrf_token_from, submit_form
from tests.integration.test_analysis_coding import BASE, HTMX, codes_of, to_code  # noqa: F401

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def comment_list(html: str) -> str:
    """The page's list, its form tokens checked to be the page's own and then left out (a token is signed
    with the second it was made in)."""
    found = html[html.index('<ol class="comment-list"'):html.index("</ol>", html.index('<ol class="comment-list"'))]
    assert set(TOKEN.findall(found)) == {csrf_token_from(html)}
    return TOKEN.sub("csrf", found)


def row_of(html: str, comment_id: int) -> str:
    start = html.index(f'<article class="comment" id="comment-{comment_id}"')
    return html[start:html.index("</article>", start)]


def kept_rows(app) -> int:
    found = app.extensions.get("row_cache")
    return len(found[0]) if found else 0


def test_a_kept_row_is_the_same_as_a_fresh_one(app, login, to_code, monkeypatch):  # noqa: F811
    client = login(["analyst"])
    listing = f"{BASE}/topics/{to_code['topic']}?lang=en&sort=oldest&track=ca"
    kept = kept_rows(app)
    first = comment_list(client.get(listing).get_data(as_text=True))
    assert kept_rows(app) == kept + 2
    again = comment_list(client.get(listing).get_data(as_text=True))
    monkeypatch.setitem(app.extensions, "row_cache", None)  # none kept: every row rendered afresh
    fresh = comment_list(client.get(listing).get_data(as_text=True))
    assert first == again == fresh
    # The way back is the list being shown, in the form and in the link to the other actions.
    assert 'name="next" value="/staff/consultations/politique-premiere-ligne-2025/analysis/topics/' in first
    assert "next=/staff/consultations/" in unescape(first) and "?lang%3Den%26sort%3Doldest%26track%3Dca" in first


def test_each_list_and_each_analyst_get_their_own_way_back_and_token(app, login, make_staff, to_code):  # noqa: F811
    client = login(["analyst"])
    by_track = f"{BASE}/topics/{to_code['topic']}?lang=en&track=ca"
    oldest = f"{BASE}/topics/{to_code['topic']}?lang=en&track=ca&sort=oldest"
    client.get(by_track)
    row = row_of(client.get(oldest).get_data(as_text=True), to_code["ca"])
    assert f'name="next" value="{oldest.replace("&", "&amp;")}"' in row
    assert "sort%3Doldest" in row

    make_staff("second@example.org", ["analyst"])
    other = app.test_client()
    assert submit_form(other, "/staff/login", {"email": "second@example.org", "password": STAFF_PASSWORD}) \
        .status_code == 303
    html = other.get(by_track).get_data(as_text=True)
    row = row_of(html, to_code["ca"])
    token = re.search(r'name="csrf_token" value="([^"]+)"', row).group(1)
    assert token == csrf_token_from(html)  # the page's own token, not the first analyst's
    assert token not in client.get(by_track).get_data(as_text=True)
    # The kept row's form works for the second analyst.
    action = unescape(re.search(r'<form method="post" action="([^"]+)"', row).group(1))
    revision = re.search(r'name="revision" value="(\d+)"', row).group(1)
    response = other.post(action, data={"csrf_token": token, "revision": revision, "next": by_track,
                                        "code_id": to_code["PRECISER"]}, headers=HTMX)
    assert response.status_code == 200
    assert codes_of(app, to_code["ca"]) == {"PRECISER"}


def test_what_a_row_shows_changes_at_once(app, login, to_code):  # noqa: F811
    client = login(["analyst"])
    listing = f"{BASE}/topics/{to_code['topic']}?lang=en&track=ca"
    row = row_of(client.get(listing).get_data(as_text=True), to_code["ca"])
    assert re.search(rf'value="{to_code["PRECISER"]}" class="code-button" aria-pressed="false"', row)
    assert "Alberta" in row

    # A code applied elsewhere (another worker, another host): the comment's revision and codes are new.
    token = csrf_token_from(client.get(listing).get_data(as_text=True))
    client.post(f"{BASE}/comments/{to_code['ca']}/codes?lang=en", headers=HTMX, data={
        "csrf_token": token, "revision": "1", "code_id": to_code["PRECISER"]})
    row = row_of(client.get(listing).get_data(as_text=True), to_code["ca"])
    assert re.search(rf'value="{to_code["PRECISER"]}" class="code-button" aria-pressed="true"', row)

    # A code renamed (the lists' stamp), a person's province corrected, the language of the page.
    with app.app_context():
        code = db.session.get(Code, to_code["PRECISER"])
        code.label_en = "Make clearer"
        db.session.execute(update(Participant).where(Participant.email == "ab@example.org").values(region="MB"))
        db.session.commit()
    row = row_of(client.get(listing).get_data(as_text=True), to_code["ca"])
    assert "Make clearer" in row and "Manitoba" in row and "Alberta" not in row
    french = row_of(client.get(listing.replace("lang=en", "lang=fr")).get_data(as_text=True), to_code["ca"])
    assert "Manitoba" in french and "Questionnaire" in french and "Langue" in french
    with app.app_context():
        assert db.session.scalar(select(Participant.region).where(Participant.email == "ab@example.org")) == "MB"


def test_without_a_form_token_rows_are_rendered_afresh_and_not_kept(app, login, to_code, monkeypatch):  # noqa: F811
    from consult.analysis import row_cache

    client = login(["analyst"])
    listing = f"{BASE}/topics/{to_code['topic']}?lang=en&sort=oldest"
    expected = comment_list(client.get(listing).get_data(as_text=True))
    monkeypatch.setitem(app.extensions, "row_cache", None)
    monkeypatch.delitem(app.extensions, "row_cache")  # an empty store, made again on first use
    monkeypatch.setattr(row_cache, "generate_csrf", lambda: "")
    assert comment_list(client.get(listing).get_data(as_text=True)) == expected
    assert kept_rows(app) == 0
