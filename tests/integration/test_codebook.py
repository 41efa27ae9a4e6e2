"""The codebook: seeded once with the modification codes and one code per theme, codes merged without
duplicate codings, renamed and retired with their history kept."""
import pytest
from sqlalchemy import func, select

from consult.analysis import codebook
from consult.extensions import db
from consult.models import AuditEvent, Code, Coding, Theme
from tests.factories import consultation_of, make_comment, topic_of


@pytest.fixture
def consultation(ctx, demo):
    return consultation_of(demo)


def codes_of(consultation):
    return list(db.session.scalars(select(Code).where(Code.consultation_id == consultation.id)
                                   .order_by(Code.position, Code.id)))


def code(consultation, key):
    return db.session.scalar(select(Code).where(Code.consultation_id == consultation.id, Code.key == key))


def test_seeding_adds_the_modification_codes_and_one_code_per_theme(consultation):
    created = codebook.ensure_codebook(consultation)
    themes = db.session.scalar(select(func.count()).select_from(Theme).join(Theme.topic)
                               .where(Theme.topic.has(consultation_id=consultation.id)))
    codes = codes_of(consultation)
    assert created == len(codes) == 4 + themes
    first = codes[:4]
    assert [(c.key, c.label_fr, c.label_en, c.report_group, c.shortcut) for c in first] == [
        ("PRECISER", "Préciser", "Clarify", "clarify", "1"),
        ("MODIFIER", "Modifier", "Change", "clarify", "2"),
        ("INCLURE", "Inclure", "Include", "strengthen", "3"),
        ("BONIFIER", "Bonifier", "Strengthen", "strengthen", "4"),
    ]
    assert all(c.kind == "modification" and c.description_fr and c.description_en for c in first)
    theme = db.session.scalar(select(Theme).where(Theme.topic_id == topic_of(consultation, "1.1").id,
                                                  Theme.code == "1.1.T2"))
    theme_code = code(consultation, "T-1.1-T2")
    assert theme_code.kind == "theme" and theme_code.theme_id == theme.id
    assert (theme_code.label_fr, theme_code.label_en) == (theme.name_fr, theme.name_en)
    assert [change.action for change in theme_code.changes] == ["created"]


def test_seeding_is_idempotent_and_picks_up_new_themes(consultation):
    codebook.ensure_codebook(consultation)
    db.session.commit()
    before = len(codes_of(consultation))
    assert codebook.ensure_codebook(consultation) == 0
    assert len(codes_of(consultation)) == before

    # A retired or renamed code is not brought back or reset.
    precise = code(consultation, "PRECISER")
    codebook.edit_code(precise, {"label_fr": "Clarifier", "label_en": "Clarify", "shortcut": "1"}, None)
    codebook.retire_code(code(consultation, "MODIFIER"), None)
    topic = topic_of(consultation, "1.1")
    topic.themes.append(Theme(code="1.1.T9", name_fr="Nouveau thème", name_en="New theme", position=9))
    db.session.flush()
    assert codebook.ensure_codebook(consultation) == 1
    assert code(consultation, "T-1.1-T9").label_en == "New theme"
    assert code(consultation, "PRECISER").label_fr == "Clarifier"
    assert code(consultation, "MODIFIER").status == "retired"
    assert len(codes_of(consultation)) == before + 1


