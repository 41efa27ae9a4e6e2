"""Public pages kept ready for visitors, and analysis counts kept for the next look: served again
without rendering or counting, never out of date once the content or the comments changed, never
shared between languages or with someone signed in."""

from sqlalchemy import event, select, text

from consult import change_stamps, page_cache
from consult.analysis import queries
from consult.extensions import db
from consult.models import Code, Coding, Topic
from tests.conftest import submit_form
from tests.factories import consultation_of, make_comment, topic_of

SLUG = "politique-premiere-ligne-2025"
PAGE = f"/consultations/{SLUG}/proposal/3.1"
EDIT = f"/staff/consultations/{SLUG}/topics/3.1/edit"


class Statements:
    """The SQL statements the application sends while the block runs."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.sent: list[str] = []

    def _record(self, _connection, _cursor, statement, *_rest):
        self.sent.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self.sent

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._record)


def _title(app, code="3.1"):
    with app.app_context():
        return topic_of(consultation_of(SLUG), code).title_en


def stamp_read_long_ago(app, monkeypatch):
    """What a second's wait does to the kept pages: the change stamp is read again on the next request."""
    cache = app.extensions["page_cache"]
    later = cache.clock() + page_cache.STAMP_SECONDS + 0.05
    monkeypatch.setattr(cache, "clock", lambda: later)


def test_a_visitors_second_look_is_served_without_rendering_again(app, client, demo):
    first = client.get(PAGE, headers={"Accept-Language": "en"})
    assert first.status_code == 200
    with Statements(app) as sent:
        again = client.get(PAGE, headers={"Accept-Language": "en"})
    assert again.status_code == 200
    assert again.get_data() == first.get_data()
    assert sent == []
    # Kept whole, headers included: the security policy still applies.
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    # And a cache between the site and its visitors keeps one page per language.
    assert {"Accept-Language", "Cookie"} <= {value.strip() for value in again.headers["Vary"].split(",")}


