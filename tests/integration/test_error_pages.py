"""Error pages speak the visitor's language and give a way on."""
import pytest

from consult import create_app


@pytest.fixture
def fragile_app(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e.db'}", "SECRET_KEY": "x",
                      "TESTING": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("simulated failure")

    return app


@pytest.mark.parametrize(("lang", "title"), [("fr", "Une erreur s'est produite de notre côté"),
                                              ("en", "Something went wrong on our side")])
def test_a_crash_shows_a_500_page_in_the_visitors_language(fragile_app, lang, title):
    response = fragile_app.test_client().get(f"/boom?lang={lang}")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert f'<html lang="{lang}">' in html and title in html
    assert "simulated failure" not in html


@pytest.mark.parametrize(("lang", "title"), [("fr", "Page introuvable"), ("en", "Page not found")])
def test_404_in_both_languages(client, lang, title):
    response = client.get(f"/no/such/page?lang={lang}")
    assert response.status_code == 404 and title in response.get_data(as_text=True)


def test_health_check_says_when_the_database_is_down(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}",
                      "SECRET_KEY": "x", "TESTING": False})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unavailable"}
