"""The templates' translations follow the request's language, also when a block of code forces another."""
from flask import render_template_string
from flask_babel import force_locale, gettext, refresh

from consult.template_gettext import current_translations

SOURCE = '{{ _("Comments") }} / {{ ngettext("%(num)d comment", "%(num)d comments", 2) }}'


def test_the_page_language_then_a_forced_one_then_the_page_language_again(app):
    with app.test_request_context("/?lang=fr", headers={"Accept-Language": "fr"}):
        french = render_template_string(SOURCE)
        with force_locale("en"):
            english = render_template_string(SOURCE)
        again = render_template_string(SOURCE)
    assert french.startswith("Commentaires / ")
    assert english.startswith("Comments / ")
    assert again == french


def test_a_refreshed_locale_is_looked_up_again(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        first = current_translations()
        assert current_translations() is first  # kept for the request
        refresh()
        with force_locale("en"):
            assert render_template_string('{{ _("Comments") }}') == "Comments"
        assert render_template_string('{{ _("Comments") }}') == "Commentaires"


def test_outside_a_request_the_default_language_is_used_as_by_flask_babel(app):
    with app.app_context():
        assert render_template_string('{{ _("Comments") }}') == gettext("Comments") == "Commentaires"
