"""The translations of the templates' `_`, `ngettext` and `pgettext`, found once per request and language.

Flask-Babel's own callables look the catalogue up again for every string: the request's context, the
locale (formatted into a key) and the cache, several times per call. A list of 25 comments translates
some six hundred strings, and that look-up was a sixth of the page's time. Here the catalogue found is
kept with the locale object it was found for, in Flask-Babel's own per-request namespace: a
`force_locale` block or a `refresh()` replaces that object, and the next string looks the catalogue
up again for the new one."""
from flask import g
from flask_babel import get_translations


def current_translations():
    try:
        context = g._flask_babel
        locale, translations = context.consult_translations
        if locale is not None and locale is context.babel_locale:
            return translations
    except (AttributeError, RuntimeError):  # not looked up yet in this request, or outside a request
        pass
    translations = get_translations()
    try:
        context = g._flask_babel
        context.consult_translations = (getattr(context, "babel_locale", None), translations)
    except (AttributeError, RuntimeError):
        pass
    return translations


def init_app(app) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: current_translations().ugettext(string),
        ngettext=lambda singular, plural, number: current_translations().ungettext(singular, plural, number),
        newstyle=True,
        pgettext=lambda context, string: current_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, number: current_translations().unpgettext(
            context, singular, plural, number),
    )
