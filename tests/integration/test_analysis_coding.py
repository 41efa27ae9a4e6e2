"""Coding comments in the workspace: codes, moves, stances, hiding and flagging, with no lost update;
the codebook page; topic memos; a second coder's blind sample and the agreement page; roles."""
import re

import pytest
from sqlalchemy import event, func, select

from consult.analysis import codebook
from consult.extensions import db
from consult.models import AuditEvent, Code, Coding, Comment, SecondCoding, StaffUser, TopicMemo
from tests.conftest import csrf_token_from, submit_form
from tests.factories import consultation_of, make_comment, make_participant, topic_of

SLUG = "politique-premiere-ligne-2025"
BASE = f"/staff/consultations/{SLUG}/analysis"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def to_code(app, demo):
    """Three comments on orientation 1.1 (two from the Canadian track), one on 1.2, and the codebook."""
    with app.app_context():
        consultation = consultation_of(demo)
        codebook.ensure_codebook(consultation)
        alberta = make_participant(consultation, "ab@example.org", region="AB", category="professor", language="en")
        quebec = make_participant(consultation, "qc@example.org", region="QC", category="clinician")
        ids = {
            "ca": make_comment(consultation, "Rural teams need\nmore nurses.", topic="1.1", track="ca",
                               participant=alberta, language="en", prompt="missing").id,
            "ca2": make_comment(consultation, "Evidence from Ontario <b>helps</b>.", topic="1.1", track="ca",
                                participant=alberta, language="en").id,
            "qc": make_comment(consultation, "Les équipes manquent de temps.", topic="1.1", track="qc",
                               participant=quebec).id,
            "other": make_comment(consultation, "Un autre sujet.", topic="1.2", track="qc", participant=quebec).id,
        }
        ids["topic"] = topic_of(consultation, "1.1").id
        ids["topic_12"] = topic_of(consultation, "1.2").id
        ids["axis"] = topic_of(consultation, "1").id
        for key in ("PRECISER", "MODIFIER", "INCLURE", "BONIFIER"):
            ids[key] = db.session.scalar(select(Code.id).where(Code.consultation_id == consultation.id,
                                                              Code.key == key))
        db.session.commit()
    return ids


def comment(app, comment_id) -> Comment:
    with app.app_context():
        row = db.session.get(Comment, comment_id)
        db.session.expunge(row)
        return row


def codes_of(app, comment_id, blind=False) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Code.key).join(Coding, Coding.code_id == Code.id).where(
            Coding.comment_id == comment_id, Coding.blind.is_(blind))))


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def token(client, url=f"{BASE}/codebook"):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def post_row(client, app, comment_id, action, data, *, htmx=True, revision=None, csrf=None):
    """POST one row action the way the row's form does (answers in English)."""
    payload = {"csrf_token": csrf or token(client),
               "revision": revision if revision is not None else comment(app, comment_id).revision, **data}
    return client.post(f"{BASE}/comments/{comment_id}/{action}?lang=en", data=payload,
                       headers=HTMX if htmx else {})


# -- coding a comment -------------------------------------------------------------------------------

def test_the_topic_list_shows_rows_with_their_facts_and_coding_buttons(app, login, to_code):
    client = login(["analyst"])
    page = client.get(f"{BASE}/topics/{to_code['topic']}?lang=en&track=ca").get_data(as_text=True)
    row = page[page.index(f'id="comment-{to_code["ca"]}"'):]
    row = row[:row.index("</article>")]
    assert "Rural teams need\nmore nurses." in row  # line breaks kept (shown with pre-wrap)
    assert "Canadian track" in row and "Alberta" in row and "Professors or professor-researchers" in row
    assert "What is missing" in row and "Questionnaire" in row and "English" in row
    assert re.search(r'aria-pressed="false"[^>]*data-shortcut="1"', row)
    assert 'name="revision" value="1"' in row
    assert "Evidence from Ontario &lt;b&gt;helps&lt;/b&gt;." in page  # autoescaped
    assert "js/analysis.js" in page  # the keyboard shortcuts


