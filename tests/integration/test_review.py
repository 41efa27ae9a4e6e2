"""Frozen report versions reviewed through personal links: the link arrives by email, opens only its
consultation's versions (never another's, never the workspace), takes comments per section and a
verdict; "mark final" is refused while a required reviewer has open comments or has not approved; what
changed between versions; the DOCX with the items' table and the version in its footer."""
import html
import io
import re

import pytest
from docx import Document
from sqlalchemy import select

from consult.extensions import db
from consult.items.services import Statement, create_item
from consult.mail.delivery import deliver_pending
from consult.models import OutboxMessage, ReportVersion, ReviewComment, Reviewer
from consult.models.base import utcnow
from consult.outcome import review
from tests.conftest import csrf_token_from, minimal_document, submit_form
from tests.factories import consultation_of, topic_of
from tests.items_data import seed


@pytest.fixture
def data(app, demo):
    with app.app_context():
        found = seed(demo)
        consultation = consultation_of(demo)
        ids = found["comments"]
        found["item"] = create_item(consultation, topic_of(consultation, "1.1"), "clarify",
                                    Statement("ÉNONCÉ-UN", "ITEM-ONE public wait list"), None,
                                    [ids["quote"], ids["note"], ids["carl"]]).id
        db.session.commit()
        return found


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def staff_base(data):
    return f"/staff/consultations/{data['slug']}/reports"


def add_reviewer(client, data, email="partner@example.org", language="en", required=True):
    values = {"email": email, "language": language}
    if required:
        values["required"] = "y"
    response = submit_form(client, f"{staff_base(data)}/versions/", values, action=f"{staff_base(data)}/reviewers")
    assert response.status_code == 303, text(response)


def freeze(client, data):
    response = submit_form(client, f"{staff_base(data)}/versions/", {})
    assert response.status_code == 303
    return response.headers["Location"]


def link_from(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+/review/\S+", body)[0]


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_a_reviewer_gets_a_personal_link_comments_per_section_and_approves(app, data, login, client, smtp_server):
    staff = login(["coordinator"])
    add_reviewer(staff, data)
    freeze(staff, data)
    with app.app_context():
        deliver_pending()
    messages = smtp_server.to("partner@example.org")
    assert len(messages) == 1 and "version 1" in messages[0]["Subject"]
    link = path_of(link_from(messages[0]))
    page = text(client.get(link))
    assert "ITEM-ONE public wait list" in page
    with app.app_context():
        pseudonym = db.session.scalar(select(Reviewer.pseudonym))
    assert pseudonym in page and "partner@example.org" not in page
    section = re.search(r'<option value="(topic-\d+)"', page)[1]
    token = csrf_token_from(page)
    action = link.split("?")[0]
    response = client.post(action + "/comments", data={"csrf_token": token, "section": section,
                                                        "body": "Please name the owner of the list."})
    assert response.status_code == 303
    response = client.post(action + "/comments", data={"csrf_token": token, "section": section, "body": "  "})
    assert response.status_code == 422
    response = client.post(action + "/comments", data={"csrf_token": token, "section": "topic-999999",
                                                        "body": "Elsewhere"})
    assert response.status_code == 422
    response = client.post(action + "/verdict", data={"csrf_token": token, "verdict": "approved"})
    assert response.status_code == 303
    assert "You approved this version." in text(client.get(link))

    # The coordinator sees the comment under its section, by pseudonym.
    version_page = text(staff.get(f"{staff_base(data)}/versions/1", query_string={"lang": "en"}))
    assert "Please name the owner of the list." in version_page and pseudonym in version_page
    assert f"{pseudonym}: approved" in version_page


def test_mark_final_is_refused_while_a_required_reviewer_has_open_comments_or_has_not_approved(app, data, login):
    staff = login(["coordinator"])
    staff.get("/?lang=en")
    add_reviewer(staff, data)
    freeze(staff, data)
    with app.app_context():
        consultation = consultation_of(data["slug"])
        version = review.get_version(consultation, 1)
        reviewer = db.session.scalar(select(Reviewer))
        comment = review.comment(version, reviewer, review.INTRO, "Too long", None)
        db.session.commit()
        comment_id = comment.id
    response = submit_form(staff, f"{staff_base(data)}/versions/1", {},
                           action=f"{staff_base(data)}/versions/1/final")
    assert response.status_code == 422 and "open comment" in text(response)
    response = submit_form(staff, f"{staff_base(data)}/versions/1",
                           {f"c{comment_id}-answer": "Shortened in v2", f"c{comment_id}-resolve": "y"},
                           action=f"{staff_base(data)}/versions/1/comments/{comment_id}")
    assert response.status_code == 303
    with app.app_context():
        found = db.session.get(ReviewComment, comment_id)
        assert found.answer == "Shortened in v2" and found.resolved_at is not None
        pseudonym = db.session.scalar(select(Reviewer.pseudonym))
    # Their approval is required: no verdict, then changes asked, both refuse it and name who.
    for verdict in (None, "changes"):
        if verdict:
            with app.app_context():
                version = review.get_version(consultation_of(data["slug"]), 1)
                review.give_verdict(version, db.session.scalar(select(Reviewer)), verdict, utcnow())
                db.session.commit()
        response = submit_form(staff, f"{staff_base(data)}/versions/1", {},
                               action=f"{staff_base(data)}/versions/1/final")
        assert response.status_code == 422
        assert f"A required reviewer has not approved version 1 yet: {pseudonym}." in text(response)
        with app.app_context():
            assert db.session.scalar(select(ReportVersion.final_at)) is None
    with app.app_context():
        version = review.get_version(consultation_of(data["slug"]), 1)
        review.give_verdict(version, db.session.scalar(select(Reviewer)), "approved", utcnow())
        db.session.commit()
    response = submit_form(staff, f"{staff_base(data)}/versions/1", {},
                           action=f"{staff_base(data)}/versions/1/final")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(ReportVersion.final_at)) is not None


