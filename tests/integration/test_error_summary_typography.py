"""The error summary at the top of a refused form reads "Label : message" in French (a non-breaking
space before the colon) and "Label: message" in English."""
import pytest

from tests.conftest import submit_form


@pytest.mark.parametrize(("lang", "expected"), [("fr", "Nom\u00a0: Saisissez votre nom."),
                                                ("en", "Name: Enter your name.")])
def test_the_error_summary_follows_each_languages_typography(client, demo, lang, expected):
    url = f"/consultations/{demo}/submissions/new?lang={lang}"
    response = submit_form(client, url, {"name": "", "email": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert expected in html
    if lang == "fr":
        assert "Nom: " not in html
