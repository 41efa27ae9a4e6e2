"""The counts of the analysis views that the database keeps (comment_tally, by triggers) stay equal
to the counts made from the comments themselves, through coding and un-coding, moving, hiding,
deleting comments and whole participants, blind codings and merged codes; reading them costs the
same few statements however many comments there are, and the plan reads the tally's own key."""
import pytest
from sqlalchemy import delete, event, select, text, update

from consult.analysis import queries, tally
from consult.extensions import db
from consult.models import Code, Coding, Comment, StaffUser, Theme
from tests.factories import consultation_of, make_comment, make_participant, topic_of


def _theme_of_code(consultation_id):
    return dict(db.session.execute(select(Code.id, Code.theme_id).where(
        Code.consultation_id == consultation_id, Code.kind == "theme", Code.theme_id.is_not(None))).all())


def _as_plain(by_topic, by_theme):
    def plain(counts):
        return (counts.total, {k: v for k, v in counts.channels.items() if v},
                {k: v for k, v in counts.codes.items() if v})

    return ({key: plain(value) for key, value in by_topic.items() if value.total},
            {key: plain(value) for key, value in by_theme.items() if value.total})


def assert_tally_right(consultation):
    db.session.flush()
    modification_ids = {code.id for code in queries.modification_codes(consultation)}
    themes = _theme_of_code(consultation.id)
    counted = queries._count(queries.conditions(consultation, queries.Filters()), modification_ids, themes)
    kept = tally.counts(consultation.id, None, modification_ids, themes)
    assert _as_plain(*kept) == _as_plain(*counted)
    return _as_plain(*kept)


@pytest.fixture
def coded(app, demo):
    with app.app_context():
        consultation = consultation_of(demo)
        coder = StaffUser(email="coder@example.org", name="Coder", password_hash="x")
        db.session.add(coder)
        precise = Code(consultation_id=consultation.id, kind="modification", key="PRECISER", label_fr="PRÉCISER",
                       label_en="CLARIFY", position=1)
        modify = Code(consultation_id=consultation.id, kind="modification", key="MODIFIER", label_fr="MODIFIER",
                      label_en="MODIFY", position=2)
        theme = db.session.scalars(select(Theme).where(Theme.topic_id == topic_of(consultation, "1.1").id)
                                   .order_by(Theme.position)).first()
        theme_code = Code(consultation_id=consultation.id, kind="theme", key="T-1", theme_id=theme.id,
                          label_fr=theme.name_fr, label_en=theme.name_en, position=10)
        db.session.add_all([precise, modify, theme_code])
        db.session.flush()
        ana = make_participant(consultation, "ana@example.org", region="QC")
        comments = [make_comment(consultation, f"Commentaire {number}", topic=("1.1", "1.2", "4.2", None)[number % 4],
                                 channel=("questionnaire", "forum", "submission")[number % 3],
                                 participant=ana if number < 3 else None) for number in range(12)]
        db.session.flush()
        for comment in comments[:6]:
            db.session.add(Coding(comment_id=comment.id, code_id=theme_code.id, coder_id=coder.id))
        for comment in comments[::2]:
            db.session.add(Coding(comment_id=comment.id, code_id=precise.id, coder_id=coder.id))
        db.session.add(Coding(comment_id=comments[1].id, code_id=modify.id, coder_id=coder.id, blind=True))
        db.session.commit()
        yield consultation.id, [comment.id for comment in comments], (precise.id, modify.id, theme_code.id), coder.id