def test_the_next_version_says_what_changed(app, data, login):
    staff = login(["coordinator"])
    staff.get("/?lang=en")
    freeze(staff, data)
    with app.app_context():
        consultation = consultation_of(data["slug"])
        create_item(consultation, topic_of(consultation, "1.1"), "strengthen", Statement("DEUX", "ITEM-TWO"), None,
                    [data["comments"]["private"]])
        db.session.commit()
    freeze(staff, data)
    page = text(staff.get(f"{staff_base(data)}/versions/2"))
    assert re.search(r"item \d+ added", page)
    assert "This is the first version." in text(staff.get(f"{staff_base(data)}/versions/1"))


def test_a_reviewer_link_opens_neither_another_consultation_nor_the_workspace(app, data, login, client):
    from consult.structure.importer import import_structure

    staff = login(["coordinator"])
    add_reviewer(staff, data)
    freeze(staff, data)
    with app.test_request_context():
        import_structure(minimal_document(), source="test")
        other = consultation_of("mini")
        stranger = Reviewer(consultation_id=other.id, email="x@example.org")
        db.session.add(stranger)
        db.session.flush()
        db.session.add(ReportVersion(consultation_id=other.id, number=2, content={"languages": {}}))
        db.session.commit()
        partner = db.session.scalar(select(Reviewer).where(Reviewer.email == "partner@example.org"))
        token = review.reviewer_token(partner)
    anonymous = app.test_client()
    assert anonymous.get(f"/review/{token}/versions/1").status_code == 200
    # Version 2 exists only in the other consultation: the link cannot reach it.
    assert anonymous.get(f"/review/{token}/versions/2").status_code == 404
    assert anonymous.get(f"/review/{token[:-3]}abc/versions/1").status_code == 404
    workspace = anonymous.get(f"/staff/consultations/{data['slug']}/analysis/")
    assert workspace.status_code in (302, 303) and "/staff/login" in workspace.headers["Location"]
    assert anonymous.get(f"/staff/consultations/{data['slug']}/reports/versions/1").status_code in (302, 303)
    # A participant's My-data link is not a reviewer link.
    assert anonymous.get("/review/not-a-token").status_code == 404


def test_the_docx_of_a_version_has_the_items_table_and_the_version_in_its_footer(app, data, login):
    staff = login(["coordinator"])
    freeze(staff, data)
    response = staff.get(f"{staff_base(data)}/versions/1.docx", query_string={"lang": "en"})
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Item", "Proposed modification", "Supporting comments", "Channels"] in rows
    assert any("ITEM-ONE public wait list" in row[1] and row[2] == "3" for row in rows)
    footer = document.sections[0].footer.paragraphs[0].text
    assert footer.startswith("Version 1 of ")


def test_the_draft_docx_has_the_items_table_and_a_dated_footer(app, data, login):
    staff = login(["coordinator"])
    response = staff.get(f"{staff_base(data)}/draft.docx", query_string={"lang": "en"})
    document = Document(io.BytesIO(response.data))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert any("ITEM-ONE public wait list" in row[1] for row in rows if len(row) == 4)
    assert document.sections[0].footer.paragraphs[0].text.startswith("Draft of ")


def test_the_coordinator_adds_free_text_to_a_section_and_it_is_frozen_with_the_version(app, data, login):
    staff = login(["coordinator"])
    with app.app_context():
        topic = topic_of(consultation_of(data["slug"]), "1.1").id
    url = f"{staff_base(data)}/sections/{topic}"
    response = submit_form(staff, url, {"body_fr": "TEXTE-COORD en français", "body_en": "COORD-TEXT in English"})
    assert response.status_code == 303
    assert "COORD-TEXT in English" in text(staff.get(f"{staff_base(data)}/draft", query_string={"lang": "en"}))
    freeze(staff, data)
    assert "COORD-TEXT in English" in text(staff.get(f"{staff_base(data)}/versions/1", query_string={"lang": "en"}))