def test_merge_moves_codings_without_duplicates(consultation):
    codebook.ensure_codebook(consultation)
    source, target = code(consultation, "MODIFIER"), code(consultation, "PRECISER")
    only_source = make_comment(consultation, "Seulement modifier", topic="1.1")
    both = make_comment(consultation, "Les deux", topic="1.1")
    blind_both = make_comment(consultation, "Codage à l'aveugle", topic="1.1")
    db.session.add_all([
        Coding(comment_id=only_source.id, code_id=source.id),
        Coding(comment_id=both.id, code_id=source.id),
        Coding(comment_id=both.id, code_id=target.id),
        Coding(comment_id=blind_both.id, code_id=source.id, blind=True),
        Coding(comment_id=blind_both.id, code_id=target.id, blind=True),
        Coding(comment_id=blind_both.id, code_id=source.id, blind=False),
    ])
    db.session.flush()
    revision = both.revision

    moved = codebook.merge_code(source, target, None)

    assert moved == 3
    rows = db.session.execute(select(Coding.comment_id, Coding.code_id, Coding.blind)).all()
    assert sorted(rows) == sorted([
        (only_source.id, target.id, False), (both.id, target.id, False),
        (blind_both.id, target.id, True), (blind_both.id, target.id, False)])
    source, target = db.session.get(Code, source.id), db.session.get(Code, target.id)
    assert source.status == "merged" and source.merged_into_id == target.id and source.shortcut == ""
    assert source.changes[-1].action == "merged" and source.changes[-1].detail["into"] == "PRECISER"
    assert target.changes[-1].action == "absorbed"
    assert db.session.get(type(both), both.id).revision == revision + 1  # open pages of it are out of date
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "analysis.code_merged")) is not None


def test_merge_refuses_itself_and_inactive_codes(consultation):
    codebook.ensure_codebook(consultation)
    precise, change = code(consultation, "PRECISER"), code(consultation, "MODIFIER")
    with pytest.raises(codebook.CodebookError):
        codebook.merge_code(precise, precise, None)
    codebook.retire_code(change, None)
    with pytest.raises(codebook.CodebookError):
        codebook.merge_code(change, precise, None)


def test_rename_and_retire_keep_the_history(consultation):
    codebook.ensure_codebook(consultation)
    include = code(consultation, "INCLURE")
    assert codebook.edit_code(include, {"label_fr": "Ajouter", "label_en": "Add", "description_fr": "",
                                        "description_en": "", "shortcut": "3"}, None)
    assert not codebook.edit_code(include, {"label_fr": "Ajouter", "label_en": "Add", "description_fr": "",
                                            "description_en": "", "shortcut": "3"}, None)
    codebook.retire_code(include, None)
    codebook.restore_code(include, None)
    actions = [change.action for change in include.changes]
    assert actions == ["created", "renamed", "retired", "restored"]
    renamed = include.changes[1].detail
    assert renamed["label_fr"] == ["Inclure", "Ajouter"] and renamed["label_en"] == ["Include", "Add"]
    assert "description_fr" in renamed  # the seeded description was cleared, and that is recorded too
    assert include.key == "INCLURE"  # the key never changes: exports keep their meaning
    assert include.shortcut == "3"  # given back on restore, no other code took it meanwhile
    audited = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(include.id))).all()
    assert {"analysis.code_renamed", "analysis.code_retired", "analysis.code_restored"} <= set(audited)


def test_shortcuts_are_unique_among_codes_in_use(consultation):
    codebook.ensure_codebook(consultation)
    with pytest.raises(codebook.CodebookError, match="PRECISER"):  # "already the shortcut of the code PRECISER"
        codebook.add_code(consultation, {"label_fr": "Coût", "shortcut": "1"}, None)
    with pytest.raises(codebook.CodebookError):
        codebook.add_code(consultation, {"label_fr": "Coût", "shortcut": "j"}, None)
    added = codebook.add_code(consultation, {"label_fr": "Coûts élevés", "label_en": "High costs", "shortcut": "C"},
                              None)
    assert (added.key, added.kind, added.shortcut) == ("COUTS-ELEVES", "other", "c")
    # Retiring frees the key for another code; restoring does not take it back.
    codebook.retire_code(code(consultation, "BONIFIER"), None)
    other = codebook.add_code(consultation, {"label_fr": "Autre", "shortcut": "4"}, None)
    codebook.restore_code(code(consultation, "BONIFIER"), None)
    assert other.shortcut == "4" and code(consultation, "BONIFIER").shortcut == ""
