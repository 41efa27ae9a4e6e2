"""Full-text search of comments: accents and case ignored in French and English, prefixes,
phrases, exclusions, OR, relevance, and hostile input that never fails."""
import pytest
from sqlalchemy import select

from consult.analysis import search
from consult.analysis.queries import Filters, count_tree, dialect, list_comments
from consult.analysis.search import Term, parse
from consult.extensions import db
from consult.models import Comment
from tests.factories import consultation_of, make_comment

TEXTS = {
    "teams": "Les équipes de soins infirmiers manquent de temps",
    "doctors": "Les médecins de famille travaillent seuls",
    "nurses": "Nurses need more support in rural areas",
    "nurse-led": "A NURSE-LED clinic would help",
    "scattered": "Une équipe pour les soins à domicile",
    "finance": "Le financement à l'acte décourage le travail d'équipe",
}


@pytest.fixture
def comment_ids(ctx, demo):
    consultation = consultation_of(demo)
    ids = {}
    for key, text in TEXTS.items():
        ids[key] = make_comment(consultation, text, topic="1.1").id
    db.session.commit()
    return ids


def found(comment_ids, typed):
    """The keys of the comments a search finds."""
    query = parse(typed)
    rows = db.session.scalars(select(Comment.id).where(*search.conditions(query, dialect()))).all()
    names = {comment_id: key for key, comment_id in comment_ids.items()}
    return {names[row] for row in rows}


# -- parsing --------------------------------------------------------------------------------

def test_words_are_normalised_prefixes_and_quotes_make_phrases():
    query = parse('Médecins "ÉQUIPE de soins" -infirmières')
    assert query.groups == [[Term(("medecins",), True)], [Term(("equipe", "de", "soins"), False)]]
    assert query.excluded == [Term(("infirmieres",), True)]


def test_or_joins_its_neighbours_only():
    query = parse("nurse OR médecin rural")
    assert query.groups == [[Term(("nurse",), True), Term(("medecin",), True)], [Term(("rural",), True)]]
    assert search.fts5_expression(query.groups) == '("nurse"* OR "medecin"*) AND ("rural"*)'
    assert search.tsquery_expression(query.groups) == "((nurse:*) | (medecin:*)) & ((rural:*))"


def test_a_word_with_an_apostrophe_or_a_hyphen_is_a_phrase_of_its_parts():
    assert parse("l'équipe").groups == [[Term(("l", "equipe"), True)]]
    assert search.fts5_expression(parse("nurse-led").groups) == '("nurse led"*)'


def test_nothing_but_operators_and_symbols_leaves_nothing_to_search():
    for typed in ['"', "-", "OR", "* ( ) :", "🙂🙂", "' -- ;", '""']:
        query = parse(typed)
        assert query.asked and not query.searchable, typed


def test_long_input_is_cut_to_a_number_of_terms():
    query = parse(" ".join(f"mot{number}" for number in range(100)))
    assert query.truncated and sum(len(group) for group in query.groups) == search.MAX_TERMS


# -- searching ------------------------------------------------------------------------------

def test_accents_and_case_are_ignored_in_french(comment_ids):
    assert found(comment_ids, "equipe") == {"teams", "scattered", "finance"}
    assert found(comment_ids, "ÉQUIPE") == {"teams", "scattered", "finance"}
    assert found(comment_ids, "Équipes") == {"teams"}
    assert found(comment_ids, "medecin") == {"doctors"}
    assert found(comment_ids, "médecin") == {"doctors"}  # a prefix of "médecins"
    assert found(comment_ids, "financement a l acte") == {"finance"}


def test_case_is_ignored_in_english(comment_ids):
    assert found(comment_ids, "nurse") == {"nurses", "nurse-led"}
    assert found(comment_ids, "NURSES") == {"nurses"}
    assert found(comment_ids, "Rural") == {"nurses"}


def test_phrases_keep_their_words_together(comment_ids):
    assert found(comment_ids, '"équipes de soins"') == {"teams"}
    assert found(comment_ids, '"equipe de soins"') == set()  # exact words, not a prefix
    assert found(comment_ids, '"nurse-led clinic"') == {"nurse-led"}


def test_excluded_words(comment_ids):
    assert found(comment_ids, "équipe -infirmiers") == {"scattered", "finance"}
    assert found(comment_ids, '-"soins infirmiers" équipe') == {"scattered", "finance"}
    assert found(comment_ids, "-equipe") == {"doctors", "nurses", "nurse-led"}


def test_or_between_words(comment_ids):
    assert found(comment_ids, "nurse OR médecin") == {"nurses", "nurse-led", "doctors"}
    assert found(comment_ids, "nurse OU médecin") == {"nurses", "nurse-led", "doctors"}
    assert found(comment_ids, "nurse | médecin rural") == {"nurses"}


@pytest.mark.parametrize("typed", [
    '"', '"unclosed phrase', "équipe\"", "nurse*", "NEAR(nurse rural)", "nurse NEAR rural", "(équipe",
    "équipe)", "' OR 1=1 --", "'; DROP TABLE comment; --", "AND OR NOT", "-", "--", "OR nurse OR",
    "🙂 équipe 🙂", "^nurse", "nurse:*", "a & b | !c", "\\", "%", "_", "x" * 2000, "équipe " * 300,
    "col:nurse", "{nurse rural}", "\x00nurse", "ｅｑｕｉｐｅ",
])
def test_hostile_input_never_fails(comment_ids, typed):
    result = found(comment_ids, typed)
    assert isinstance(result, set)


def test_symbols_around_words_are_ignored(comment_ids):
    assert found(comment_ids, "(équipe)") == found(comment_ids, "équipe")
    assert found(comment_ids, "nurse*") == {"nurses", "nurse-led"}
    assert found(comment_ids, "ｅｑｕｉｐｅ") == found(comment_ids, "equipe")  # full-width letters fold to plain ones


def test_relevance_puts_the_best_match_first(ctx, demo):
    consultation = consultation_of(demo)
    make_comment(consultation, "Un mot sur le transport, et encore beaucoup d'autres mots sans rapport avec "
                               "le sujet principal de ce commentaire assez long", topic="1.1")
    best = make_comment(consultation, "Transport, transport et transport", topic="1.1")
    make_comment(consultation, "Rien à voir", topic="1.1")
    db.session.commit()
    filters = Filters(search=parse("transport"), sort="relevance")
    total = count_tree(consultation, filters, with_themes=False).total.total
    listing = list_comments(consultation, filters, total)
    assert total == 2
    assert [comment.id for comment in listing.comments][0] == best.id
