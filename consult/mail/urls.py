"""Absolute links for emails, which are read long after (and far from) the request that queued them."""
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import BuildError

from ..personal_links import EMAIL_LINK


def external_url(endpoint: str, **values) -> str:
    """An absolute URL on the site's public address (config BASE_URL), with or without a request.

    Inside a request too, BASE_URL and not the request's Host header: that header is chosen
    by whoever sends the request, and a link carrying a personal token must never point to a
    host an attacker picked (the classic "reset link poisoning").
    """
    base = urlsplit(current_app.config["BASE_URL"])
    # What url_for(_external=True) does, bound to BASE_URL instead of the current request;
    # no request context is pushed, so no request hooks run as a side effect.
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    values[EMAIL_LINK] = True  # a personal link in an email keeps its token (personal_links.py)
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def site_host() -> str:
    """The host name of BASE_URL, e.g. for calendar UIDs."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def external_url_if_routed(endpoint: str, **values) -> str:
    """Like external_url, for a page another part of the site may not provide yet: "" when it does not."""
    if endpoint not in current_app.view_functions:
        return ""
    try:
        return external_url(endpoint, **values)
    except BuildError:
        return ""
