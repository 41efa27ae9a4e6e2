"""The analysis workspace's reading side, through its pages: the tree with its counts, a topic's
comments, every comment; filters, search, sorting and paging in the URL; htmx fragments; refused
filter values; roles."""
import re
from datetime import datetime, timedelta, timezone
from html import unescape
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import Code, Coding, Participant, StaffUser, Theme
from tests.factories import consultation_of, make_comment, make_participant, topic_of

SLUG = "politique-premiere-ligne-2025"
BASE = f"/staff/consultations/{SLUG}/analysis"
ANALYST = "analyst@example.org"


@pytest.fixture
def workspace(app, demo, login):
    """The demo consultation with a handful of comments across channels, topics and people,
    an analyst signed in (English), and the ids the tests need."""
    client = login(["analyst"], email=ANALYST)
    client.get("/?lang=en")
    with app.app_context():
        consultation = consultation_of(demo)
        analyst = db.session.scalar(select(StaffUser).where(StaffUser.email == ANALYST))
        other = StaffUser(email="second@example.org", name="Second", password_hash="x")
        db.session.add(other)
        ana = make_participant(consultation, "ana@example.org", name="Ana Secret", category="clinician",
                               region="QC", language="fr")
        bob = make_participant(consultation, "bob@example.org", name="Bob Hidden", category="professor",
                               region="ON", language="en")
        eva = make_participant(consultation, "eva@example.org", category="other", region="FRA")
        day = datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc)
        comments = SimpleNamespace(
            teams=make_comment(consultation, "Les équipes de soins infirmiers manquent de temps", topic="1.1",
                               participant=ana, track="qc", prompt="liked", when=day),
            nurses=make_comment(consultation, "Nurses need more support in rural areas", topic="1.1",
                                channel="submission", participant=bob, track="ca", language="en",
                                when=day + timedelta(days=1), needs_review=True),
            money=make_comment(consultation, "Le financement des médecins de famille", topic="4.2",
                               channel="forum", track="qc", when=day + timedelta(days=2)),
            data=make_comment(consultation, "Access to data for research", topic="5.1", channel="interview",
                              language="en", when=day + timedelta(days=3), suggested_at=day,
                              suggestion_score=0.3, suggestion_reviewed=True),
            general=make_comment(consultation, "Commentaire général sur la politique", participant=ana,
                                 when=day + timedelta(days=4), suggested_at=day, suggestion_score=0.8),
            hidden=make_comment(consultation, "Texte masqué hors sujet", topic="1.2", participant=eva,
                                visibility="hidden", when=day + timedelta(days=5)),
            flagged=make_comment(consultation, "Texte signalé à revoir", topic="1.2", participant=eva,
                                 visibility="flagged", when=day + timedelta(days=6)),
        )
        precise = Code(consultation_id=consultation.id, kind="modification", key="PRECISER", label_fr="PRÉCISER",
                       label_en="CLARIFY", position=1)
        modify = Code(consultation_id=consultation.id, kind="modification", key="MODIFIER", label_fr="MODIFIER",
                      label_en="MODIFY", position=2)
        theme = db.session.scalars(select(Theme).where(Theme.topic_id == topic_of(consultation, "1.1").id)
                                   .order_by(Theme.position)).first()
        theme_code = Code(consultation_id=consultation.id, kind="theme", key="T-1.1-1", theme_id=theme.id,
                          label_fr=theme.name_fr, label_en=theme.name_en, position=10)
        db.session.add_all([precise, modify, theme_code])
        db.session.flush()
        db.session.add_all([
            Coding(comment_id=comments.teams.id, code_id=precise.id, coder_id=analyst.id),
            Coding(comment_id=comments.nurses.id, code_id=theme_code.id, coder_id=other.id),
            Coding(comment_id=comments.nurses.id, code_id=modify.id, coder_id=other.id),
            # A second coder's blind coding: never the comment's code, never counted.
            Coding(comment_id=comments.money.id, code_id=modify.id, coder_id=other.id, blind=True),
        ])
        db.session.commit()
        return SimpleNamespace(
            client=client, comment={name: comment.id for name, comment in vars(comments).items()},
            text={name: comment.text for name, comment in vars(comments).items()},
            topic={code: topic_of(consultation, code).id for code in ("1", "1.1", "1.2", "4.2", "G")},
            precise=precise.id, modify=modify.id, theme=theme.id, analyst=analyst.id, other=other.id,
            consultation_id=consultation.id)