def test_each_language_has_its_own_page(app, client, demo):
    english = client.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    french = client.get(PAGE, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en"' in english and "Change targets" in english
    assert '<html lang="fr"' in french and "Cibles de changement" in french
    visitor = app.test_client()
    visitor.set_cookie("lang", "en")
    assert "Change targets" in visitor.get(PAGE, headers={"Accept-Language": "fr"}).get_data(as_text=True)


def test_an_edit_shows_to_visitors_at_once(app, login, demo):
    visitor = app.test_client()
    assert _title(app) in visitor.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert len(app.extensions["page_cache"].pages) == 1
    admin = login(["admin"])
    response = submit_form(admin, EDIT, {
        "title_fr": "Rapprocher les décisions des communautés", "title_en": "Bring decisions closer to communities",
        "summary_fr": "Résumé", "summary_en": "Summary", "body_fr": "", "body_en": "",
    })
    assert response.status_code == 303
    page = app.test_client().get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Bring decisions closer to communities" in page


def test_an_edit_made_by_another_process_shows_within_a_second(app, client, demo, monkeypatch):
    assert "Renamed elsewhere" not in client.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    with app.app_context():
        # What another worker's commit leaves in the database: the new text and a new stamp,
        # without this process's session noticing.
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE topic SET title_en = 'Renamed elsewhere' WHERE code = '3.1'"))
            change_stamps.replace(connection, change_stamps.CONTENT)
    stamp_read_long_ago(app, monkeypatch)
    assert "Renamed elsewhere" in client.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_signed_in_staff_get_their_own_page(app, client, login, demo):
    anonymous = client.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sign out" not in anonymous
    assert len(app.extensions["page_cache"].pages) == 1
    staff = login(["admin"])  # the same test client, now with a session
    assert "Sign out" in staff.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_addresses_with_other_arguments_are_not_kept(app, demo):
    visitor = app.test_client()
    for number in range(3):
        assert visitor.get(f"{PAGE}?utm_source=mail{number}").status_code == 200
        assert visitor.get(f"{PAGE}?lang=x{number}").status_code == 200
        assert visitor.get(PAGE, headers={"Host": f"h{number}.example.org"}).status_code == 200
    assert len(app.extensions["page_cache"].pages) == 1  # the last one, whatever its Host


def test_a_page_larger_than_the_whole_cache_is_served_and_not_kept(app, demo):
    cache = app.extensions["page_cache"]
    small = page_cache.PageCache(cache.wsgi_app, app, max_bytes=2048)
    from werkzeug.test import Client

    visitor = Client(small)
    answer = visitor.get(PAGE, headers={"Accept-Language": "en"})
    assert answer.status_code == 200 and "Change targets" in answer.get_data(as_text=True)
    assert len(small.pages) == 0


def test_a_page_setting_a_cookie_or_failing_is_not_kept(app, demo):
    visitor = app.test_client()
    chosen = visitor.get(PAGE + "?lang=en")
    assert "lang=en" in chosen.headers.get("Set-Cookie", "")
    cache = app.extensions["page_cache"]
    assert len(cache.pages) == 0
    assert app.test_client().get(f"/consultations/{SLUG}/proposal/9.9").status_code == 404
    assert len(cache.pages) == 0


def test_a_consultation_returned_to_draft_disappears_from_visitors_at_once(app, client, demo):
    assert client.get(PAGE).status_code == 200
    with app.app_context():
        consultation_of(SLUG).status = "draft"
        db.session.commit()
    assert client.get(PAGE).status_code == 404


# -- analysis counts --------------------------------------------------------------------------

def _orientation_view(app, client):
    with app.app_context():
        topic_id = topic_of(consultation_of(SLUG), "1.1").id
    return f"/staff/consultations/{SLUG}/analysis/topics/{topic_id}?lang=en"


def _counting(statements: list[str]) -> list[str]:
    return [statement for statement in statements if "GROUP BY" in statement.upper()]


def test_a_second_look_at_an_orientation_counts_nothing_and_a_new_comment_counts_at_once(app, login, demo):
    with app.app_context():
        consultation = consultation_of(SLUG)
        for number in range(3):
            make_comment(consultation, f"Commentaire {number}", topic="1.1")
        db.session.commit()
    client = login(["analyst"])
    view = _orientation_view(app, client)
    assert "3 comments" in client.get(view).get_data(as_text=True)
    with Statements(app) as sent:
        assert "3 comments" in client.get(view).get_data(as_text=True)
    assert _counting(sent) == []
    with app.app_context():
        make_comment(consultation_of(SLUG), "Un quatrième", topic="1.1")
        db.session.commit()
    assert "4 comments" in client.get(view).get_data(as_text=True)


def test_counts_made_from_changes_not_yet_committed_are_not_kept(app, demo):
    with app.app_context():
        consultation = consultation_of(SLUG)
        topic = topic_of(consultation, "1.1")
        make_comment(consultation, "Commentaire gardé", topic="1.1")
        code = Code(consultation_id=consultation.id, kind="modification", key="MODIFIER", label_fr="MODIFIER",
                    label_en="MODIFY", position=1)
        db.session.add(code)
        db.session.commit()
        filters = queries.Filters()
        with app.test_request_context():
            assert queries.count_tree(consultation, filters, root=topic).roots[0].counts.total == 1
            pending = make_comment(consultation, "Pas encore enregistré", topic="1.1")
            db.session.add(Coding(comment_id=pending.id, code_id=code.id, coder_id=None))
            assert queries.count_tree(consultation, filters, root=topic).roots[0].counts.total == 2
            db.session.rollback()
            tree = queries.count_tree(consultation, filters, root=db.session.get(Topic, topic.id))
            assert tree.roots[0].counts.total == 1
            assert tree.roots[0].counts.codes == {}
        assert db.session.scalar(select(Coding.id)) is None


def test_a_kept_consultation_page_changes_when_a_way_to_take_part_opens(app, demo, monkeypatch):
    from datetime import datetime, timedelta, timezone

    from consult.models import Channel

    # The request clock says when a page is made and when it expires: moving it stands for waiting.
    now = datetime.now(timezone.utc)
    monkeypatch.setitem(app.extensions, "request_clock", lambda: now)
    with app.app_context():
        consultation = consultation_of(SLUG)
        channel = db.session.scalar(select(Channel).where(Channel.consultation_id == consultation.id,
                                                          Channel.kind == "submissions"))
        channel.opens_at = now + timedelta(seconds=1.5)
        channel.closes_at = None
        db.session.commit()
    visitor = app.test_client()
    page = f"/consultations/{SLUG}/"
    before = visitor.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Not open yet" in before and "Send a written submission" not in before
    with Statements(app) as sent:
        assert visitor.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True) == before
    assert sent == []
    later = now + timedelta(seconds=1.6)
    monkeypatch.setitem(app.extensions, "request_clock", lambda: later)
    after = visitor.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Send a written submission" in after


