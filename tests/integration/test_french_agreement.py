"""Status words agree with what they describe: a questionnaire is « Ouvert », a consultation « Ouverte »;
an email « Envoyé », a submission « Envoyée »; a consent « Non donné »; and removing a question is not
withdrawing a consent."""
from datetime import datetime, timezone

from flask import render_template_string


def french(app, source, **context):
    with app.test_request_context("/?lang=fr"):
        return render_template_string(source, **context).strip()


def test_status_words_agree_in_french(app):
    class Questionnaire:
        def state(self, now):
            return "open"

    now = datetime.now(timezone.utc)
    questionnaire = french(app, '{% from "questionnaires/staff/_macros.html" import state_badge %}'
                                '{{ state_badge(q, now) }}', q=Questionnaire(), now=now)
    assert ">Ouvert<" in questionnaire
    privacy = '{% from "privacy/_macros.html" import sent_status, email_status, decision %}'
    assert french(app, privacy + "{{ sent_status('submitted') }}") == "Envoyée"
    assert french(app, privacy + "{{ email_status('sent') }}") == "Envoyé"
    assert ">Non donné<" in french(app, privacy + "{{ decision(False) }}")


def test_remove_retire_and_withdraw_are_told_apart(app):
    with app.test_request_context("/?lang=fr"):
        words = render_template_string('{{ pgettext("question", "Remove") }}|{{ pgettext("consent", "Withdraw") }}')
    assert words == "Supprimer|Retirer"


def test_counts_take_their_plural_form(app):
    counter = ('{% from "questionnaires/_macros.html" import counter_text %}'
               '{{ counter_text(0, 1) }} | {{ counter_text(3, 500) }}')
    assert french(app, counter) == "0 / 1 caractère | 3 / 500 caractères"
    with app.test_request_context("/?lang=en"):
        assert render_template_string(counter).strip() == "0 / 1 character | 3 / 500 characters"
