import pytest

from consult.config import ConfigError, load_config


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), {"CONSULT_ENV": "production"})


def test_development_generates_a_key_once_and_keeps_it(tmp_path):
    first = load_config(str(tmp_path), {"CONSULT_ENV": "development"})["SECRET_KEY"]
    second = load_config(str(tmp_path), {"CONSULT_ENV": "development"})["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_a_sqlite_file_under_instance(tmp_path):
    config = load_config(str(tmp_path), {"CONSULT_ENV": "development"})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'consult.db'}"


@pytest.mark.parametrize("given", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_postgres_urls_use_psycopg3(tmp_path, given):
    config = load_config(str(tmp_path), {"CONSULT_ENV": "development", "DATABASE_URL": given})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_cookies_are_secure_in_production_only(tmp_path):
    production = load_config(str(tmp_path), {"CONSULT_ENV": "production", "SECRET_KEY": "x" * 40})
    development = load_config(str(tmp_path), {"CONSULT_ENV": "development"})
    assert production["SESSION_COOKIE_SECURE"] and production["REMEMBER_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"] and production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not development["SESSION_COOKIE_SECURE"]


def test_unknown_environment_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="CONSULT_ENV"):
        load_config(str(tmp_path), {"CONSULT_ENV": "staging"})
