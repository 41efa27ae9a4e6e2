"""Extension objects, created unbound and attached to the app by create_app()."""
from flask import current_app, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_login.config import COOKIE_NAME
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from . import rate_limit_storage  # noqa: F401  (registers the memory:// storage without a thread per hit)

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()


class StaffLoginManager(LoginManager):
    """Flask-Login's "strong" session protection, for the sessions that sign someone in. On a visitor's
    session (a CSRF token, a questionnaire under way) Flask-Login finds no identifier and marks the
    session to clear a remember cookie on every request: the session cookie was signed and sent again
    with every autosave and sign-up, and a Set-Cookie deleting a cookie never issued went with it."""

    def _session_protection_failed(self):
        remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
        if "_user_id" not in session and remember_cookie not in request.cookies:
            return False
        return super()._session_protection_failed()


login_manager = StaffLoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