def test_the_tally_follows_coding_and_uncoding(app, coded):
    consultation_id, comments, (precise, modify, theme_code), coder = coded
    with app.app_context():
        from consult.models import Consultation

        consultation = db.session.get(Consultation, consultation_id)
        before = assert_tally_right(consultation)
        topic_11 = topic_of(consultation, "1.1").id
        assert before[0][topic_11][2] == {precise: 3}
        db.session.add(Coding(comment_id=comments[0], code_id=modify, coder_id=coder))
        assert_tally_right(consultation)
        db.session.execute(delete(Coding).where(Coding.comment_id == comments[0], Coding.code_id == precise))
        assert_tally_right(consultation)
        # A blind coding never counts, and a blind one made a main one starts counting.
        db.session.add(Coding(comment_id=comments[4], code_id=modify, coder_id=coder, blind=True))
        assert_tally_right(consultation)
        db.session.execute(update(Coding).where(Coding.comment_id == comments[1], Coding.blind.is_(True))
                           .values(blind=False))
        assert_tally_right(consultation)
        # A code merged into another: its codings change code.
        db.session.execute(update(Coding).where(Coding.code_id == modify).values(code_id=precise)
                           .where(~Coding.comment_id.in_(select(Coding.comment_id).where(Coding.code_id == precise)
                                                         .scalar_subquery())))
        assert_tally_right(consultation)
        db.session.commit()
        assert_tally_right(consultation)


def test_the_tally_follows_moving_hiding_and_channels(app, coded):
    consultation_id, comments, _codes, _coder = coded
    with app.app_context():
        from consult.models import Consultation

        consultation = db.session.get(Consultation, consultation_id)
        first = db.session.get(Comment, comments[0])
        first.topic_id = topic_of(consultation, "4.2").id
        assert_tally_right(consultation)
        first.topic_id = None
        assert_tally_right(consultation)
        second = db.session.get(Comment, comments[2])
        second.visibility = "hidden"
        assert_tally_right(consultation)
        second.topic_id = topic_of(consultation, "1.2").id  # moved while hidden: still not counted
        assert_tally_right(consultation)
        second.visibility = "flagged"  # flagged comments are visible
        assert_tally_right(consultation)
        second.channel = "interview"
        assert_tally_right(consultation)
        db.session.commit()
        assert_tally_right(consultation)


def test_the_tally_follows_deletions(app, coded):
    consultation_id, comments, _codes, _coder = coded
    with app.app_context():
        from consult.models import Consultation, Participant

        consultation = db.session.get(Consultation, consultation_id)
        db.session.delete(db.session.get(Comment, comments[4]))
        assert_tally_right(consultation)
        db.session.execute(delete(Comment).where(Comment.id == comments[5]))
        assert_tally_right(consultation)
        # A participant erased: the database deletes or detaches their comments.
        db.session.execute(delete(Participant).where(Participant.email == "ana@example.org"))
        assert_tally_right(consultation)
        db.session.commit()
        kept = assert_tally_right(consultation)
        assert sum(total for total, _channels, _codes in kept[0].values()) == db.session.scalar(
            select(db.func.count()).select_from(Comment).where(Comment.consultation_id == consultation_id,
                                                                Comment.visibility != "hidden"))


def test_the_default_view_reads_the_tally_in_a_fixed_number_of_statements(app, coded):
    consultation_id, _comments, _codes, _coder = coded
    with app.app_context():
        from consult.models import Consultation

        consultation = db.session.get(Consultation, consultation_id)
        statements = []

        def note(_connection, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", note)
        try:
            tree = queries.count_tree(consultation, queries.Filters(), root=topic_of(consultation, "1"))
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        assert tree.roots[0].counts.total > 0
        # Nothing reads the comment or coding tables to count.
        assert not [sql for sql in statements if "FROM comment" in sql and "comment_tally" not in sql], statements
        tally_sql = next(sql for sql in statements if "comment_tally" in sql)
        assert "count(" not in tally_sql.lower()


def test_the_tally_plan_reads_its_key(app, coded):
    consultation_id, _comments, _codes, _coder = coded
    with app.app_context():
        sql = (f"SELECT topic_id, code_id, channel, other_code_id, n FROM comment_tally "
               f"WHERE consultation_id = {consultation_id} AND n != 0 AND topic_id IN (1, 2, 3)")
        if db.engine.dialect.name == "sqlite":
            plan = " ".join(row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
            assert "USING INDEX sqlite_autoindex_comment_tally_1" in plan or "PRIMARY KEY" in plan, plan
        else:
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
            assert "pk_comment_tally" in plan, plan
