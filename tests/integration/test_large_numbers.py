"""Numbers larger than the database can hold, typed into a URL or a form, are refused cleanly."""
from consult.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import consultation_of, make_comment

HUGE = "99999999999999999999999"


def test_a_huge_id_in_a_url_is_not_found(demo, login):
    client = login(["analyst"])
    for path in ("analysis/topics", "analysis/codebook", "analysis/suggestions"):
        response = client.get(f"/staff/consultations/{demo}/{path}/{HUGE}")
        assert response.status_code == 404, path


def test_a_huge_revision_or_code_in_a_coding_form_is_refused(app, demo, login, client):
    with app.app_context():
        comment = make_comment(consultation_of(demo), "Un commentaire.", topic="1.1")
        db.session.commit()
        comment_id = comment.id
    login(["analyst"])
    page = f"/staff/consultations/{demo}/analysis/topics/1"
    token = csrf_token_from(client.get(f"/staff/consultations/{demo}/analysis/comments").get_data(as_text=True))
    for data in ({"revision": HUGE, "code_id": "1"}, {"revision": "1", "code_id": HUGE}):
        response = client.post(f"/staff/consultations/{demo}/analysis/comments/{comment_id}/codes",
                               data={"csrf_token": token, "next": page, **data})
        assert 400 <= response.status_code < 500, (data, response.status_code)