def test_toggle_a_code_with_htmx_answers_the_row(app, login, to_code):
    client = login(["analyst"])
    response = post_row(client, app, to_code["ca"], "codes", {"code_id": to_code["PRECISER"]})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<article") and f'id="comment-{to_code["ca"]}"' in html
    assert re.search(rf'value="{to_code["PRECISER"]}" class="code-button" aria-pressed="true"', html)
    assert 'name="revision" value="2"' in html
    assert codes_of(app, to_code["ca"]) == {"PRECISER"}
    assert comment(app, to_code["ca"]).revision == 2
    assert audit_actions(app)[-1] == "analysis.comment_code_applied"

    response = post_row(client, app, to_code["ca"], "codes", {"code_id": to_code["PRECISER"]})
    assert response.status_code == 200
    assert codes_of(app, to_code["ca"]) == set()
    assert audit_actions(app)[-1] == "analysis.comment_code_removed"


def test_toggle_without_javascript_comes_back_to_the_same_filtered_list(app, login, to_code):
    client = login(["analyst"])
    listing = f"{BASE}/topics/{to_code['topic']}?track=ca&sort=oldest"
    csrf = csrf_token_from(client.get(f"{listing}&lang=en").get_data(as_text=True))
    response = post_row(client, app, to_code["ca"], "codes", {"code_id": to_code["INCLURE"], "next": listing},
                        htmx=False, csrf=csrf)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{listing}#comment-{to_code['ca']}"
    assert codes_of(app, to_code["ca"]) == {"INCLURE"}
    page = client.get(listing).get_data(as_text=True)
    assert "code “Include” applied" in page


def test_the_way_back_never_leaves_the_consultation(app, login, to_code):
    client = login(["analyst"])
    response = post_row(client, app, to_code["ca"], "codes", {"code_id": to_code["INCLURE"],
                                                          "next": "https://evil.example/staff/"}, htmx=False)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{BASE}/#comment-{to_code['ca']}"


def test_a_stale_revision_changes_nothing_and_answers_409_with_the_current_row(app, login, to_code):
    client = login(["analyst"])
    assert post_row(client, app, to_code["ca"], "codes", {"code_id": to_code["PRECISER"]}).status_code == 200
    # A second page still shows revision 1 and asks for another code.
    response = post_row(client, app, to_code["ca"], "codes", {"code_id": to_code["MODIFIER"]}, revision=1)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this comment after your page was shown: nothing was applied." in html
    assert 'name="revision" value="2"' in html  # the row as it is now, ready for another try
    assert codes_of(app, to_code["ca"]) == {"PRECISER"}
    assert comment(app, to_code["ca"]).revision == 2
    # The same without JavaScript: a page with the row, still 409.
    response = post_row(client, app, to_code["ca"], "stance", {"stance": "support"}, revision=1, htmx=False)
    assert response.status_code == 409
    assert comment(app, to_code["ca"]).stance == ""
    assert f'id="comment-{to_code["ca"]}"' in response.get_data(as_text=True)


def test_unknown_retired_or_foreign_codes_are_refused_with_400(app, login, to_code):
    client = login(["analyst"])
    response = post_row(client, app, to_code["ca"], "codes", {"code_id": 999999}, htmx=False)
    assert response.status_code == 400
    assert "This code does not exist in this consultation" in response.get_data(as_text=True)
    with app.app_context():
        from consult.structure.importer import import_structure
        from tests.conftest import minimal_document

        other = import_structure(minimal_document(), source="test").consultation
        codebook.ensure_codebook(other)
        foreign = db.session.scalar(select(Code.id).where(Code.consultation_id == other.id))
        codebook.retire_code(db.session.get(Code, to_code["BONIFIER"]), None)
        db.session.commit()
    assert post_row(client, app, to_code["ca"], "codes", {"code_id": foreign}).status_code == 400
    response = post_row(client, app, to_code["ca"], "codes", {"code_id": to_code["BONIFIER"]})
    assert response.status_code == 400
    assert "retired" in response.get_data(as_text=True)
    assert codes_of(app, to_code["ca"]) == set()
    assert comment(app, to_code["ca"]).revision == 1


