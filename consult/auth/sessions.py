"""Starting a staff member's signed-in session, the same way from the sign-in form and a set-password link."""
from flask import session
from flask_login import login_user


def start_session(user) -> None:
    # A fresh session: nothing planted before sign-in survives it, but the interface language does.
    language = session.get("_lang")
    session.clear()
    if language:
        session["_lang"] = language
    login_user(user)
    session.permanent = True
