"""Rules of the questionnaire that need no database: digests, email lists, options, states, answers."""
from datetime import datetime, timedelta, timezone

from werkzeug.datastructures import MultiDict

from consult.models import Question, Questionnaire
from consult.questionnaires.forms import options_text, parse_options
from consult.questionnaires.invitations import parse_email_list
from consult.questionnaires.saving import fingerprint, normalise_text, read_answer

NOW = datetime(2030, 5, 10, 12, tzinfo=timezone.utc)


def test_line_breaks_count_once_like_the_browser_counts_them():
    assert normalise_text("a\r\nb\rc") == "a\nb\nc"
    assert fingerprint("a\r\nb") == fingerprint("a\nb")
    assert fingerprint(["2", "1"]) == fingerprint(["1", "2"])
    assert fingerprint("a") != fingerprint("b")


def test_email_lists_report_bad_lines_and_count_repeats_once():
    listed = parse_email_list("email,name\nAna@Example.org, Ana Tremblay\n\nnot an email\nana@example.org\n"
                              "<bob@example.org>\n")
    assert listed.entries == [("ana@example.org", "Ana Tremblay"), ("bob@example.org", "")]
    assert listed.invalid == [(4, "not an email")]
    assert listed.repeated == 1
    semicolons = parse_email_list("carla@example.org;Carla\ndan@example.org;Dan")
    assert semicolons.entries == [("carla@example.org", "Carla"), ("dan@example.org", "Dan")]


def test_options_are_written_one_a_line_in_both_languages():
    options = parse_options("Oui | Yes\r\n\r\nPeut-être\n")
    assert options == [{"value": "1", "label_fr": "Oui", "label_en": "Yes"},
                       {"value": "2", "label_fr": "Peut-être", "label_en": "Peut-être"}]
    assert parse_options(options_text(options)) == options


def test_questionnaire_state_follows_status_and_dates():
    questionnaire = Questionnaire(status="draft", opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(days=1))
    assert questionnaire.state(NOW) == "draft"
    questionnaire.status = "published"
    assert questionnaire.state(NOW) == "open"
    assert questionnaire.state(NOW - timedelta(days=2)) == "upcoming"
    assert questionnaire.state(NOW + timedelta(days=1)) == "closed"  # closing moment excluded
    questionnaire.opens_at = None
    assert questionnaire.state(NOW) == "upcoming"


def test_reading_an_answer_checks_length_and_choices():
    text = Question(id=1, kind="long_text", max_length=5, options=[])
    assert read_answer(text, MultiDict()) == (False, "", None)
    assert read_answer(text, MultiDict({"q-1": "abc\r\nd"})) == (True, "abc\nd", None)
    sent, value, error = read_answer(text, MultiDict({"q-1": "abcdef"}))
    assert (sent, value, error.code, error.length) == (True, "abcdef", "too_long", 6)
    choice = Question(id=2, kind="single_choice", options=[{"value": "1"}, {"value": "2"}])
    assert read_answer(choice, MultiDict({"q-2": "2"}))[1:] == ("2", None)
    assert read_answer(choice, MultiDict({"q-2": "9"}))[2].code == "invalid_choice"
    many = Question(id=3, kind="multiple_choice", options=[{"value": "1"}, {"value": "2"}])
    # Nothing ticked sends only the digest: the answer is an empty list, not "not sent".
    assert read_answer(many, MultiDict({"b-3": "x"})) == (True, [], None)
    assert read_answer(many, MultiDict([("q-3", "2"), ("q-3", "1")]))[1] == ["1", "2"]


def test_editing_a_scale_keeps_what_stored_answers_mean():
    from consult.questionnaires.builder import keep_option_values

    old = [{"value": "5", "label_fr": "Tout à fait d'accord", "label_en": "Strongly agree"},
           {"value": "1", "label_fr": "Tout à fait en désaccord", "label_en": "Strongly disagree"}]
    # Same labels, renumbered by the form from 1: values come back as stored.
    same = [{"value": "1", "label_fr": "Tout à fait d'accord", "label_en": "Strongly agree"},
            {"value": "2", "label_fr": "Tout à fait en désaccord", "label_en": "Strongly disagree"}]
    assert [o["value"] for o in keep_option_values(same, old)] == ["5", "1"]
    # A relabelled first option keeps its value by position; a new one gets an unused value.
    edited = [{"value": "1", "label_fr": "D'accord", "label_en": "Agree"}, same[1],
              {"value": "3", "label_fr": "Sans opinion", "label_en": "No opinion"}]
    assert [o["value"] for o in keep_option_values(edited, old)] == ["5", "1", "6"]
    # Removing the first option does not shift the meaning of the second.
    assert [o["value"] for o in keep_option_values([same[1]], old)] == ["1"]


def test_addresses_over_the_limit_are_reported_not_dropped_silently(app):
    from types import SimpleNamespace

    from flask_babel import force_locale

    from consult.questionnaires.forms import invitation_summary
    from consult.questionnaires.invitations import InviteReport

    with app.test_request_context(), force_locale("en"):
        messages = invitation_summary(InviteReport(invited=2000, left_over=5), SimpleNamespace(repeated=0))
    assert ("warning", "5 addresses were over the limit of one list and were not invited: send them in another "
            "list.") in messages
