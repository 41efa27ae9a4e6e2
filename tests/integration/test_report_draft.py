"""The "what we heard" report draft: memo, counts, quotes that follow quotation consent live,
anonymous attribution, the two tables of proposed modifications; as a page and as a Word document."""
import html
import io
import re

import pytest
from docx import Document
from sqlalchemy import select

from consult.analysis.codebook import ensure_codebook
from consult.extensions import db
from consult.models import AuditEvent, Code, Coding, Consent, Participant, Topic, TopicMemo
from consult.structure.importer import import_structure
from tests.conftest import minimal_document
from tests.factories import consultation_of, make_comment, make_participant, topic_of

SLUG = "politique-premiere-ligne-2025"
DRAFT = f"/staff/consultations/{SLUG}/reports/draft"
DOCX = DRAFT + ".docx"

QUOTE = "QUOTE-ANA The access point needs a single public wait list that everyone can see."
PRIVATE = "PRIVATE-BOB Le guichet d'accès devrait publier ses délais chaque mois, région par région."
HIDDEN = "HIDDEN-ANA This remark was hidden by a moderator and must never appear in the report."
NOTE = "NOTE-FORUM Le groupe demande de préciser qui est responsable de l'affiliation."
TEXTS = (QUOTE, PRIVATE, HIDDEN, NOTE)


@pytest.fixture
def report(app, demo):
    with app.app_context():
        consultation = consultation_of(demo)
        ensure_codebook(consultation)
        codes = {code.key: code for code in db.session.scalars(
            select(Code).where(Code.consultation_id == consultation.id))}
        ana = make_participant(consultation, "ana.secret@example.org", name="Ana Secretname", category="clinician",
                               region="AB", organisation="Clinique Confidentielle", language="en", quotation=True)
        bob = make_participant(consultation, "bob.hidden@example.org", name="Bob Hiddenname", category="professor",
                               region="QC", organisation="Université Privée", quotation=False)
        quoted = make_comment(consultation, QUOTE, topic="1.1", participant=ana, language="en")
        private = make_comment(consultation, PRIVATE, topic="1.1", participant=bob, channel="submission")
        hidden = make_comment(consultation, HIDDEN, topic="1.1", participant=ana, language="en",
                              visibility="hidden")
        note = make_comment(consultation, NOTE, topic="1.1", channel="forum", track="qc")
        make_comment(consultation, "Un commentaire sur l'orientation 4.2 sans code.", topic="4.2", channel="forum")
        for comment, key in ((quoted, "PRECISER"), (note, "MODIFIER"), (private, "INCLURE"), (hidden, "BONIFIER")):
            db.session.add(Coding(comment=comment, code=codes[key]))
        db.session.add(TopicMemo(topic=topic_of(consultation, "1.1"), body_fr="MÉMO-FR Les personnes consultées…",
                                 body_en="MEMO-EN Participants welcome attachment to a team."))
        db.session.commit()
        return {"ana": ana.id, "bob": bob.id}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def section(page: str, code: str) -> str:
    heading = re.search(rf'<section [^>]*id="(topic-\d+)"[^>]*>\s*<h3 id="topic-\d+-heading">'
                        rf'Orientation {re.escape(code)}\.', page)
    assert heading, f"no section for {code}"
    start = heading.start()
    return page[start:page.index("</section>", start)]


def blockquotes(page: str) -> list[str]:
    return re.findall(r"<blockquote[^>]*><p>(.*?)</p></blockquote>", page, re.S)


def test_the_page_shows_memo_counts_quotes_and_the_two_tables(report, login):
    client = login(["coordinator"])
    page = text_of(client.get(DRAFT, query_string={"lang": "en"}))
    one = section(page, "1.1")
    assert "MEMO-EN Participants welcome attachment to a team." in one
    counts = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td></tr>', one))
    # The hidden comment is not counted.
    assert counts == {"Questionnaire": "1", "Written submission": "1", "Forum": "1", "Interview": "0", "Total": "3"}
    assert blockquotes(one) == [QUOTE]
    assert "— A clinician from Alberta" in one

    clarify = re.search(r'<table class="data-table report-modifications report-clarify">.*?</table>', one, re.S)[0]
    strengthen = re.search(r'<table class="data-table report-modifications report-strengthen">.*?</table>', one,
                           re.S)[0]
    assert "<caption>To clarify or change</caption>" in clarify
    assert "<caption>Missing or to strengthen</caption>" in strengthen
    assert QUOTE in clarify and "Clarify" in clarify
    assert NOTE in clarify and "Change" in clarify and "Forum participants (Québec track)" in clarify
    # Bob did not agree to be quoted: his proposal is listed, his words are not.
    assert PRIVATE not in page
    assert "Include" in strengthen and "Not shown: no consent to be quoted" in strengthen
    assert "A professor from Quebec" in strengthen
    assert HIDDEN not in page and "Strengthen" not in strengthen

    other = section(page, "4.2")
    assert "The analysts have not written a memo for this topic yet." in other
    assert "No quote: no comment on this topic may be quoted." in other
    assert "To clarify or change: no comment coded for this table yet." in other