def version_one_in_review(app, data, login):
    """A coordinator (signed in, in English), one required reviewer and version 1 frozen: (the
    coordinator's client, the reviewer's id, pseudonym and link token)."""
    staff = login(["coordinator"])
    staff.get("/?lang=en")
    add_reviewer(staff, data)
    freeze(staff, data)
    with app.app_context():
        reviewer = db.session.scalar(select(Reviewer))
        return staff, reviewer.id, reviewer.pseudonym, review.reviewer_token(reviewer)


def test_a_replaced_version_takes_no_more_review_and_the_refusal_to_finish_says_where_comments_are_open(
        app, data, login):
    staff, reviewer_id, _pseudonym, token = version_one_in_review(app, data, login)
    with app.app_context():
        version = review.get_version(consultation_of(data["slug"]), 1)
        review.comment(version, db.session.get(Reviewer, reviewer_id), review.INTRO, "Still unclear", utcnow())
        db.session.commit()
    freeze(staff, data)
    partner = app.test_client()
    partner.get("/?lang=en")
    page = text(partner.get(f"/review/{token}/versions/1"))
    assert "Version 1 was replaced by version 2: review that one." in page
    assert "Send the comment" not in page and "Send my verdict" not in page
    # Posted all the same (a page left open since): refused, with the reason.
    for action, fields in (("comments", {"section": review.INTRO, "body": "Late"}),
                           ("verdict", {"verdict": "approved"})):
        response = submit_form(partner, f"/review/{token}/versions/2", fields,
                               action=f"/review/{token}/versions/1/{action}")
        assert response.status_code == 422, action
        assert "Version 1 was replaced by version 2" in text(response)
    assert "Send my verdict" in text(partner.get(f"/review/{token}/versions/2"))
    # The open comment of version 1 holds back version 2, and the refusal says where it is.
    response = submit_form(staff, f"{staff_base(data)}/versions/2", {}, action=f"{staff_base(data)}/versions/2/final")
    assert response.status_code == 422 and "Versions concerned: version 1." in text(response)
    listing = text(staff.get(f"{staff_base(data)}/versions/"))
    assert re.search(r"Version 1</a></th>\s*<td>[^<]*</td>\s*<td>Replaced</td>", listing)
    assert re.search(r"Version 2</a></th>\s*<td>[^<]*</td>\s*<td>In review</td>", listing)


def test_a_reviewer_added_once_the_report_is_final_is_not_asked_to_review_it(app, data, login):
    staff = login(["coordinator"])
    staff.get("/?lang=en")
    freeze(staff, data)
    assert submit_form(staff, f"{staff_base(data)}/versions/1", {},
                       action=f"{staff_base(data)}/versions/1/final").status_code == 303
    add_reviewer(staff, data, email="late@example.org")
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.to_address == "late@example.org")) is None


def test_a_reviewer_address_is_trimmed_and_a_wrong_one_explained(app, data, login):
    staff = login(["coordinator"])
    staff.get("/?lang=fr")
    add_reviewer(staff, data, email="  Partner.Two@Example.org ")
    with app.app_context():
        assert db.session.scalar(select(Reviewer.email)) == "partner.two@example.org"
    response = submit_form(staff, f"{staff_base(data)}/versions/", {"email": "pas une adresse", "language": "fr"},
                           action=f"{staff_base(data)}/reviewers")
    assert response.status_code == 422
    page = text(response)
    assert "Saisissez une adresse courriel valide" in page and "pas une adresse" in page


def test_a_lost_link_is_replaced_by_a_new_one_and_the_old_page_says_what_to_do(app, data, login, smtp_server):
    staff, reviewer_id, pseudonym, old_token = version_one_in_review(app, data, login)
    response = submit_form(staff, f"{staff_base(data)}/versions/", {},
                           action=f"{staff_base(data)}/reviewers/{reviewer_id}/new-link")
    assert response.status_code == 303
    page = text(staff.get(response.headers["Location"]))
    assert f"A new link to version 1 was sent to {pseudonym}; the earlier one no longer works." in page
    with app.app_context():
        deliver_pending()
    first, second = smtp_server.to("partner@example.org")
    assert link_from(first) != link_from(second)
    partner = app.test_client()
    assert partner.get(path_of(link_from(second))).status_code == 200
    refused = partner.get(f"/review/{old_token}/versions/1", query_string={"lang": "en"})
    assert refused.status_code == 404
    assert "Ask the team who invited you to review the report for a new link" in text(refused)
    # Once the report is final there is nothing to review: no link is sent, and the coordinator is told.
    with app.app_context():
        version = review.get_version(consultation_of(data["slug"]), 1)
        review.give_verdict(version, db.session.get(Reviewer, reviewer_id), "approved", utcnow())
        db.session.commit()
    assert submit_form(staff, f"{staff_base(data)}/versions/1", {},
                       action=f"{staff_base(data)}/versions/1/final").status_code == 303
    response = submit_form(staff, f"{staff_base(data)}/versions/", {},
                           action=f"{staff_base(data)}/reviewers/{reviewer_id}/new-link")
    assert "No version is open to review" in text(staff.get(response.headers["Location"]))