def html_of(response) -> str:
    return response.get_data(as_text=True)


def row_cells(html: str, row_id: str) -> list[str]:
    """The text of the cells of the table row with this id (header cell first)."""
    row = re.search(rf'<tr id="{re.escape(row_id)}"[^>]*>(.*?)</tr>', html, re.S)
    assert row, f"no row {row_id}"
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", cell))).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), re.S)]


def headers(html: str) -> list[str]:
    table = re.search(r'<table class="data-table analysis-tree.*?</table>', html, re.S).group(0)
    head = re.search(r"<thead>(.*?)</thead>", table, re.S).group(1)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def counts(html: str, row_id: str) -> dict[str, str]:
    return dict(zip(headers(html), row_cells(html, row_id), strict=True))


def listed(workspace, html: str) -> list[str]:
    """The names of the comments listed, in order."""
    ids = [int(found) for found in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', html)]
    names = {comment_id: name for name, comment_id in workspace.comment.items()}
    return [names[comment_id] for comment_id in ids]


def comments_page(workspace, **args):
    response = workspace.client.get(f"{BASE}/comments", query_string=args)
    assert response.status_code == 200, (args, html_of(response)[:2000])
    return html_of(response)


# -- the tree -------------------------------------------------------------------------------

def test_the_tree_counts_by_channel_and_modification_code(workspace):
    html = html_of(workspace.client.get(f"{BASE}/"))
    assert "Analysis" in html
    orientation = counts(html, f"node-{workspace.topic['1.1']}")
    assert orientation["Comments"] == "2"
    assert (orientation["Questionnaire"], orientation["Written submission"], orientation["Forum"]) == ("1", "1", "0")
    assert (orientation["CLARIFY"], orientation["MODIFY"]) == ("1", "1")
    # The axis holds its orientations' comments: 1.1 (2) and 1.2 (the flagged one; hidden ones are not shown).
    assert counts(html, f"node-{workspace.topic['1']}")["Comments"] == "3"
    assert counts(html, f"node-{workspace.topic['4.2']}")["MODIFY"] == "0"  # a blind coding does not count
    theme = counts(html, f"theme-{workspace.theme}")
    assert theme["Comments"] == "1" and theme["Written submission"] == "1" and theme["MODIFY"] == "1"
    assert counts(html, "node-none")["Comments"] == "1"
    assert counts(html, f"node-{workspace.topic['G']}")["Comments"] == "0"  # sections are in the tree too
    assert counts(html, "node-total")["Comments"] == "6"
    assert f'href="/staff/consultations/{SLUG}/analysis/topics/{workspace.topic["1.1"]}"' in html


def test_tree_counts_respect_the_filters_and_links_keep_them(workspace):
    html = html_of(workspace.client.get(f"{BASE}/", query_string={"channel": "questionnaire", "q": "équipe"}))
    assert counts(html, f"node-{workspace.topic['1.1']}")["Comments"] == "1"
    assert counts(html, "node-total")["Comments"] == "1"
    assert "1 comment matches these filters." in html
    link = re.search(rf'href="([^"]*/topics/{workspace.topic["1.1"]}\?[^"]*)"', html).group(1)
    assert parse_qs(urlsplit(unescape(link)).query) == {"channel": ["questionnaire"], "q": ["équipe"]}


def test_an_empty_tree_says_why(workspace):
    html = html_of(workspace.client.get(f"{BASE}/", query_string={"q": "introuvable"}))
    assert "No comment matches these filters." in html
    assert f'href="/staff/consultations/{SLUG}/analysis/"' in html


# -- a topic's comments ---------------------------------------------------------------------

def test_an_orientation_lists_its_comments_with_the_row_of_each(workspace):
    response = workspace.client.get(f"{BASE}/topics/{workspace.topic['1.1']}")
    html = html_of(response)
    assert response.status_code == 200
    assert listed(workspace, html) == ["nurses", "teams"]  # newest first
    assert "Orientation 1.1" in html
    assert workspace.text["teams"] in unescape(html)
    # Pseudonyms, never names or email addresses.
    with workspace.client.application.app_context():
        pseudonym = db.session.scalar(select(Participant.pseudonym).where(Participant.email == "ana@example.org"))
    assert pseudonym in html
    for secret in ("Ana Secret", "ana@example.org", "Bob Hidden", "bob@example.org"):
        assert secret not in html


def test_an_axis_lists_the_comments_of_its_orientations(workspace):
    html = html_of(workspace.client.get(f"{BASE}/topics/{workspace.topic['1']}"))
    assert listed(workspace, html) == ["flagged", "nurses", "teams"]
    assert counts(html, f"node-{workspace.topic['1.2']}")["Comments"] == "1"


def test_a_theme_link_filters_the_orientation(workspace):
    html = html_of(workspace.client.get(f"{BASE}/topics/{workspace.topic['1.1']}",
                                        query_string={"theme": workspace.theme}))
    assert listed(workspace, html) == ["nurses"]


def test_a_topic_of_another_consultation_is_not_found(workspace):
    assert workspace.client.get(f"{BASE}/topics/999999").status_code == 404
    assert workspace.client.get("/staff/consultations/nope/analysis/").status_code == 404


# -- every comment and each filter ----------------------------------------------------------

FILTERED = [
    ({}, ["flagged", "general", "data", "money", "nurses", "teams"]),
    ({"channel": "submission"}, ["nurses"]),
    ({"channel": "interview"}, ["data"]),
    ({"track": "qc"}, ["money", "teams"]),
    ({"category": "clinician"}, ["general", "teams"]),
    ({"province": "ON"}, ["nurses"]),
    ({"province": "FRA"}, ["flagged"]),
    ({"language": "en"}, ["data", "nurses"]),
    ({"coded": "yes"}, ["nurses", "teams"]),
    ({"coded": "no"}, ["flagged", "general", "data", "money"]),
    ({"visibility": "hidden"}, ["hidden"]),
    ({"visibility": "flagged"}, ["flagged"]),
    ({"visibility": "all"}, ["flagged", "hidden", "general", "data", "money", "nurses", "teams"]),
    ({"review": "yes"}, ["nurses"]),
    ({"suggestion": "pending"}, ["general"]),
    ({"topic": "none"}, ["general"]),
    ({"q": "equipe"}, ["teams"]),
    ({"q": "NURSE"}, ["nurses"]),
    ({"q": "texte", "visibility": "all"}, ["flagged", "hidden"]),
    ({"q": "texte -masqué", "visibility": "all"}, ["flagged"]),
    ({"sort": "oldest", "channel": "questionnaire"}, ["teams", "general", "flagged"]),
    ({"sort": "confidence", "language": "fr", "visibility": "all"}, ["general", "flagged", "hidden", "money",
                                                                      "teams"]),
    ({"channel": "forum", "q": "médecin", "sort": "relevance"}, ["money"]),
]


def test_each_filter_narrows_as_expected(workspace):
    for args, expected in FILTERED:
        assert listed(workspace, comments_page(workspace, **args)) == expected, args


def test_the_filters_keep_their_groups_escape_labels_and_speak_each_language(app, workspace):
    with app.app_context():
        db.session.add(Code(consultation_id=workspace.consultation_id, kind="other", key="X<b>", position=30,
                            label_fr="Autre <b>gras</b> & co", label_en="Other <b>bold</b> & co"))
        db.session.commit()
    html = comments_page(workspace, code=workspace.modify)
    select = re.search(r'<select id="filter-code".*?</select>', html, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [title for title, _options in groups] == ["Modification codes", "Theme codes", "Other codes"]
    assert f'<option value="{workspace.modify}" selected>MODIFY</option>' in groups[0][1]
    assert f'<option value="{workspace.precise}">CLARIFY</option>' in groups[0][1]
    assert "Other &lt;b&gt;bold&lt;/b&gt; &amp; co</option>" in groups[2][1]
    assert select.count(" selected") == 1
    # The same lists in French in the same worker: the labels kept per language, not the first one shown.
    workspace.client.get("/?lang=fr")
    french = comments_page(workspace)
    assert '<optgroup label="Codes de modification">' in french and '<option value="" selected>Tous</option>' in french
    assert f'<option value="{workspace.modify}">MODIFIER</option>' in french
    assert "Modification codes" not in french
    # The rows' words too (translated once per worker and language).
    assert 'data-no-shortcut="No code answers to this key on this comment."' in html
    assert 'data-no-shortcut="Aucun code ne correspond à cette touche pour ce commentaire."' in french


def test_filters_by_code_theme_and_coder(workspace):
    assert listed(workspace, comments_page(workspace, code=workspace.precise)) == ["teams"]
    # the blind coding is not its code
    assert listed(workspace, comments_page(workspace, code=workspace.modify)) == ["nurses"]
    assert listed(workspace, comments_page(workspace, theme=workspace.theme)) == ["nurses"]
    assert listed(workspace, comments_page(workspace, coder=workspace.analyst)) == ["teams"]
    assert listed(workspace, comments_page(workspace, coder=workspace.other)) == ["nurses"]


def test_the_url_holds_the_filters_and_the_form_shows_them(workspace):
    html = comments_page(workspace, channel="submission", language="en", q="rural", sort="oldest")
    assert '<option value="submission" selected>' in html
    assert '<option value="en" selected>' in html
    assert '<option value="oldest" selected>' in html
    assert 'name="q" value="rural"' in html
    assert 'method="get"' in html and '<button type="submit"' in html  # works without JavaScript
    assert f'href="{BASE}/comments">Clear the filters</a>' in html


def test_pages_of_25_keep_the_filters(workspace, app):
    with app.app_context():
        consultation = consultation_of(SLUG)
        for number in range(30):
            make_comment(consultation, f"Commentaire numéro {number}", topic="1.3", channel="forum",
                         when=datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(hours=number))
        db.session.commit()
    first = comments_page(workspace, channel="forum", sort="oldest")
    assert first.count('<article class="comment') == 25
    assert "31 comments match these filters." in first and "Showing 1 to 25." in first
    next_link = unescape(re.search(r'href="([^"]*)" rel="next"', first).group(1))
    # The next page follows the last row shown (its date and id), with the filters.
    query = parse_qs(urlsplit(next_link).query)
    assert query.pop("after")[0].endswith("-" + re.findall(r'id="comment-(\d+)"', first)[-1])
    assert query == {"channel": ["forum"], "sort": ["oldest"], "page": ["2"]}
    second = html_of(workspace.client.get(next_link))
    assert second.count('<article class="comment') == 6
    assert "Commentaire numéro 29" in second and "Showing 26 to 31." in second
    # A page past the last shows the last one.
    assert "Showing 26 to 31." in comments_page(workspace, channel="forum", sort="oldest", page=9)


def test_an_empty_list_offers_to_clear_the_filters(workspace):
    html = comments_page(workspace, channel="interview", language="fr")
    assert "No comment matches these filters." in html
    assert f'<a href="{BASE}/comments">Clear the filters</a>' in html


# -- htmx -----------------------------------------------------------------------------------

def test_htmx_gets_the_counts_and_the_list_only(workspace):
    response = workspace.client.get(f"{BASE}/topics/{workspace.topic['1.1']}", query_string={"channel": "submission"},
                               headers={"HX-Request": "true"})
    html = html_of(response)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<div id="analysis-results"') and "<html" not in html
    assert response.headers["HX-Push-Url"] == f"{BASE}/topics/{workspace.topic['1.1']}?channel=submission"
    assert listed(workspace, html) == ["nurses"]
    assert counts(html, f"node-{workspace.topic['1.1']}")["Comments"] == "1"
    tree = html_of(workspace.client.get(f"{BASE}/", query_string={"q": "nurse"}, headers={"HX-Request": "true"}))
    assert tree.lstrip().startswith('<div id="analysis-results"')
    assert counts(tree, "node-total")["Comments"] == "1"


def test_the_form_asks_htmx_for_the_results_and_pushes_the_url(workspace):
    html = html_of(workspace.client.get(f"{BASE}/"))
    form = re.search(r"<form method=\"get\"[^>]*>", html).group(0)
    assert f'hx-get="{BASE}/"' in form and 'hx-target="#analysis-results"' in form and 'hx-push-url="true"' in form
    assert 'src="/static/js/analysis-browse.js"' in html and 'href="/static/css/analysis-browse.css"' in html


# -- refused values -------------------------------------------------------------------------

REFUSED = [
    ({"channel": "fax"}, "Choose a channel from the list."),
    ({"track": "zz"}, "This consultation has no such track."),
    ({"category": "astronaut"}, "This consultation has no such participant category."),
    ({"province": "XX"}, "Choose a province, a territory or a country from the list."),
    ({"language": "de"}, "Choose French or English."),
    ({"code": "999999"}, "This consultation's codebook has no such code."),
    ({"code": "abc"}, "This consultation's codebook has no such code."),
    ({"theme": "-1"}, "This consultation has no such theme."),
    ({"coded": "maybe"}, "Choose coded or not coded yet."),
    ({"visibility": "secret"}, "Choose visible, flagged, hidden or all."),
    ({"review": "no"}, "Choose from the list."),
    ({"coder": "999999"}, "No analyst has this identifier."),
    ({"suggestion": "all"}, "Choose from the list."),
    ({"topic": "12"}, "Choose all topics or no topic yet."),
    ({"sort": "random"}, "Choose an order from the list."),
    ({"sort": "relevance"}, "Sorting by relevance needs words in the search box."),
    ({"page": "abc"}, "The page number must be a whole number, 1 or more."),
    ({"page": "0"}, "The page number must be a whole number, 1 or more."),
    ({"q": "x" * 2001}, "Search for at most 2000 characters."),
]


def test_a_refused_value_says_why_next_to_its_filter(workspace):
    for args, message in REFUSED:
        keeps_search = "q" not in args and args.get("sort") != "relevance"
        response = workspace.client.get(f"{BASE}/comments",
                                        query_string={"q": "rural", **args} if keeps_search else args)
        html = html_of(response)
        assert response.status_code == 400, args
        assert message in html, args
        assert 'class="error-summary"' in html
        if keeps_search:
            assert 'name="q" value="rural"' in html  # the form comes back as it was
        assert "Correct the filters above to see the comments." in html


def test_a_refused_value_on_the_tree_and_the_topic_pages(workspace):
    for url in (f"{BASE}/", f"{BASE}/topics/{workspace.topic['1.1']}"):
        response = workspace.client.get(url, query_string={"channel": "pigeon"})
        assert response.status_code == 400
        assert 'id="filter-channel-error"' in html_of(response)
        assert 'aria-invalid="true"' in html_of(response)


def test_a_refused_value_through_htmx_brings_the_form_back(workspace):
    response = workspace.client.get(f"{BASE}/comments", query_string={"channel": "pigeon"},
                               headers={"HX-Request": "true"})
    html = html_of(response)
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#analysis-browse"
    assert html.lstrip().startswith('<div id="analysis-browse"') and "Choose a channel from the list." in html


def test_hostile_searches_answer_clearly(workspace):
    for typed in ['"', "' OR 1=1 --", "NEAR(a b)", "(((", "*", "-", "🙂", "x" * 2000, "équipe " * 280,
                  'nurse" OR "', "%' --"]:
        for url in (f"{BASE}/comments", f"{BASE}/"):
            assert workspace.client.get(url, query_string={"q": typed, "sort": "relevance"}).status_code == 200, typed


def test_a_search_with_nothing_to_look_for_says_so(workspace):
    html = comments_page(workspace, q="🙂 !!")
    assert "The search box holds no word to look for" in html
    assert listed(workspace, html) == []


# -- roles ----------------------------------------------------------------------------------

@pytest.mark.parametrize("roles, status", [(("coordinator",), 200), (("admin",), 200), (("organizer",), 403)])
def test_roles(app, demo, login, roles, status):
    client = login(list(roles))
    for url in (f"{BASE}/", f"{BASE}/comments", f"{BASE}/topics/1"):
        assert client.get(url).status_code == status, (roles, url)


def test_anonymous_visitors_are_sent_to_sign_in(client, demo):
    response = client.get(f"{BASE}/comments")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")


def test_the_pages_answer_in_french_too(workspace):
    for url, status in ((f"{BASE}/?lang=fr", 200), (f"{BASE}/topics/{workspace.topic['1']}?lang=fr&q=soins", 200),
                        (f"{BASE}/comments?lang=fr&channel=fax", 400)):
        response = workspace.client.get(url)
        assert response.status_code == status and '<html lang="fr">' in html_of(response), url
