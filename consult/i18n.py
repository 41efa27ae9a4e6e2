"""Interface language selection and bilingual content fields."""
import os
from dataclasses import dataclass
from functools import lru_cache, wraps
from urllib.parse import urlencode

from flask import current_app, g, has_request_context, request
from flask_babel import get_locale, pgettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LOCALE_COOKIE = "lang"
# Each language in its own name: the language links, a choice of language in a form.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
# Shown after a text that is only available in another language.
ONLY_IN = {"fr": _l("Available in French only"), "en": _l("Available in English only")}


def select_locale() -> str:
    if not has_request_context():
        return command_line_language()
    language = language_asked_by(request)
    if request.args.get("lang") == language:
        g.locale_from_query = language
    return language


def command_line_language() -> str:
    """Command-line output and help follow the operator's environment, French by default."""
    system = (os.environ.get("CONSULT_LANG") or os.environ.get("LANG") or "")[:2]
    return system if system in LANGUAGES else DEFAULT_LANGUAGE


def language_asked_by(visitor_request) -> str:
    """The interface language of a request: ?lang=, then the remembered choice, then the browser's."""
    return language_of(visitor_request.args.get("lang"), visitor_request.cookies.get(LOCALE_COOKIE),
                       visitor_request.headers.get("Accept-Language", ""))


def language_of(asked: str | None, remembered: str | None, accept_language: str) -> str:
    if asked in LANGUAGES:
        return asked
    if remembered in LANGUAGES:
        return remembered
    return browser_language(accept_language)


@lru_cache(maxsize=1024)
def browser_language(accept_language: str) -> str:
    """The language a browser's Accept-Language header prefers among ours. Parsing the header costs more
    than serving a kept page; browsers send few distinct headers, so each is parsed once per worker."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(LANGUAGES) or DEFAULT_LANGUAGE


def language_name(code: str) -> str:
    """The name of a language in the interface's language, for use inside a sentence ("held in
    French only", « en français seulement »)."""
    if code == "fr":
        return pgettext("language named inside a sentence", "French")
    if code == "en":
        return pgettext("language named inside a sentence", "English")
    return code


def current_language() -> str:
    # Read where Flask-Babel keeps the request's locale once found (a list of comments asks hundreds of
    # times); asked the first time, after refresh() or outside a request, Flask-Babel finds it.
    try:
        return g._flask_babel.babel_locale.language
    except (AttributeError, RuntimeError):
        locale = get_locale()
        return locale.language if locale else DEFAULT_LANGUAGE


def translated_once(make):
    """A decorator: make() once per worker and interface language, then what it gave. Called while that
    language is the current one, which is the key it is kept under: for texts that are the same on
    every page. What it returns is shared between requests: nothing may change it."""
    kept = lru_cache(maxsize=len(LANGUAGES))(lambda _language: make())

    @wraps(make)
    def in_current_language():
        return kept(current_language())

    return in_current_language


def remember_locale(response):
    """Keep the language picked with ?lang= for the next visits. Pages are in the language the
    browser asks for unless one was picked: a shared cache must tell them apart."""
    response.vary.update(("Accept-Language", "Cookie"))
    chosen = g.get("locale_from_query")
    if chosen and request.cookies.get(LOCALE_COOKIE) != chosen:
        response.set_cookie(
            LOCALE_COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["LOCALE_COOKIE_SECURE"],
        )
    return response


@dataclass(frozen=True)
class Localized:
    """A content field in the language shown, and whether it is a fallback."""

    text: str
    lang: str
    fallback: bool

    def __bool__(self):
        return bool(self.text)

    def __str__(self):
        return self.text

    def __html__(self):
        if not self.fallback:
            return str(escape(self.text))
        return str(
            Markup('<span lang="{lang}">{text}</span> <span class="fallback-note">({note})</span>').format(
                lang=self.lang, text=self.text, note=ONLY_IN[self.lang]
            )
        )


def localized(obj, field: str, lang: str | None = None) -> Localized:
    """Return obj.<field>_<lang>, falling back to the other language when empty."""
    lang = lang or current_language()
    order = [lang] + [other for other in LANGUAGES if other != lang]
    for candidate in order:
        value = getattr(obj, f"{field}_{candidate}", None)
        if value:
            return Localized(value, candidate, candidate != lang)
    return Localized("", lang, False)


def url_for_language(lang: str) -> str:
    """The current URL with ?lang= set, keeping every other query argument."""
    pairs = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    pairs.append(("lang", lang))
    return f"{request.path}?{urlencode(pairs)}"