def test_hiding_requires_a_reason(app, login, to_code):
    client = login(["analyst"])
    response = post_row(client, app, to_code["qc"], "hide", {"reason": "  "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and "Say why the comment is hidden." in html
    assert comment(app, to_code["qc"]).visibility == "visible"

    response = post_row(client, app, to_code["qc"], "hide", {"reason": "Personal information"})
    assert response.status_code == 200
    row = comment(app, to_code["qc"])
    assert (row.visibility, row.visibility_reason) == ("hidden", "Personal information")
    assert "Personal information" in response.get_data(as_text=True)

    assert post_row(client, app, to_code["qc"], "restore", {}).status_code == 200
    row = comment(app, to_code["qc"])
    assert (row.visibility, row.visibility_reason) == ("visible", "")
    assert post_row(client, app, to_code["qc"], "flag", {"reason": ""}).status_code == 200
    assert comment(app, to_code["qc"]).visibility == "flagged"
    assert audit_actions(app)[-3:] == ["analysis.comment_hidden", "analysis.comment_restored",
                                       "analysis.comment_flagged"]


def test_move_to_another_orientation_confirms_it(app, login, to_code):
    client = login(["analyst"])
    with app.app_context():
        db.session.get(Comment, to_code["other"]).topic_confirmed = False
        db.session.commit()
    response = post_row(client, app, to_code["other"], "topic", {"topic_id": to_code["topic"]})
    assert response.status_code == 200
    row = comment(app, to_code["other"])
    assert (row.topic_id, row.topic_confirmed) == (to_code["topic"], True)
    # An axis groups orientations: a comment is not placed on it.
    assert post_row(client, app, to_code["other"], "topic", {"topic_id": to_code["axis"]}).status_code == 400
    assert comment(app, to_code["other"]).topic_id == to_code["topic"]


def test_stance_and_review(app, login, to_code):
    client = login(["analyst"])
    assert post_row(client, app, to_code["ca"], "stance", {"stance": "oppose"}).status_code == 200
    assert comment(app, to_code["ca"]).stance == "oppose"
    assert post_row(client, app, to_code["ca"], "stance", {"stance": "angry"}).status_code == 400
    with app.app_context():
        db.session.get(Comment, to_code["ca"]).needs_review = True
        db.session.commit()
    page = client.get(f"{BASE}/topics/{to_code['topic']}?lang=en").get_data(as_text=True)
    assert "Needs review" in page and "Mark reviewed" in page
    assert post_row(client, app, to_code["ca"], "reviewed", {}).status_code == 200
    assert comment(app, to_code["ca"]).needs_review is False


def test_row_states_take_a_fixed_number_of_queries(app, to_code, login):
    from consult.analysis.rows import row_states

    with app.app_context():
        consultation = consultation_of(SLUG)
        for number in range(20):
            make_comment(consultation, f"Commentaire {number}", topic="1.1", track="ca",
                         participant=make_participant(consultation, f"p{number}@example.org"))
        db.session.commit()

    def queries_for(count):
        with app.test_request_context("/"):
            comments = list(db.session.scalars(select(Comment).order_by(Comment.id).limit(count)))
            db.session.add_all(Coding(comment_id=row.id, code_id=to_code["PRECISER"]) for row in comments[::2])
            db.session.flush()
            statements = []
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                rows = row_states(comments, None)
                from flask import render_template

                for row in comments:
                    render_template("analysis/_comment.html", comment=row, row=rows[row.id])
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            db.session.rollback()
            return len(statements)

    assert queries_for(3) == queries_for(24)


# -- codebook ----------------------------------------------------------------------------------------

def test_codebook_page_lists_codes_with_counts_and_adds_a_code(app, login, to_code):
    client = login(["analyst"])
    post_row(client, app, to_code["ca"], "codes", {"code_id": to_code["PRECISER"]})
    page = client.get(f"{BASE}/codebook?lang=en").get_data(as_text=True)
    assert "Modification codes" in page and "Theme codes" in page
    assert re.search(r">PRECISER</a></th>\s*<td>Clarify.*?<td class=\"num\">1</td>", page, re.S)

    response = submit_form(client, f"{BASE}/codebook", {"label_fr": "Coûts", "label_en": "Costs", "shortcut": "1"})
    assert response.status_code == 422  # "1" is PRÉCISER's
    assert "already the shortcut of the code PRECISER" in client.post(
        f"{BASE}/codebook?lang=en", data={"csrf_token": token(client), "label_fr": "Coûts", "label_en": "Costs",
                                          "shortcut": "1"}).get_data(as_text=True)
    response = submit_form(client, f"{BASE}/codebook", {"label_fr": "Coûts", "label_en": "Costs", "shortcut": "c"})
    assert response.status_code == 303
    with app.app_context():
        added = db.session.scalar(select(Code).where(Code.key == "COUTS"))
        assert (added.label_en, added.shortcut, added.kind) == ("Costs", "c", "other")
    assert "analysis.code_created" in audit_actions(app)
    # The same form sent again makes no second "Coûts".
    response = client.post(f"{BASE}/codebook?lang=en", data={"csrf_token": token(client), "label_fr": "coûts",
                                                             "label_en": "", "shortcut": ""})
    assert response.status_code == 422 and "A code named “coûts” already exists." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Code.id)).where(Code.label_fr.ilike("co%ts"))) == 1