def test_forum_notes_are_never_quoted(report, login):
    page = text_of(login(["analyst"]).get(DRAFT, query_string={"lang": "en"}))
    assert all("NOTE-FORUM" not in quote for quote in blockquotes(page))


def test_a_withdrawn_quotation_consent_removes_the_quotes_at_the_next_rendering(app, report, login):
    client = login(["coordinator"])
    assert QUOTE in blockquotes(text_of(client.get(DRAFT, query_string={"lang": "en"})))
    with app.app_context():
        ana = db.session.get(Participant, report["ana"])
        ana.consents.append(Consent(purpose="quotation", granted=False, source="my-data"))
        db.session.commit()
    page = text_of(client.get(DRAFT, query_string={"lang": "en"}))
    assert QUOTE not in page
    assert blockquotes(section(page, "1.1")) == []
    assert "A clinician from Alberta" in page  # the proposal stays listed, anonymously, without its words


def test_an_erased_participant_is_never_quoted(app, report, login):
    from consult.models.base import utcnow

    with app.app_context():
        db.session.get(Participant, report["ana"]).erased_at = utcnow()
        db.session.commit()
    page = text_of(login(["coordinator"]).get(DRAFT, query_string={"lang": "en"}))
    assert QUOTE not in page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_attribution_never_names_anyone(report, login, lang):
    page = text_of(login(["coordinator"]).get(DRAFT, query_string={"lang": lang}))
    for secret in ("Secretname", "Hiddenname", "ana.secret@example.org", "bob.hidden@example.org",
                   "Clinique Confidentielle", "Université Privée"):
        assert secret not in page
    expected = "Une personne clinicienne de l'Alberta" if lang == "fr" else "A clinician from Alberta"
    assert expected in page


def test_the_french_draft_uses_the_french_memo_and_titles(app, report, login):
    page = text_of(login(["coordinator"]).get(DRAFT, query_string={"lang": "fr"}))
    assert '<html lang="fr">' in page
    assert "MÉMO-FR Les personnes consultées…" in page and "MEMO-EN" not in page
    with app.app_context():
        topic = topic_of(consultation_of(SLUG), "1.1")
        assert topic.title_fr in page
    assert 'hreflang="en">English</a>' in page


def test_the_word_document_has_every_axis_the_memo_and_both_tables(app, report, login):
    client = login(["coordinator"])
    response = client.get(DOCX, query_string={"lang": "en"})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{SLUG}-what-we-heard-en.docx"'
    document = Document(io.BytesIO(response.data))
    headings = [paragraph.text for paragraph in document.paragraphs if paragraph.style.name.startswith("Heading")]
    with app.app_context():
        consultation = consultation_of(SLUG)
        axes = db.session.scalars(select(Topic).where(Topic.consultation_id == consultation.id,
                                                      Topic.kind == "axis").order_by(Topic.position)).all()
        expected = [f"Axis {axis.code}. {axis.title_en}" for axis in axes]
        one = topic_of(consultation, "1.1")
        orientation = f"Orientation 1.1. {one.title_en}"
    assert expected and all(title in headings for title in expected)
    assert [title for title in headings if title in expected] == expected  # in tree order
    assert orientation in headings
    body = [paragraph.text for paragraph in document.paragraphs]
    assert "MEMO-EN Participants welcome attachment to a team." in body
    assert f"“{QUOTE}”" in body and "— A clinician from Alberta" in body

    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    modification_tables = [rows for rows in tables if rows[0] == ["Comment", "Code", "Channel", "Attribution"]]
    assert len(modification_tables) >= 2
    rows = [row for rows in modification_tables for row in rows[1:]]
    assert [QUOTE, "Clarify", "Questionnaire", "A clinician from Alberta"] in rows
    assert [NOTE, "Change", "Forum", "Forum participants (Québec track)"] in rows
    withheld = next(row for row in rows if row[1] == "Include")
    assert withheld[0].startswith("(Not shown") and withheld[3] == "A professor from Quebec"
    assert all(HIDDEN not in cell and PRIVATE not in cell for row in rows for cell in row)
    # Header rows repeat on every page.
    first_row = document.tables[-1].rows[0]._tr
    assert first_row.trPr is not None and first_row.trPr.xpath("./w:tblHeader")
    assert ["Questionnaire", "1"] in [row for rows in tables for row in rows]

    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.draft_download"))
        assert event is not None and event.detail == {"lang": "en", "format": "docx"}