def test_touch_caches_makes_every_worker_render_again_after_a_change_made_in_sql(app, client, runner, demo,
                                                                                   monkeypatch):
    assert "Changed by hand" not in client.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE topic SET title_en = 'Changed by hand' WHERE code = '3.1'"))
    result = runner.invoke(args=["consult", "touch-caches"])
    assert result.exit_code == 0, result.output
    stamp_read_long_ago(app, monkeypatch)
    assert "Changed by hand" in client.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)



def _province_view(app):
    with app.app_context():
        topic_id = topic_of(consultation_of(SLUG), "1.1").id
    return f"/staff/consultations/{SLUG}/analysis/topics/{topic_id}?lang=en&province=ON"


def test_a_participant_moving_province_moves_their_comments_in_the_counts(app, login, demo):
    from tests.factories import make_participant

    with app.app_context():
        consultation = consultation_of(SLUG)
        person = make_participant(consultation, "ana@example.org", region="QC")
        make_comment(consultation, "Commentaire d'Ana", topic="1.1", participant=person)
        db.session.commit()
        person_id = person.id
    client = login(["analyst"])
    assert "1 comment matches" not in client.get(_province_view(app)).get_data(as_text=True)
    with app.app_context():
        from consult.models import Participant

        db.session.get(Participant, person_id).region = "ON"
        db.session.commit()
    assert "1 comment matches" in client.get(_province_view(app)).get_data(as_text=True)


def test_deleting_a_forum_note_removes_its_comment_from_the_counts(app, login, demo):
    """The database deletes the note's comment (ON DELETE CASCADE), out of the session's sight."""
    from datetime import datetime, timedelta, timezone

    from consult.channels.notes import sync_note
    from consult.models import Forum, ForumNote

    with app.app_context():
        consultation = consultation_of(SLUG)
        forum = Forum(consultation_id=consultation.id, title_fr="Forum", title_en="Forum", capacity=20,
                      starts_at=datetime.now(timezone.utc) - timedelta(days=1))
        db.session.add(forum)
        db.session.flush()
        note = ForumNote(forum_id=forum.id, language="fr", body="Une note du forum",
                         topic_id=topic_of(consultation, "1.1").id)
        db.session.add(note)
        db.session.flush()
        sync_note(note)
        db.session.commit()
        note_id = note.id
    client = login(["analyst"])
    view = _orientation_view(app, client)
    assert "1 comment." in client.get(view).get_data(as_text=True)
    with app.app_context():
        db.session.delete(db.session.get(ForumNote, note_id))
        db.session.commit()
    assert "1 comment." not in client.get(view).get_data(as_text=True)


def test_a_savepoint_rolled_back_keeps_the_changes_noted_before_it(app, demo):
    from sqlalchemy.exc import IntegrityError

    from consult.models import Track

    with app.app_context():
        consultation = consultation_of(SLUG)
        before = change_stamps.read(db.session.connection(), change_stamps.ANALYSIS)
        db.session.rollback()
        make_comment(consultation, "Ajouté avant le point de sauvegarde", topic="1.1")
        try:
            with db.session.begin_nested():
                db.session.add(Track(consultation_id=consultation.id, code="qc"))  # already exists
                db.session.flush()
        except IntegrityError:
            pass
        db.session.commit()
        assert change_stamps.read(db.session.connection(), change_stamps.ANALYSIS) != before


def test_a_statement_on_a_table_replaces_the_stamp_of_its_class(app, demo):
    from consult.models import Coding

    with app.app_context():
        before = change_stamps.read(db.session.connection(), change_stamps.ANALYSIS)
        db.session.rollback()
        db.session.execute(Coding.__table__.delete().where(Coding.__table__.c.id < 0))
        db.session.commit()
        assert change_stamps.read(db.session.connection(), change_stamps.ANALYSIS) != before