def test_a_hidden_comment_cannot_be_flagged_back_into_view(app, login, to_code):
    client = login(["analyst"])
    assert post_row(client, app, to_code["ca"], "hide", {"reason": "Hors sujet"}).status_code == 200
    assert 'action="' + f"{BASE}/comments/{to_code['ca']}/flag" not in post_row(
        client, app, to_code["ca"], "stance", {"stance": "mixed"}).get_data(as_text=True)
    assert post_row(client, app, to_code["ca"], "flag", {"reason": ""}).status_code == 400
    assert comment(app, to_code["ca"]).visibility == "hidden"


def test_a_too_long_reason_says_so(app, login, to_code):
    response = post_row(login(["analyst"]), app, to_code["ca"], "hide", {"reason": "x" * 1200})
    assert response.status_code == 422
    assert "was not hidden: say why" not in response.get_data(as_text=True)


def test_code_page_renames_merges_and_retires_with_history(app, login, to_code):
    client = login(["coordinator"])
    post_row(client, app, to_code["ca"], "codes", {"code_id": to_code["MODIFIER"]})
    post_row(client, app, to_code["qc"], "codes", {"code_id": to_code["MODIFIER"]})
    post_row(client, app, to_code["qc"], "codes", {"code_id": to_code["PRECISER"]})
    url = f"{BASE}/codebook/{to_code['MODIFIER']}"
    response = submit_form(client, url, {"label_fr": "Changer", "label_en": "Alter", "description_fr": "",
                                         "description_en": "", "shortcut": "2"})
    assert response.status_code == 303
    response = submit_form(client, url, {"target": to_code["PRECISER"]}, action=f"{url}/merge")
    assert response.status_code == 303
    assert codes_of(app, to_code["ca"]) == {"PRECISER"} and codes_of(app, to_code["qc"]) == {"PRECISER"}
    page = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert "Merged" in page and "Renamed" in page and "Alter" in page
    # A merged code cannot be applied any more.
    assert post_row(client, app, to_code["ca2"], "codes", {"code_id": to_code["MODIFIER"]}).status_code == 400

    include = f"{BASE}/codebook/{to_code['INCLURE']}"
    assert submit_form(client, include, {}, action=f"{include}/retire").status_code == 303
    assert post_row(client, app, to_code["ca2"], "codes", {"code_id": to_code["INCLURE"]}).status_code == 400
    assert submit_form(client, include, {}, action=f"{include}/restore").status_code == 303
    assert post_row(client, app, to_code["ca2"], "codes", {"code_id": to_code["INCLURE"]}).status_code == 200
    actions = audit_actions(app)
    for action in ("analysis.code_renamed", "analysis.code_merged", "analysis.code_retired",
                   "analysis.code_restored"):
        assert action in actions