def test_the_french_word_document_is_in_french(report, login):
    response = login(["analyst"]).get(DOCX, query_string={"lang": "fr"})
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "MÉMO-FR" in text and "MEMO-EN" not in text
    assert "« QUOTE-ANA" in text and "Une personne clinicienne de l'Alberta" in text
    assert document.core_properties.language == "fr"


def test_a_one_language_consultation_offers_only_its_language(app, login):
    with app.app_context():
        document = minimal_document(slug="english-only", languages=["en"], title={"en": "English only"}, topics=[
            {"code": "1", "kind": "axis", "title": {"en": "Axis one"}, "children": [
                {"code": "1.1", "kind": "orientation", "title": {"en": "Orientation one"}}]}])
        import_structure(document, source="test")
        db.session.commit()
    client = login(["coordinator"])
    base = "/staff/consultations/english-only/reports/draft"
    # A French interface stays French around an English report: the report never switches it.
    response = client.get(base, query_string={"lang": "fr"})
    assert response.status_code == 200
    french = text_of(response)
    assert '<html lang="fr">' in french and '<article class="report-draft" lang="en">' in french
    assert "Ébauche du rapport" in french and "What we heard" in french
    assert client.get("/staff/").status_code == 200 and '<html lang="fr">' in text_of(client.get("/staff/"))
    docx = client.get(base + ".docx", query_string={"lang": "fr"})
    assert docx.status_code == 200 and "english-only" in docx.headers["Content-Disposition"]
    page = text_of(client.get(base, query_string={"lang": "en"}))
    assert "Axis one" in page
    assert "This report in another language" not in page
    assert "No comment yet" in page


def test_organizers_may_not_read_the_draft(report, login, client):
    assert client.get(DRAFT).status_code == 302
    login(["organizer"])
    assert client.get(DRAFT, query_string={"lang": "en"}).status_code == 403
    assert client.get(DOCX, query_string={"lang": "en"}).status_code == 403


def test_the_page_prints_without_navigation_and_an_axis_per_page(report, login, app):
    page = text_of(login(["admin"]).get(DRAFT, query_string={"lang": "en"}))
    assert 'href="/static/css/reports.css"' in page
    css = (app.static_folder + "/css/reports.css")
    with open(css, encoding="utf-8") as handle:
        rules = handle.read()
    printing = rules[rules.index("@media print"):]
    assert ".report-root { break-before: page;" in printing
    assert ".site-header" in printing and ".breadcrumb" in printing
    assert 'class="report-topic report-axis report-root"' in page
    assert all(secret not in page for secret in TEXTS[1:3])


def test_control_characters_pasted_into_a_comment_do_not_break_the_word_document(app, report, login):
    """Word processors paste vertical tabs and form feeds; XML cannot hold them."""
    with app.app_context():
        consultation = consultation_of(SLUG)
        ana = db.session.get(Participant, report["ana"])
        pasted = make_comment(consultation, "Pasted from slides:\x0bteams\x0cfirst.", topic="1.2", participant=ana,
                              language="en")
        code = db.session.scalar(select(Code).where(Code.consultation_id == consultation.id, Code.key == "MODIFIER"))
        db.session.add(Coding(comment=pasted, code=code))
        db.session.add(TopicMemo(topic=topic_of(consultation, "1.2"), body_en="Memo\x0b with a vertical tab."))
        db.session.commit()
    response = login(["coordinator"]).get(DOCX, query_string={"lang": "en"})
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Pasted from slides: teams first." in cells
    assert "Memo with a vertical tab." in [paragraph.text for paragraph in document.paragraphs]