# -- memo ---------------------------------------------------------------------------------------------

def test_memo_saves_and_reports_a_conflict_keeping_what_was_typed(app, client, make_staff, to_code):
    from tests.conftest import STAFF_PASSWORD

    url = f"{BASE}/topics/{to_code['topic']}/memo"
    make_staff("first@example.org", ["analyst"])
    make_staff("second@example.org", ["analyst"])
    other = app.test_client()
    for browser, email in ((client, "first@example.org"), (other, "second@example.org")):
        submit_form(browser, "/staff/login", {"email": email, "password": STAFF_PASSWORD})

    first_page = client.get(url).get_data(as_text=True)
    assert 'name="revision" type="hidden" value="0"' in first_page
    assert submit_form(other, url, {"body_fr": "Texte de l'autre", "body_en": "Their text",
                                    "revision": "0"}).status_code == 303

    response = client.post(f"{url}?lang=en", data={"csrf_token": csrf_token_from(first_page),
                                                   "body_fr": "Mon texte", "body_en": "My text", "revision": "0"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone saved this memo while you were writing" in html
    assert "\nMon texte</textarea>" in html and "\nMy text</textarea>" in html  # nothing typed is lost
    assert "Texte de l&#39;autre" in html and "Their text" in html  # what was saved meanwhile, beside it
    with app.app_context():
        memo = db.session.scalar(select(TopicMemo))
        assert (memo.body_fr, memo.revision) == ("Texte de l'autre", 1)

    # Saving again from the conflict page replaces it, knowingly.
    assert client.post(url, data={"csrf_token": csrf_token_from(html), "body_fr": "Mon texte", "body_en": "My text",
                                  "revision": "1"}).status_code == 303
    with app.app_context():
        memo = db.session.scalar(select(TopicMemo))
        assert (memo.body_fr, memo.revision) == ("Mon texte", 2)
    assert audit_actions(app).count("analysis.memo_saved") == 2
    assert "Mon texte" in client.get(url).get_data(as_text=True)


# -- two coders ---------------------------------------------------------------------------------------

@pytest.fixture
def two_coders(app, client, make_staff, to_code):
    """The main analyst coded the three comments of 1.1; a coordinator gave them to a second analyst."""
    from tests.conftest import STAFF_PASSWORD

    make_staff("main@example.org", ["analyst"])
    second_id = make_staff("second@example.org", ["analyst"])
    make_staff("coordinator@example.org", ["coordinator"])
    with app.app_context():
        main = db.session.scalar(select(StaffUser).where(StaffUser.email == "main@example.org"))
        for key, codes in (("ca", ["PRECISER"]), ("ca2", ["PRECISER", "INCLURE"]), ("qc", ["MODIFIER"])):
            for code in codes:
                db.session.add(Coding(comment_id=to_code[key], code_id=to_code[code], coder_id=main.id))
        db.session.commit()
    browsers = {}
    for name in ("second", "coordinator"):
        browsers[name] = app.test_client() if name == "second" else client
        submit_form(browsers[name], "/staff/login", {"email": f"{name}@example.org", "password": STAFF_PASSWORD})
    response = submit_form(browsers["coordinator"], f"{BASE}/agreement",
                           {"coder": second_id, "topic": str(to_code["topic"]), "size": "10", "only_coded": "y"})
    assert response.status_code == 303
    return browsers


def test_a_coordinator_assigns_a_random_sample_of_coded_visible_comments(app, to_code, two_coders):
    with app.app_context():
        assigned = set(db.session.scalars(select(SecondCoding.comment_id)))
    assert assigned == {to_code["ca"], to_code["ca2"], to_code["qc"]}  # "other" is on 1.2
    assert "analysis.sample_assigned" in audit_actions(app)
    page = two_coders["coordinator"].get(f"{BASE}/agreement?lang=en").get_data(as_text=True)
    assert "No comment to compare yet" in page


def test_the_second_coder_sees_no_main_codes(app, to_code, two_coders):
    second = two_coders["second"]
    page = second.get(f"{BASE}/second-coding?lang=en").get_data(as_text=True)
    for key in ("ca", "ca2", "qc"):
        assert f'id="comment-{to_code[key]}"' in page
    assert 'aria-pressed="true"' not in page
    assert "Your codes:" in page and "code-tag" not in page
    assert f'id="comment-{to_code["other"]}"' not in page


def test_blind_codes_done_and_agreement_figures(app, to_code, two_coders):
    second, coordinator = two_coders["second"], two_coders["coordinator"]
    with app.app_context():
        assignments = {row.comment_id: row.id for row in db.session.scalars(select(SecondCoding))}

    def blind(key, code):
        csrf = csrf_token_from(second.get(f"{BASE}/second-coding").get_data(as_text=True))
        return second.post(f"{BASE}/second-coding/{assignments[to_code[key]]}/codes", headers=HTMX,
                           data={"csrf_token": csrf, "code_id": to_code[code], "shown": _shown(app, to_code[key])})

    # Agrees on ca, on ca2 only half (forgets INCLURE), disagrees on qc.
    assert blind("ca", "PRECISER").status_code == 200
    assert blind("ca2", "PRECISER").status_code == 200
    assert blind("qc", "PRECISER").status_code == 200
    assert codes_of(app, to_code["qc"], blind=True) == {"PRECISER"}
    assert codes_of(app, to_code["qc"]) == {"MODIFIER"}  # the main codes are untouched
    # From an older page (before PRECISER was applied) nothing happens.
    csrf = csrf_token_from(second.get(f"{BASE}/second-coding").get_data(as_text=True))
    stale = second.post(f"{BASE}/second-coding/{assignments[to_code['qc']]}/codes", headers=HTMX,
                        data={"csrf_token": csrf, "code_id": to_code["BONIFIER"], "shown": ""})
    assert stale.status_code == 409
    assert codes_of(app, to_code["qc"], blind=True) == {"PRECISER"}

    for key in ("ca", "ca2", "qc"):
        response = second.post(f"{BASE}/second-coding/{assignments[to_code[key]]}/done",
                               data={"csrf_token": csrf, "done": "yes", "next": f"{BASE}/second-coding"})
        assert response.status_code == 303
        assert response.headers["Location"] == f"{BASE}/second-coding#comment-{to_code[key]}"

    page = coordinator.get(f"{BASE}/agreement?lang=en").get_data(as_text=True)
    # PRÉCISER: both on ca and ca2, second only on qc → p_o 2/3, p_main 2/3, p_second 1 → κ = 0.
    # INCLURE: main only on ca2. MODIFIER: main only on qc. Pooled over 9 decisions: both 2, main only 2,
    # second only 1, neither 4 → p_o = 6/9; p_main 4/9, p_second 3/9; p_e = 12/81 + 30/81 = 42/81;
    # κ = (54/81 − 42/81) / (39/81) = 12/39 = 0.31.
    figures = page[page.index("Agreement per code"):page.index('id="kappa-note"')]
    cells = lambda label: re.findall(r"<td class=\"num\">([^<]*)<", figures[figures.index(label):])[:7]  # noqa: E731
    assert cells("Clarify") == ["3", "2", "0", "1", "0", "66.7 %", "0.00"]
    assert cells("Include") == ["3", "0", "1", "0", "2", "66.7 %", "0.00"]
    assert cells("Overall") == ["9", "2", "2", "1", "4", "66.7 %", "0.31"]
    assert "Comments with exactly the same codes: 1 (33.3 %)" in page
    assert "2 disagreements to settle" in page

    # Settle: adopt the second coder's codes on qc, keep the main ones on ca2.
    token_ = csrf_token_from(page)
    assert coordinator.post(f"{BASE}/agreement/{assignments[to_code['qc']]}/settle",
                            data={"csrf_token": token_, "decision": "adopt"}).status_code == 303
    assert coordinator.post(f"{BASE}/agreement/{assignments[to_code['ca2']]}/settle",
                            data={"csrf_token": token_, "decision": "keep"}).status_code == 303
    assert codes_of(app, to_code["qc"]) == {"PRECISER"}
    assert codes_of(app, to_code["ca2"]) == {"PRECISER", "INCLURE"}
    page = coordinator.get(f"{BASE}/agreement?lang=en").get_data(as_text=True)
    assert "0 disagreements to settle" in page and "No disagreement to settle." in page
    figures = page[page.index("Agreement per code"):page.index('id="kappa-note"')]
    assert cells("Overall") == ["9", "2", "2", "1", "4", "66.7 %", "0.31"]  # measured before settling
    assert audit_actions(app).count("analysis.disagreement_settled") == 2
    # Settled comments are locked for the second coder.
    assert blind("qc", "BONIFIER").status_code == 400


def _shown(app, comment_id):
    with app.app_context():
        return ",".join(str(code_id) for code_id in sorted(db.session.scalars(
            select(Coding.code_id).where(Coding.comment_id == comment_id, Coding.blind.is_(True)))))


def test_a_second_coder_acts_only_on_their_own_sample(app, to_code, two_coders, login):
    with app.app_context():
        assignment = db.session.scalar(select(SecondCoding))
    coordinator = two_coders["coordinator"]
    csrf = csrf_token_from(coordinator.get(f"{BASE}/agreement").get_data(as_text=True))
    response = coordinator.post(f"{BASE}/second-coding/{assignment.id}/done", data={"csrf_token": csrf, "done": "yes"})
    assert response.status_code == 404


# -- roles --------------------------------------------------------------------------------------------

def test_an_organizer_gets_403_everywhere(app, login, to_code):
    client = login(["organizer"])
    for url in (f"{BASE}/codebook", f"{BASE}/codebook/{to_code['PRECISER']}", f"{BASE}/topics/{to_code['topic']}/memo",
                f"{BASE}/second-coding", f"{BASE}/agreement"):
        assert client.get(url).status_code == 403, url
    csrf = csrf_token_from(client.get("/staff/").get_data(as_text=True))
    response = client.post(f"{BASE}/comments/{to_code['ca']}/codes",
                           data={"csrf_token": csrf, "revision": 1, "code_id": to_code["PRECISER"]})
    assert response.status_code == 403
    assert codes_of(app, to_code["ca"]) == set()


def test_an_analyst_codes_but_does_not_assign_samples(app, login, to_code):
    client = login(["analyst"])
    assert client.get(f"{BASE}/codebook").status_code == 200
    assert client.get(f"{BASE}/second-coding").status_code == 200
    assert client.get(f"{BASE}/agreement").status_code == 403


def test_the_second_coder_cannot_see_or_apply_main_codes_of_their_sample_in_the_workspace(app, to_code, two_coders):
    """Otherwise the agreement would compare their blind codes with their own main ones."""
    second = two_coders["second"]
    page = second.get(f"{BASE}/topics/{to_code['topic']}?lang=en").get_data(as_text=True)
    assert page.count("In your second-coding sample") == 3
    csrf = csrf_token_from(page)
    data = {"csrf_token": csrf, "code_id": to_code["MODIFIER"], "revision": comment(app, to_code["ca"]).revision}
    response = second.post(f"{BASE}/comments/{to_code['ca']}/codes", headers=HTMX, data=data)
    assert response.status_code == 400
    with app.app_context():
        codes = set(db.session.scalars(select(Coding.code_id).where(Coding.comment_id == to_code["ca"],
                                                                    Coding.blind.is_(False))))
    assert codes == {to_code["PRECISER"]}
